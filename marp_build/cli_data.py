"""`marp-build data …`: check an attendee's training file and convert a spreadsheet of examples to JSONL."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from marp_build._console import fail
from marp_build.convert_data import convert_sheet, default_output
from marp_build.errors import UsageError
from marp_build.validate_data import (
    DEFAULT_MAX_TOKENS,
    input_problem,
    report_lines,
    report_to_dict,
    validate_path,
)

data_app = typer.Typer(
    name="data",
    help="Revisa y convierte archivos de entrenamiento: JSONL de chat o de preferencias y CSV de clasificador.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


class Formato(str, Enum):
    chat = "chat"
    preferencias = "preferencias"
    clasificador = "clasificador"


def _require_file(path: Path) -> None:
    problem = input_problem(path)
    if problem:
        raise fail(UsageError(problem))


@data_app.command("validate")
def validate(
    archivos: Annotated[
        List[Path],
        typer.Argument(metavar="ARCHIVO", help="Archivos .jsonl o .csv a revisar.", show_default=False),
    ],
    formato: Annotated[
        Optional[Formato],
        typer.Option("--format", help="Formato del archivo; si no lo indicas, se detecta.", show_default=False),
    ] = None,
    validacion: Annotated[
        Optional[Path],
        typer.Option(
            "--validation",
            metavar="ARCHIVO",
            help="Archivo de validación: se revisa también y se buscan ejemplos repetidos entre los dos.",
            show_default=False,
        ),
    ] = None,
    text_column: Annotated[str, typer.Option("--text-column", help="Columna del texto en el CSV.")] = "text",
    label_column: Annotated[str, typer.Option("--label-column", help="Columna de la clase en el CSV.")] = "target",
    # 65,536 tokens per example: the limit in OpenAI's fine-tuning guide for gpt-4o / gpt-4o-mini (2024);
    # longer examples are truncated (16,385 for gpt-3.5-turbo). See validate_data.DEFAULT_MAX_TOKENS.
    max_tokens: Annotated[
        int,
        typer.Option("--max-tokens", min=1, help="Tokens máximos por ejemplo; los más largos se truncan al entrenar."),
    ] = DEFAULT_MAX_TOKENS,
    as_json: Annotated[bool, typer.Option("--json", help="Imprime los hallazgos y las estadísticas en JSON.")] = False,
) -> None:
    """Revisa tus datos antes de subirlos: un hallazgo por línea (archivo:línea) y un resumen con tokens y costo."""
    if validacion is not None and len(archivos) > 1:
        raise fail(
            UsageError("--validation se usa con un solo archivo de entrenamiento; revisa los archivos de a uno")
        )
    for path in archivos + ([validacion] if validacion is not None else []):
        _require_file(path)
    reports = []
    for path in archivos:
        try:
            reports.append(
                validate_path(
                    path,
                    formato.value if formato else None,
                    validation=validacion,
                    text_column=text_column,
                    label_column=label_column,
                    max_tokens=max_tokens,
                )
            )
        except OSError as err:
            raise fail(UsageError(f"{err.filename or path}: no pude leer el archivo ({err.strerror})")) from err
    if as_json:
        payload = {"ok": all(r.ok for r in reports), "reports": [report_to_dict(r) for r in reports]}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for i, report in enumerate(reports):
            if i:
                typer.echo("")
            for line in report_lines(report):
                typer.echo(line)
    if not all(r.ok for r in reports):
        raise typer.Exit(1)


@data_app.command("convert")
def convert(
    hoja: Annotated[
        Path,
        typer.Argument(
            metavar="HOJA.csv",
            help="CSV exportado de la hoja de cálculo, con el encabezado sistema,pregunta,respuesta.",
            show_default=False,
        ),
    ],
    salida: Annotated[
        Optional[Path],
        typer.Option(
            "--output", "-o", metavar="ARCHIVO", help="JSONL a escribir (por defecto, HOJA.jsonl).", show_default=False
        ),
    ] = None,
    forzar: Annotated[bool, typer.Option("--force", help="Reemplaza el JSONL de salida si ya existe.")] = False,
) -> None:
    """Convierte una hoja de ejemplos (CSV: sistema, pregunta, respuesta) en un JSONL de chat y lo revisa.

    Una fila por ejemplo; si la celda «sistema» está vacía, se usa el mensaje de sistema de la fila de arriba.
    """
    _require_file(hoja)
    output = salida if salida is not None else default_output(hoja)
    if output.resolve() == hoja.resolve():
        raise fail(
            UsageError(f"{output}: la salida no puede ser el mismo archivo de entrada; usa --output otro.jsonl")
        )
    if output.exists() and not forzar:
        raise fail(
            UsageError(f"{output}: ya existe; usa --force para reemplazarlo o elige otro nombre con --output")
        )
    try:
        result = convert_sheet(hoja, output)
    except OSError as err:
        raise fail(UsageError(f"{err.filename or hoja}: no pude leer o escribir el archivo ({err.strerror})")) from err
    for finding in result.findings:
        typer.echo(finding.format())
    if not result.ok:
        typer.echo(f"No escribí {output}: corrige las filas marcadas y vuelve a convertir.")
        raise typer.Exit(1)
    typer.echo(f"Convertí {hoja} en {output} ({result.examples} {'ejemplo' if result.examples == 1 else 'ejemplos'}).")
    report = validate_path(output, "chat")
    for line in report_lines(report):
        typer.echo(line)
    if not report.ok:
        raise typer.Exit(1)
