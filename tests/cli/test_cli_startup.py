"""The command line tells a subcommand from the window's arguments without importing the
subcommands' modules (they import most of core), and the list it uses stays complete."""

from __future__ import annotations

import subprocess
import sys

import pytest

from karachi_review.cli import COMMANDS, _command_names, build_parser, main


def test_the_command_list_matches_the_parser() -> None:
    assert _command_names(build_parser()) == COMMANDS


def test_every_command_is_dispatched_to_its_parser(capsys: pytest.CaptureFixture[str]) -> None:
    for command in sorted(COMMANDS):
        with pytest.raises(SystemExit) as stop:
            main([command, "--help"])
        assert stop.value.code == 0
        assert f"usage: karachi-review {command}" in capsys.readouterr().out


def test_importing_the_cli_leaves_the_command_modules_alone() -> None:
    script = (
        "import sys\n"
        "import karachi_review.cli\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('karachi_review.cli.')\n"
        "                or m in ('karachi_review.core.store', 'PySide6'))\n"
        "print(loaded)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
