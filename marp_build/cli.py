"""The `marp-build` command line: parses arguments, calls one library function, maps errors to exit codes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from marp_build import doctor as _doctor
from marp_build.cli_data import data_app
from marp_build.errors import MarpBuildError

app = typer.Typer(
    name="marp-build",
    help="Construye el curso de fine-tuning: presentaciones Marp (HTML y PDF), datos y página de descargas.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
app.add_typer(data_app, name="data")
err_console = Console(stderr=True, highlight=False, soft_wrap=True)
out_console = Console(highlight=False, soft_wrap=True)

RootOption = Annotated[
    Path,
    typer.Option("--raiz", help="Carpeta del curso (donde está course.yaml).", show_default=False),
]


@app.callback()
def _root() -> None:
    """Construye el curso de fine-tuning: presentaciones Marp (HTML y PDF), datos y página de descargas."""


def fail(err: MarpBuildError) -> typer.Exit:
    """Print a user's mistake in Spanish, without traceback, and return the exit to raise."""
    err_console.print(str(err), markup=False)
    return typer.Exit(err.exit_code)


@app.command()
def build(
    raiz: RootOption = Path("."),
    salida: Annotated[Path | None, typer.Option("--salida", help="Carpeta de salida (por defecto dist/).")] = None,
    formato: Annotated[
        list[str] | None,
        typer.Option("--formato", "-f", help="html, pdf, notas (PDF del instructor con notas) o pptx; se puede repetir."),
    ] = None,
    solo: Annotated[
        list[str] | None, typer.Option("--solo", help="Convierte solo esta presentación (id de course.yaml); se puede repetir.")
    ] = None,
    forzar: Annotated[bool, typer.Option("--forzar", help="Vuelve a convertir todo aunque nada haya cambiado.")] = False,
) -> None:
    """Genera dist/: presentaciones HTML y PDF, guías, datos, ZIP y página de descargas."""
    from marp_build.build import DEFAULT_FORMATS
    from marp_build.build import build as run_build

    def report(message: str) -> None:
        err_console.print(f"· {message}", markup=False)

    try:
        result = run_build(raiz, salida, formato or DEFAULT_FORMATS, solo, forzar, report)
    except MarpBuildError as err:
        raise fail(err) from None
    if result.up_to_date:
        out_console.print(f"dist/ al día ({result.seconds:.2f} s)", markup=False)
        return
    total = sum(result.slides.values())
    converted = sum(len(v) for v in result.converted.values())
    out_console.print(
        f"Listo en {result.seconds:.1f} s: {len(result.slides)} documentos, {total} diapositivas, "
        f"{converted} conversiones nuevas, {result.reused} reutilizadas → {result.dist}",
        markup=False,
    )


@app.command()
def check(
    raiz: RootOption = Path("."),
    como_json: Annotated[bool, typer.Option("--json", help="Imprime los hallazgos en JSON (para otras herramientas).")] = False,
    sin_navegador: Annotated[
        bool, typer.Option("--sin-navegador", help="Omite las revisiones que abren Chromium (desbordes, sin conexión).")
    ] = False,
    ppm: Annotated[int, typer.Option("--ppm", help="Palabras por minuto para estimar el tiempo de las notas.")] = 150,
) -> None:
    """Revisa el curso antes de clase: esquema, plantillas, tiempos, desbordes, imágenes, enlaces y datos."""
    from marp_build.check import run_check

    report = run_check(raiz, browser=not sin_navegador, wpm=ppm)
    if como_json:
        out_console.print(report.to_json(), markup=False)
    else:
        for finding in report.findings:
            out_console.print(finding.format(), markup=False)
        out_console.print(
            f"{report.decks} documentos, {report.slides} diapositivas revisadas en {report.seconds:.1f} s: "
            f"{len(report.errors)} errores, {len(report.warnings)} avisos",
            markup=False,
        )
    if report.errors:
        raise typer.Exit(1)


@app.command()
def doctor(
    raiz: RootOption = Path("."),
    instalar: Annotated[
        bool, typer.Option("--instalar", help="Instala con apt lo que falte (solo como root en Debian/Ubuntu).")
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


def main() -> None:
    """Entry point of the `marp-build` script."""
    app(prog_name="marp-build")


if __name__ == "__main__":
    sys.exit(main())
