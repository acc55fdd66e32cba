"""The `marp-build` command line: parses arguments, calls one library function, maps errors to exit codes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from marp_build import doctor as _doctor
from marp_build._console import err_console, fail, out_console, plural, run_app
from marp_build.cli_data import data_app
from marp_build.errors import MarpBuildError, UsageError

app = typer.Typer(
    name="marp-build",
    help="Construye el curso de fine-tuning: presentaciones Marp (HTML y PDF), datos y página de descargas.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,  # main() is the one error boundary: no traceback for a user's mistake
)
app.add_typer(data_app, name="data")

RootOption = Annotated[
    Path,
    typer.Option("--raiz", "--root", metavar="CARPETA", help="Carpeta del curso (donde está course.yaml).", show_default=False),
]


FechaOption = Annotated[
    str | None,
    typer.Option(
        "--fecha", help="Fecha de la clase (AAAA-MM-DD) para revisar los hechos; por defecto, fecha_clase de course.yaml."
    ),
]


def _fecha(text: str | None) -> str | None:
    """Validate --fecha: a real date written AAAA-MM-DD."""
    if text is None:
        return None
    from datetime import date

    try:
        date.fromisoformat(text)
    except ValueError:
        from marp_build.errors import UsageError

        raise fail(UsageError(f"--fecha {text}: no es una fecha válida; escríbela como AAAA-MM-DD (p. ej. 2026-12-10)")) from None
    return text


@app.callback()
def _root() -> None:
    """Construye el curso de fine-tuning: presentaciones Marp (HTML y PDF), datos y página de descargas."""


@app.command()
def build(
    raiz: RootOption = Path("."),
    salida: Annotated[
        Path | None,
        typer.Option(
            "--salida",
            "--output",
            metavar="CARPETA",
            help="Carpeta de salida (por defecto dist/): nueva, vacía o creada antes por marp-build.",
        ),
    ] = None,
    formato: Annotated[
        list[str] | None,
        typer.Option(
            "--formato",
            "--format",
            "-f",
            metavar="FORMATO",
            help="html, pdf, notas (PDF del instructor con notas) o pptx; se puede repetir.",
        ),
    ] = None,
    solo: Annotated[
        list[str] | None,
        typer.Option(
            "--solo", "--only", metavar="ID", help="Convierte solo esta presentación (id de course.yaml); se puede repetir."
        ),
    ] = None,
    forzar: Annotated[
        bool, typer.Option("--forzar", "--force", help="Vuelve a convertir todo aunque nada haya cambiado.")
    ] = False,
) -> None:
    """Genera dist/: presentaciones HTML y PDF, guías, datos, ZIP y página de descargas."""
    from rich.progress import Progress as RichProgress
    from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

    from marp_build.build import DEFAULT_FORMATS, Progress
    from marp_build.build import build as run_build

    def report(message: str) -> None:
        err_console.print(f"· {message}", markup=False)

    class Display(Progress):
        """One line per format being converted: the decks, a spinner, then the time it took.

        Started only when a conversion starts, so error messages and no-op builds print nothing extra.
        """

        def __init__(self) -> None:
            self.bar: RichProgress | None = None
            self.tasks: dict[str, int] = {}

        def converting(self, fmt: str, deck_ids: list[str]) -> None:
            if self.bar is None:
                columns = (SpinnerColumn(finished_text="✓"), TextColumn("{task.description}"), TimeElapsedColumn())
                self.bar = RichProgress(*columns, console=err_console)
                self.bar.start()
            self.tasks[fmt] = self.bar.add_task(f"{fmt.upper():6} {', '.join(deck_ids)}", total=1)

        def converted(self, fmt: str, seconds: float) -> None:
            if self.bar is not None:
                self.bar.update(self.tasks[fmt], completed=1)

        def close(self) -> None:
            if self.bar is not None:
                self.bar.stop()

    display = Display()
    try:
        result = run_build(raiz, salida, formato or DEFAULT_FORMATS, solo, forzar, report, display)
    except MarpBuildError as err:
        display.close()
        raise fail(err) from None
    display.close()
    if result.up_to_date:
        out_console.print(f"{result.dist.name}/ al día ({_seconds(result.seconds, 2)})", markup=False)
        return
    total = sum(result.slides.values())
    converted = sum(len(v) for v in result.converted.values())
    out_console.print(
        f"Listo en {_seconds(result.seconds)}: {plural(len(result.slides), 'documento', 'documentos')}, "
        f"{plural(total, 'diapositiva', 'diapositivas')}, {plural(converted, 'conversión nueva', 'conversiones nuevas')}, "
        f"{plural(result.reused, 'reutilizada', 'reutilizadas')} → {result.dist}",
        markup=False,
    )


@app.command()
def check(
    raiz: RootOption = Path("."),
    como_json: Annotated[bool, typer.Option("--json", help="Imprime los hallazgos en JSON (para otras herramientas).")] = False,
    sin_navegador: Annotated[
        bool,
        typer.Option(
            "--sin-navegador", "--no-browser", help="Omite las revisiones que abren Chromium (desbordes, sin conexión)."
        ),
    ] = False,
    ppm: Annotated[
        int, typer.Option("--ppm", "--wpm", metavar="NÚMERO", help="Palabras por minuto para estimar el tiempo de las notas.")
    ] = 150,
    fecha: FechaOption = None,
) -> None:
    """Revisa el curso antes de clase: esquema, plantillas, tiempos, desbordes, imágenes, enlaces y datos."""
    from marp_build.check import run_check

    _check_wpm(ppm)
    report = run_check(raiz, browser=not sin_navegador, wpm=ppm, fecha=_fecha(fecha))
    if como_json:
        out_console.print(report.to_json(), markup=False)
    else:
        for finding in report.findings:
            out_console.print(finding.format(), markup=False)
        out_console.print(
            f"{plural(report.decks, 'documento', 'documentos')}, "
            f"{plural(report.slides, 'diapositiva revisada', 'diapositivas revisadas')} "
            f"en {_seconds(report.seconds)}: {plural(len(report.errors), 'error', 'errores')}, "
            f"{plural(len(report.warnings), 'aviso', 'avisos')}",
            markup=False,
        )
    if report.errors:
        raise typer.Exit(1)


@app.command()
def rehearse(
    raiz: RootOption = Path("."),
    ppm: Annotated[
        int,
        typer.Option("--ppm", "--wpm", metavar="NÚMERO", help="Palabras por minuto al hablar (150–200 es lo normal en español)."),
    ] = 150,
) -> None:
    """Estima si cada bloque cabe en sus minutos, a partir de las notas del orador y las actividades."""
    from rich.table import Table

    _check_wpm(ppm)
    from marp_build.build import load
    from marp_build.rehearse import rehearse as run_rehearse
    from marp_build.render import render_decks

    try:
        course = load(raiz)
        plan = run_rehearse(course, render_decks(course), ppm)
    except MarpBuildError as err:
        raise fail(err) from None
    from marp_build.rehearse import decimal

    table = Table(title=f"Ensayo a {ppm} palabras por minuto", title_justify="left")
    headers = ("Bloque", "Programa", "Diap.", "Palabras", "Habla", "Activ.", "Estimado", "Indicado", "Más pesada")
    for header in headers:
        table.add_column(header, justify="left" if header in ("Bloque", "Más pesada") else "right")
    for block in plan.blocks:
        over = block.late or block.cue_minutes > block.budget
        style = "red" if over else "yellow" if block.tight else ""
        heaviest = block.heaviest(1)
        top = f"{heaviest[0][0].number}. {heaviest[0][0].title[:28]} ({decimal(heaviest[0][1])})" if heaviest else "—"
        table.add_row(
            f"{block.id} {block.title}",
            f"{block.budget} min",
            str(len(block.slides)),
            str(block.words),
            decimal(block.talk_minutes),
            decimal(block.activity_minutes),
            f"{decimal(block.estimate)} ({block.ratio:.0%})".replace("%", " %"),
            decimal(block.cue_minutes),
            top,
            style=style,
        )
        for pause in (
            b
            for b in plan.breaks
            if b["despues_de"] in (block.id, block.id.split(".")[0]) and block is _last_block_of(plan, b["despues_de"])
        ):
            table.add_row(
                f"{pause['titulo']} {pause['hora_inicio']}–{pause['hora_fin']}",
                f"{pause['minutos']} min",
                "",
                "",
                "",
                "",
                decimal(pause["minutos"]),
                decimal(pause["minutos"]),
                "",
                style="dim",
            )
    table.add_row(
        "Total",
        f"{plan.budget} min",
        str(sum(len(b.slides) for b in plan.blocks)),
        str(sum(b.words for b in plan.blocks)),
        decimal(sum(b.talk_minutes for b in plan.blocks)),
        decimal(sum(b.activity_minutes for b in plan.blocks)),
        decimal(plan.estimate),
        decimal(plan.cue_minutes),
        "",
        style="bold",
    )
    out_console.print(table)
    out_console.print(
        "Estimado: palabras de las notas más actividades. Indicado: la suma de las indicaciones "
        "«≈ min» escritas en las notas. Minutos en decimal: 1,5 = 1 min 30 s.",
        markup=False,
    )
    out_console.print("Informe con gráfico: dist/instructor/ensayo.html (se genera con `make slides`).", markup=False)


def _last_block_of(plan, place: str):
    """The block a break comes after: the subsection itself, or a section's last subsection."""
    blocks = [b for b in plan.blocks if b.id == place or b.id.split(".")[0] == place]
    return blocks[-1] if blocks else None


