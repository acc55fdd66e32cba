"""Where the command line writes, and the one place that turns errors into messages and exit codes."""

from __future__ import annotations

import os
import re

import typer
from rich.console import Console

from marp_build.errors import MarpBuildError

__all__ = ["err_console", "out_console", "fail", "plural", "report_crash", "run_app", "debugging", "DEBUG_ENV"]

# emoji=False: a `:x:` a user wrote stays `:x:` (Rich would turn shortcodes into emoji).
err_console = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
out_console = Console(highlight=False, soft_wrap=True, emoji=False)

DEBUG_ENV = "MARP_BUILD_DEPURAR"
ISSUES_HINT = (
    "Es un error de marp-build, no tuyo. Avísanos con el comando que usaste y este mensaje; "
    f"para ver el detalle técnico, repite el comando con {DEBUG_ENV}=1 delante."
)


def plural(count: int, singular: str, plural_form: str) -> str:
    """'1 error', '3 errores' (Spanish readers notice '1 errores')."""
    number = f"{count:,}".replace(",", " ") if count >= 10_000 else str(count)  # course rule: 52 000
    return f"{number} {singular if count == 1 else plural_form}"


def fail(err: MarpBuildError) -> typer.Exit:
    """Print a user's mistake in Spanish on stderr, without traceback, and return the exit to raise."""
    err_console.print(str(err), markup=False)
    return typer.Exit(err.exit_code)


def debugging() -> bool:
    return os.environ.get(DEBUG_ENV, "") not in ("", "0")


def report_crash(err: BaseException) -> int:
    """An exception nobody expected is our bug: say so in Spanish, briefly; the traceback only when debugging."""
    if debugging():
        raise err
    err_console.print(
        f"error interno de marp-build ({type(err).__name__}: {err}).\n{ISSUES_HINT}", markup=False
    )
    return 70  # EX_SOFTWARE: distinct from a user's mistake (1) or a wrong command line (2)


def exit_for(err: MarpBuildError) -> int:
    err_console.print(str(err), markup=False)
    return err.exit_code


# Typer's vendored Click speaks English and has no translations: its few messages, said in Spanish.
_CLICK_MESSAGES = (
    (re.compile(r"No such command '(.+)'\."), r"no existe el comando '\1'; la lista está en --help"),
    (re.compile(r"No such option: (\S+?)(?: Did you mean (\S+)\?)?$"), r"no existe la opción \1"),
    (re.compile(r"Invalid value for '(.+?)': (.*)$", re.S), r"valor no válido para \1: \2"),
    (re.compile(r"Missing argument '(.+?)'\.?(.*)$"), r"falta el argumento \1\2"),
    (re.compile(r"Missing option '(.+?)'\.?(.*)$"), r"falta la opción \1\2"),
    (re.compile(r"Option '(.+?)' requires an argument\."), r"la opción \1 necesita un valor"),
    (re.compile(r"Got unexpected extra arguments? \((.+)\)"), r"sobra: \1"),
    (re.compile(r"Missing command\."), "falta el comando; la lista está en --help"),
    (re.compile(r"'(.+?)' is not a valid integer\.?|Input should be a valid integer.*"), "debe ser un número entero"),
    (re.compile(r"'(.+?)' is not one of (.+)\.$"), r"'\1' no es ninguno de \2"),
    (re.compile(r"(.+) is not in the range (.+)\.$"), r"\1 está fuera del rango \2"),
)


def spanish_click_message(message: str) -> str:
    message = message.replace("' / '", " / ")  # "'--puerto' / '--port'": an option and its alias
    for pattern, spanish in _CLICK_MESSAGES:
        if pattern.search(message):
            message = pattern.sub(spanish, message)
    return message


def _show_usage_error(err: Exception) -> None:
    ctx = getattr(err, "ctx", None)
    usage = ctx.get_usage().replace("Usage:", "Uso:") if ctx is not None else ""
    if usage:
        err_console.print(usage, markup=False)
        err_console.print(f"Ayuda: {ctx.command_path} --help", markup=False)
    err_console.print(f"error: {spanish_click_message(err.format_message())}", markup=False)


def run_app(app: typer.Typer, prog_name: str, args: list[str] | None = None) -> int:
    """Run the Typer app inside the single error boundary of the command line."""
    from typer._click import exceptions as click_errors  # Typer ships its own Click

    from marp_build._spanish_cli import install

    install()
    try:
        code = app(args=args, prog_name=prog_name, standalone_mode=False)
    except MarpBuildError as err:
        return exit_for(err)
    except typer.Exit as done:
        return done.exit_code
    except click_errors.NoArgsIsHelpError as err:
        out_console.print(err.format_message().replace("Usage:", "Uso:"), markup=False)
        return 0
    except click_errors.ClickException as err:
        _show_usage_error(err)
        return err.exit_code
    except typer.Abort:
        err_console.print("interrumpido.", markup=False)
        return 130
    except KeyboardInterrupt:
        err_console.print("interrumpido.", markup=False)
        return 130
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except Exception as err:  # noqa: BLE001 - the boundary: anything else is our bug, said without a traceback
        return report_crash(err)
    return code if isinstance(code, int) else 0


