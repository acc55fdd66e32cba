"""Where the command line writes, and how it turns a user's mistake into an exit (shared by all commands)."""

from __future__ import annotations

import typer
from rich.console import Console

from marp_build.errors import MarpBuildError

err_console = Console(stderr=True, highlight=False, soft_wrap=True)
out_console = Console(highlight=False, soft_wrap=True)


def fail(err: MarpBuildError) -> typer.Exit:
    """Print a user's mistake in Spanish on stderr, without traceback, and return the exit to raise."""
    err_console.print(str(err), markup=False)
    return typer.Exit(err.exit_code)
