#!/usr/bin/env bash
# A whyrelu campaign as a SLURM job array (docs/campaigns.md).
#
#   sbatch scripts/campaign-slurm.sh                      # N array tasks, one shard each
#   sbatch --dependency=afterany:JOBID scripts/campaign-slurm.sh merge
#
# Every array task runs the i-th of N deterministic partitions of the items and writes its
# results file; the merge step (run once, after all tasks, even if some failed) writes the
# theorem table and the report.  A task that never reported shows up as `error` items.
#SBATCH --job-name=whyrelu
#SBATCH --array=1-32
#SBATCH --cpus-per-task=1
#SBATCH --mem=4G
#SBATCH --time=08:00:00
#SBATCH --output=campaign/logs/%A_%a.out
set -euo pipefail

N=32                                        # = the size of --array
PROFILE=${PROFILE:-deep}
SEED=${SEED:-20260101}                      # a seed makes the campaign reproducible
OUT=${OUT:-campaign}
DATABASE=${DATABASE:-}                      # e.g. redis://head-node:6379/0 (unseeded runs)
VENV=${VENV:-$HOME/whyrelu/venv}

# shellcheck disable=SC1091
. "$VENV/bin/activate"
mkdir -p "$OUT/logs" "$OUT/results"

if [[ "${1:-}" == "merge" ]]; then
    whyrelu merge "$OUT"/results/shard-*.json --report "$OUT/report"
    exit $?
fi

i=${SLURM_ARRAY_TASK_ID:?run under sbatch --array}
args=(--profile "$PROFILE" --jobs 1 --quiet --shard "$i/$N"
      --results "$OUT/results/shard-$i.json")
[[ -n "$SEED" ]] && args+=(--seed "$SEED")
[[ -n "$DATABASE" ]] && args+=(--database "$DATABASE")
# exit status 1 means "some claim did not meet its expectation": the merge reports it
whyrelu check "${args[@]}" || [[ $? -eq 1 ]]