@app.command()
def hechos(raiz: RootOption = Path("."), fecha: FechaOption = None) -> None:
    """Lista los datos de hechos/ por urgencia (vencidos, por revisar, al día) con su fuente, para revisarlos antes de clase."""
    from rich.table import Table

    from marp_build.build import load
    from marp_build.facts import short_date, urgency_rows
    from marp_build.render import render_decks

    when = _fecha(fecha)
    try:
        course = load(raiz)
        on, rows = urgency_rows(course, render_decks(course), when)
    except MarpBuildError as err:
        raise fail(err) from None
    table = Table(title=f"Hechos del curso a la fecha de la clase ({short_date(on)})", title_justify="left")
    for header in ("Estado", "Clave", "Dato", "Revisado", "Revisar / vence", "Citas", "Fuente"):
        table.add_column(header, overflow="fold")
    styles = {"vencido": "red", "por revisar": "yellow", "al día": ""}
    for row in rows:
        statement = row.fact.statement if len(row.fact.statement) <= 70 else row.fact.statement[:69] + "…"
        due = ("vence " if row.fact.valid_until == row.due else "") + short_date(row.due)
        cites = str(len(row.cites)) if row.cites else "sin citar"
        table.add_row(
            row.state,
            row.fact.key,
            statement,
            short_date(row.fact.checked),
            due,
            cites,
            row.fact.source_text,
            style=styles[row.state],
        )
    out_console.print(table)
    counts = {state: sum(1 for r in rows if r.state == state) for state in styles}
    out_console.print(
        f"{len(rows)} hechos — vencidos: {counts['vencido']} · por revisar: {counts['por revisar']} · "
        f"al día: {counts['al día']}. "
        "Versión para imprimir: dist/instructor/hechos.html (se genera con `make slides`).",
        markup=False,
    )
    if counts["vencido"]:
        raise typer.Exit(1)


