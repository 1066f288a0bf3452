"""Command-line front end: the window by default, subcommands for headless work.

Each ``cli/*_cmds.py`` module registers its subcommands through ``register(subparsers)``;
each handler returns the process exit code. Errors the user can act on (``KarachiError``)
are printed as one ``FILE:LINE: message`` line on stderr with exit code 2, never a traceback.
Headless commands never import Qt or VLC, so they run on machines without a display.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from karachi_review import __version__
from karachi_review.core.errors import KarachiError

EXIT_USAGE = 2

# The subcommands' names, known without importing their modules: those import most of core
# (store, exporters, transcript readers), which the window (no subcommand, ``make run``) does
# not need at start. tests/cli checks this set against the parser.
COMMANDS = frozenset(
    {
        "annotations",
        "claims",
        "doctor",
        "export",
        "frame",
        "import-annotations",
        "inspect",
        "new",
        "probe",
        "search",
        "sources",
        "tag",
        "tags",
        "untag",
    }
)

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    """The parser of every subcommand."""
    # Here, not at import: see COMMANDS.
    from karachi_review.cli import claims_cmds, media_cmds, project_cmds, transcript_cmds

    parser = argparse.ArgumentParser(
        prog="karachi-review",
        description="Review documentary footage beside its time-synced transcript.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (transcript_cmds, project_cmds, media_cmds, claims_cmds):
        module.register(sub)
    return parser


def build_gui_parser() -> argparse.ArgumentParser:
    """The parser of the window's own arguments (no subcommand given)."""
    parser = argparse.ArgumentParser(
        prog="karachi-review",
        description="Open the review window (run 'karachi-review --help-commands' for the CLI).",
    )
    parser.add_argument("file", nargs="?", help="a project, transcript or media file to open")
    parser.add_argument(
        "--screenshot",
        metavar="PNG",
        help="open the window, save a screenshot of it to PNG and quit",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``karachi-review`` and ``python -m karachi_review``."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and (args_list[0] in COMMANDS or args_list[0] in ("-h", "--help")):
        args = build_parser().parse_args(args_list)
        handler: Handler = args.handler
        return _run(handler, args)
    if args_list and args_list[0] == "--help-commands":
        build_parser().print_help()
        return 0
    gui_args = build_gui_parser().parse_args(args_list)
    from karachi_review.ui.app import run_app  # Qt only when a window is wanted

    return _run(run_app, gui_args)


def _run(handler: Handler, args: argparse.Namespace) -> int:
    try:
        return handler(args)
    except KarachiError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return 0


def _command_names(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()
