"""`marp-build data …`: the attendees' data tool (datacheck) under the course command.

Each command hands its arguments untouched to the same function as `python validar_datos.py validar|convertir`,
so the two command lines cannot drift apart: same options (Spanish names, English aliases), same help, same
messages and exit codes (0 no errors, 1 errors, 2 usage).
"""

from __future__ import annotations

import typer

from datacheck.cli import CONVERT_HELP, VALIDATE_HELP, convert_command, validate_command

data_app = typer.Typer(
    name="data",
    help="Revisa y convierte archivos de entrenamiento: JSONL de chat o de preferencias y CSV de clasificador.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

# Every argument, --help included, goes to datacheck's own parser.
_PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []}


@data_app.command("validate", help=VALIDATE_HELP, context_settings=_PASS_THROUGH, add_help_option=False)
def validate(ctx: typer.Context) -> None:
    raise typer.Exit(validate_command(list(ctx.args), "marp-build data validate"))


@data_app.command("convert", help=CONVERT_HELP, context_settings=_PASS_THROUGH, add_help_option=False)
def convert(ctx: typer.Context) -> None:
    raise typer.Exit(convert_command(list(ctx.args), "marp-build data convert"))
