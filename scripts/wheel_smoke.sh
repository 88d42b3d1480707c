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
echo "== wheel: every command imports and answers --help; the engine commands on small files"
mkdir "$work/files" && cd "$work/files"
python - <<'PY'
import contextlib, io
from spec.cli import build, main
cli = build()
commands = []
for name, sub in cli.parser._subparsers._group_actions[0].choices.items():  # noqa: SLF001
    groups = [a for a in sub._actions if a.__class__.__name__ == "_SubParsersAction"]
    commands += [[name, s] for s in groups[0].choices] if groups else [[name]]
for argv in commands:
    with contextlib.redirect_stdout(io.StringIO()):
        assert main([*argv, "--help"]) == 0, argv
print(f"   {len(commands)} commands:", ", ".join(" ".join(c) for c in commands))
PY
printf 'a0 = 1.5\na1 = a0 * a0\na2 = a1 - a0\n' > p.slp
printf '{"nodes": [{"name": "x"}, {"name": "h", "activation": "relu"}], "inputs": ["x"], "outputs": ["h"], "edges": [{"from": "x", "to": "h", "weight": "0.5"}]}' > n.json
printf '[{"x": {"x": "2"}, "y": {"h": "0"}}]' > d.json
whyrelu slp eval p.slp --json | tr -d '\n '; echo
whyrelu slp compile p.slp --sigma "x^2 + x" --bit 0 --json | tr -d '\n '; echo
whyrelu net eval n.json --input x=0.25 --json | tr -d '\n '; echo
whyrelu net grad n.json --data d.json --json | tr -d '\n '; echo
whyrelu bits --activation relu --depth 2 --json | tr -d '\n '; echo
whyrelu bits --sweep --max-depth 2 -o sweep.svg --json > /dev/null && head -c 5 sweep.svg; echo
whyrelu pac --q 2 --trials 5 -o pac.pdf > /dev/null && head -c 5 pac.pdf; echo
whyrelu figure1 --seeds 5 --no-plot > /dev/null && echo "   figure1 within tolerance"
cd "$work/run"

echo "== wheel: a user script, mypy --strict against the installed package"
cp "$src/examples/user_script.py" .
mypy --strict --no-incremental user_script.py
python user_script.py
echo "== wheel: ok"
