"""The ``whyrelu`` command line.

Subcommands live in modules of :mod:`spec.cli`; each defines ``register(cli)`` and is
discovered automatically, so adding a command never edits this file.  Malformed input
(missing file, bad file, float weights, cycles, ...) ends with exit status 2 and one line on
standard error, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from checkers.activations import Activation
from checkers.errors import WhyReluError
from spec.harness.session import nonnegative_int, positive_int

__all__ = ["CLI", "UsageError", "add_max_degree", "build", "emit", "figure_file", "main",
           "nonnegative_int", "parse_act", "positive_int"]

Handler = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """A command-line mistake found after parsing (exit status 2)."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line ``whyrelu: error: ...`` (exit 2),
    like every other error of the command line."""

    def error(self, message: str) -> NoReturn:
        hint = f" (see '{self.prog} --help')"
        _fail(message + hint)
        sys.exit(2)


class CLI:
    """The argument parser, with groups such as ``slp`` and ``net``."""

    def __init__(self) -> None:
        from spec.harness.version import version

        self.parser = Parser(
            prog="whyrelu",
            description="Executable specification of 'Why ReLU? A Bit-Model Dichotomy for "
                        "Deep Network Training' (arXiv 2602.19017).")
        self.parser.add_argument("--version", action="version",
                                 version=f"whyrelu {version()}")
        self._top = self.parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
        self._groups: dict[str, Any] = {}

    def command(self, name: str, help: str, run: Handler, *,
                group: str | None = None) -> argparse.ArgumentParser:
        """Add a command (``group`` puts it under ``whyrelu GROUP NAME``)."""
        subs = self._top if group is None else self._group(group)
        p: argparse.ArgumentParser = subs.add_parser(name, help=help, description=help)
        p.set_defaults(run=run)
        return p

    def _group(self, group: str) -> Any:
        if group not in self._groups:
            gp = self._top.add_parser(group, help=GROUP_HELP.get(group, f"{group} commands"))
            self._groups[group] = gp.add_subparsers(dest=f"{group}_command", metavar="COMMAND",
                                                    required=True)
        return self._groups[group]


def figure_file(text: str) -> str:
    """argparse type: a figure file name ending in .png, .pdf or .svg."""
    from spec.plotting import FigureFormatError, figure_format

    try:
        figure_format(text)
    except FigureFormatError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return text


def add_max_degree(p: argparse.ArgumentParser) -> None:
    """``--max-degree MU`` (the one degree limit, :data:`checkers.limits.MAX_DEGREE`)."""
    from checkers.limits import MAX_DEGREE

    p.add_argument("--max-degree", type=positive_int, default=MAX_DEGREE, metavar="MU",
                   help=f"refuse a polynomial activation of degree above MU "
                        f"(default {MAX_DEGREE})")


def parse_act(text: str, max_degree: int | None = None) -> Activation:
    """Parse an activation given on the command line, within the degree limit."""
    from checkers.activations import parse_activation
    from checkers.limits import MAX_DEGREE, check_degree

    return check_degree(parse_activation(text), MAX_DEGREE if max_degree is None else max_degree)


GROUP_HELP = {
    "slp": "straight-line programs (Definition 2.2): evaluate, compile, transform",
    "net": "networks (§2): exact forward pass and backpropagation",
}


def build() -> CLI:
    import spec.cli

    cli = CLI()
    for info in sorted(pkgutil.iter_modules(spec.cli.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"spec.cli.{info.name}")
        register = getattr(mod, "register", None)
        if register is not None:
            register(cli)
    return cli


def emit(obj: Any, as_json: bool, text: str | None = None) -> None:
    """Print ``obj`` as JSON, or ``text`` (default: ``key: value`` lines)."""
    if as_json:
        print(json.dumps(obj, indent=2))
    elif text is not None:
        print(text)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            print(f"{k}: {json.dumps(v) if isinstance(v, dict | list) else v}")
    else:
        print(obj)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``whyrelu`` console script."""
    cli = build()
    try:
        args = cli.parser.parse_args(argv)
    except SystemExit as e:  # --help, --version, or a usage error already printed
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    try:
        code = int(args.run(args))
    except (WhyReluError, UsageError) as e:
        _fail(str(e))
        return 2
    except FileNotFoundError as e:
        _fail(f"no such file: {e.filename}")
        return 2
    except IsADirectoryError as e:
        _fail(f"is a directory: {e.filename}")
        return 2
    except PermissionError as e:
        _fail(f"permission denied: {e.filename}")
        return 2
    except BrokenPipeError:
        return 0
    except OSError as e:
        _fail(f"{e.filename or 'I/O'}: {e.strerror or e}")
        return 2
    except KeyboardInterrupt:
        _fail("interrupted")
        return 130
    sys.stdout.flush()
    return code


def _fail(message: str) -> None:
    first = message.strip().splitlines()[0] if message.strip() else "error"
    print(f"whyrelu: error: {first}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
