"""docs/cli-reference.md is generated from the argparse parser and must not go stale."""

from pathlib import Path

from spec.cli import build
from spec.cli.reference import reference

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli-reference.md"


def test_cli_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == reference(), (
        "docs/cli-reference.md is stale: regenerate it with "
        "`python -m spec.cli.reference > docs/cli-reference.md`")


def test_every_command_and_option_is_documented() -> None:
    text = reference()
    for cmd in ("gadget", "slp compile", "bits", "slp eval", "net grad", "check"):
        assert f"## `whyrelu {cmd}`" in text, f"`whyrelu {cmd}` is missing"

    def walk(parser: object, path: tuple[str, ...]) -> None:
        import argparse
        assert isinstance(parser, argparse.ArgumentParser)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, (*path, name))
            elif action.option_strings and not isinstance(action, argparse._HelpAction):
                assert f"`{action.option_strings[-1]}" in text, (
                    f"whyrelu {' '.join(path)} {action.option_strings[-1]} is missing")

    walk(build().parser, ())