@app.command()
def serve(
    raiz: RootOption = Path("."),
    puerto: Annotated[
        int, typer.Option("--puerto", "--port", metavar="NÚMERO", help="Puerto local, de 1 a 65 535 (solo 127.0.0.1).")
    ] = 8000,
    formato: Annotated[
        list[str] | None,
        typer.Option(
            "--formato", "--format", "-f", metavar="FORMATO", help="Formatos a regenerar en cada cambio (por defecto html)."
        ),
    ] = None,
) -> None:
    """Sirve dist/ en 127.0.0.1 y recarga el navegador cada vez que editas una plantilla, el tema o los datos."""
    from marp_build.serve import LiveServer

    if not 1 <= puerto <= 65535:
        raise UsageError(f"--puerto {puerto}: el puerto debe ser un número de 1 a 65 535 (p. ej. 8000)")

    def say(message: str) -> None:
        err_console.print(f"· {message}", markup=False)

    try:
        server = LiveServer(raiz, puerto, tuple(formato or ("html",)), say)
    except OSError as err:
        raise fail(MarpBuildError(f"no se pudo usar el puerto {puerto} ({err.strerror}); prueba con --puerto 8001")) from None
    server.rebuild()
    server.start()
    out_console.print(f"Sirviendo {server.url} — edita y guarda; Ctrl-C para terminar.", markup=False)
    try:
        server.watch()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    out_console.print("Servidor detenido.", markup=False)


@app.command()
def doctor(
    raiz: RootOption = Path("."),
    instalar: Annotated[
        bool, typer.Option("--instalar", "--install", help="Instala con apt lo que falte (solo como root en Debian/Ubuntu).")
    ] = False,
) -> None:
    """Dice qué falta en esta computadora (Node, marp-cli, navegador, fuentes) y cómo instalarlo."""
    findings = _doctor.diagnose(raiz)
    missing_browser = [f for f in findings if not f.ok and f.name in ("navegador", "fuente de emoji")]
    if instalar and missing_browser and _doctor.install_browser():
        findings = _doctor.diagnose(raiz)
    for finding in findings:
        mark = "ok" if finding.ok else "falta"
        out_console.print(f"{mark:>5}  {finding.name}: {finding.detail}", markup=False)
        if not finding.ok and finding.fix:
            out_console.print(f"       instálalo con: {finding.fix}", markup=False)
    if any(not f.ok for f in findings):
        raise typer.Exit(1)


def _seconds(value: float, decimals: int = 1) -> str:
    return f"{value:.{decimals}f} s".replace(".", ",")


def _check_wpm(wpm: int) -> None:
    if wpm <= 0:
        raise UsageError(
            f"--ppm {wpm}: las palabras por minuto deben ser un número mayor que 0 (lo normal en español es 150–200)"
        )


def main() -> int:
    """Entry point of the `marp-build` script: the command line's one error boundary (see `run_app`)."""
    import signal

    # A terminated build stops like an interrupted one: marp-cli and its browser are stopped, dist/ untouched.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    code = run_app(app, "marp-build")
    raise SystemExit(code)


if __name__ == "__main__":
    sys.exit(main())
