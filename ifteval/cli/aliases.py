"""lm-eval's spellings of every multi-word flag (`--model_args` for `--model-args`), on every command,
so a script can swap `lm_eval run` for `ifteval run` unchanged.

The underscore spelling is registered as a hidden alias of the same argparse action: `--help` shows
the dashed form once, and both spellings set the same value.
"""

from __future__ import annotations

import argparse


def add_underscore_aliases(parser: argparse.ArgumentParser) -> None:
    """Register `--a_b` for each `--a-b` option of `parser` and of all its subcommands."""
    for action in list(parser._actions):
        for option in list(action.option_strings):
            if option.startswith("--") and "-" in option[2:]:
                alias = "--" + option[2:].replace("-", "_")
                parser._option_string_actions.setdefault(alias, action)
        if isinstance(action, argparse._SubParsersAction):
            for subparser in set(action.choices.values()):
                add_underscore_aliases(subparser)
