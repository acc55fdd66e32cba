"""Typer's own words (help headings, usage line, the help option) in Spanish.

Typer ships its own copy of Click, with English strings and no translations; the attendees and the
instructor read Spanish everywhere else, so the few strings its help shows are replaced here, once, when
the command line starts. Error messages are translated where they are printed (`_console.run_app`).
"""

from __future__ import annotations

__all__ = ["install"]

_WORDS = {
    "Arguments": "Argumentos",
    "Options": "Opciones",
    "Commands": "Comandos",
    "required": "obligatorio",
    "default: {default}": "por defecto: {default}",
    "env var: {var}": "variable de entorno: {var}",
    "(dynamic)": "(variable)",
    "Aborted!": "Interrumpido.",
    "Missing command.": "Falta el comando.",
    "No such command {name!r}.": "No such command {name!r}.",  # kept: run_app translates it with the usage
}
_USAGE_WORDS = (("[OPTIONS]", "[OPCIONES]"), ("COMMAND [ARGS]...", "COMANDO [ARGUMENTOS]..."))
_installed = False


def install() -> None:
    """Patch Typer's help output to Spanish (idempotent)."""
    global _installed
    if _installed:
        return
    import typer.core as typer_core
    from typer._click import core as click_core
    from typer._click import formatting

    typer_core._ = lambda text: _WORDS.get(text, text)  # type: ignore[attr-defined]

    write_usage = formatting.HelpFormatter.write_usage

    def spanish_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, spanish in _USAGE_WORDS:
            args = args.replace(english, spanish)
        write_usage(self, prog, args, "Uso: " if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = spanish_usage  # type: ignore[method-assign]

    get_help_option = click_core.Command.get_help_option

    def spanish_help_option(self, ctx):  # noqa: ANN001, ANN202 - Click's signature
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = "Muestra esta ayuda y termina."
        return option

    click_core.Command.get_help_option = spanish_help_option  # type: ignore[method-assign]
    _installed = True
