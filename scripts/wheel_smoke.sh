#!/usr/bin/env bash
# Build the wheel and use it as a new user would: install it into a fresh virtual
# environment, leave the source tree (nothing of it on the path), and run the command line,
# `python -m whyrelu`, a claim, and a downstream script type-checked by mypy --strict
# against the installed package.  Usage: scripts/wheel_smoke.sh [PYTHON]
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
python="${1:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== wheel: build (from a clean copy: no stale build/ or *.egg-info)"
mkdir "$work/src"
tar -C "$src" --exclude=.git --exclude=build --exclude=dist --exclude='*.egg-info' \
    --exclude=__pycache__ --exclude='.*cache' --exclude=.hypothesis --exclude=.venv \
    --exclude=report --exclude=site --exclude=mutants -cf - . | tar -C "$work/src" -xf -
"$python" -m pip wheel --quiet --no-deps -w "$work/dist" "$work/src"
wheel="$(ls "$work"/dist/whyrelu-*.whl)"
echo "   $(basename "$wheel")"

echo "== wheel: fresh venv"
"$python" -m venv "$work/venv"
# shellcheck disable=SC1091
. "$work/venv/bin/activate"
python -m pip install --quiet --upgrade pip
python -m pip install --quiet "$wheel" mypy

mkdir "$work/run"
cd "$work/run"  # no source tree here, and no PYTHONPATH
unset PYTHONPATH
export XDG_CACHE_HOME="$work/cache"
python - "$src" <<'PY'
import pathlib, sys, whyrelu, spec, checkers
src = pathlib.Path(sys.argv[1]).resolve()
for mod in (whyrelu, spec, checkers):
    where = pathlib.Path(mod.__file__).resolve()
    assert src not in where.parents, f"{mod.__name__} imported from the source tree: {where}"
print("   imported from", pathlib.Path(whyrelu.__file__).parent.parent)
PY

echo "== wheel: whyrelu --version"; whyrelu --version
echo "== wheel: python -m whyrelu --version"; python -m whyrelu --version
echo "== wheel: whyrelu catalogue"; whyrelu catalogue | head -n 3
echo "== wheel: whyrelu gadget"; whyrelu gadget "x^2 + x"
echo "== wheel: whyrelu check --claim 'Lemma 3.1'"
whyrelu check --claim "Lemma 3.1" --activation "x^2" --profile ci --no-report --jobs 1 --quiet \
    | tail -n 5
test -z "$(ls -A)" || { echo "whyrelu check littered $PWD: $(ls -A)"; exit 1; }
echo "== wheel: a user script, mypy --strict against the installed package"
cp "$src/examples/user_script.py" .
mypy --strict --no-incremental user_script.py
python user_script.py
echo "== wheel: ok"
