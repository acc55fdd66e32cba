"""`marp-build data validate|convert` through the real Typer app: exit codes 0/1/2 and exact output lines.

The commands hand their arguments to datacheck's command line, the one of the attendees' validar_datos.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from datacheck import report_lines, validate_path
from marp_build.cli import app

CASES = Path(__file__).parent / "data_cases"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _in_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES)


def run(*args: str):
    return runner.invoke(app, ["data", *args])


def test_errors_exit_1_with_one_finding_per_line_then_the_summary() -> None:
    result = run("validate", "chat/rol-invalido.jsonl")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        'chat/rol-invalido.jsonl:2: error: el mensaje 2 tiene el rol "bot"; usa system, user o assistant',
        'chat/rol-invalido.jsonl:3: error: el mensaje 2 tiene el rol "usuario"; usa system, user o assistant',
        "chat/rol-invalido.jsonl: error: el archivo tiene 3 ejemplos; OpenAI exige al menos 10: agrega más",
    ]
    assert lines[3] == "Archivo: chat/rol-invalido.jsonl (formato chat)"
    assert lines[-1] == "Resultado: 3 errores; corrige los errores antes de subir el archivo."
    # The command prints exactly what the library (and the standalone validar_datos.py) prints.
    assert lines == report_lines(validate_path("chat/rol-invalido.jsonl"))
    assert result.stderr == ""


def test_warnings_only_exit_0() -> None:
    result = run("validate", "chat/menos-de-50.jsonl")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == (
        "chat/menos-de-50.jsonl: aviso: el archivo tiene 12 ejemplos; alcanza para probar, pero OpenAI recomienda "
        "empezar con unos 50 ejemplos bien hechos (las mejoras suelen verse con 50 a 100)"
    )
    assert result.stdout.splitlines()[-1] == "Resultado: sin errores, 1 aviso; puedes subirlo, pero revisa los avisos."
    assert result.stdout.splitlines() == report_lines(validate_path("chat/menos-de-50.jsonl"))


def test_validation_file_and_overlap() -> None:
    result = run("validate", "chat/superposicion_entrenamiento.jsonl", "--validation", "chat/superposicion_validacion.jsonl")
    assert result.exit_code == 1
    report = validate_path("chat/superposicion_entrenamiento.jsonl", validation="chat/superposicion_validacion.jsonl")
    assert result.stdout.splitlines() == report_lines(report)
    assert [f.line for f in report.findings if f.file == "chat/superposicion_validacion.jsonl"] == [2, 3]
    assert "Validación:" in result.stdout.splitlines()
    spanish = run("validate", "chat/superposicion_entrenamiento.jsonl", "--validacion",
                  "chat/superposicion_validacion.jsonl")
    assert (spanish.exit_code, spanish.stdout) == (result.exit_code, result.stdout)


def test_classifier_options() -> None:
    result = run("validate", "clasificador/encabezado.csv", "--text-column", "texto", "--label-column", "etiqueta")
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines()[0] == (
        "Archivo: clasificador/encabezado.csv (formato clasificador, columnas texto y etiqueta)"
    )
    forced = run("validate", "--format", "clasificador", "chat/valido.jsonl")
    assert forced.exit_code == 1
    assert forced.stdout.startswith("chat/valido.jsonl:1: error: no encontré las columnas")
    assert forced.stdout.splitlines() == report_lines(validate_path("chat/valido.jsonl", "clasificador"))
    assert [f.code for f in validate_path("chat/valido.jsonl", "clasificador").findings] == ["encabezado"]


def test_max_tokens_option() -> None:
    result = run("validate", "chat/menos-de-50.jsonl", "--max-tokens", "10")
    assert result.exit_code == 0  # over-long examples are a warning: they get truncated, not rejected
    assert result.stdout.count(": aviso: el ejemplo tiene unos ") == 12
    assert "Ejemplos de más de 10 tokens: 12 (se truncarán al entrenar)" in result.stdout.splitlines()
    report = validate_path("chat/menos-de-50.jsonl", max_tokens=10)
    assert [f.code for f in report.findings] == ["muy-largo"] * 12 + ["menos-de-50"]
    assert result.stdout.splitlines() == report_lines(report)


def test_several_files_exit_1_if_any_has_errors() -> None:
    result = run("validate", "chat/menos-de-50.jsonl", "clasificador/valido.csv")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == (report_lines(validate_path("chat/menos-de-50.jsonl")) + [""]
                                          + report_lines(validate_path("clasificador/valido.csv")))
    result = run("validate", "chat/menos-de-50.jsonl", "chat/rol-invalido.jsonl")
    assert result.exit_code == 1


def test_json_output() -> None:
    result = run("validate", "--json", "chat/menos-de-50.jsonl")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["ok"] is True
    (report,) = payload["reports"]
    assert report["path"] == "chat/menos-de-50.jsonl"
    assert report["findings"] == [
        {
            "path": "chat/menos-de-50.jsonl",
            "line": None,
            "column": None,
            "level": "warning",
            "code": "menos-de-50",
            "message": "el archivo tiene 12 ejemplos; alcanza para probar, pero OpenAI recomienda empezar con unos 50 "
            "ejemplos bien hechos (las mejoras suelen verse con 50 a 100)",
        }
    ]
    stats = report["stats"]
    assert stats["examples"] == 12 and stats["epochs"] == 8 and stats["billed_tokens"] == 8 * stats["total_tokens"]
    bad = run("validate", "--json", "chat/rol-invalido.jsonl")
    assert bad.exit_code == 1 and json.loads(bad.stdout)["ok"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "no-existe.jsonl"], "no-existe.jsonl: no existe el archivo; revisa el nombre y la carpeta"),
        (["validate", "chat"], "chat: es una carpeta; indica un archivo .jsonl o .csv"),
        (["validate", "chat/valido.jsonl", "--validation", "no-existe.jsonl"], "no-existe.jsonl: no existe el archivo"),
        (
            ["validate", "chat/valido.jsonl", "chat/bom.jsonl", "--validation", "chat/valido.jsonl"],
            "--validacion se usa con un solo archivo de entrenamiento; revisa los archivos de a uno",
        ),
        (["convert", "no-existe.csv"], "no-existe.csv: no existe el archivo"),
    ],
)
def test_usage_errors_exit_2_in_spanish(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message)


@pytest.mark.parametrize(
    "args",
    [["validate"], ["validate", "--opcion-rara", "chat/valido.jsonl"], ["validate", "--max-tokens", "0", "chat/valido.jsonl"],
     ["validate", "--format", "excel", "chat/valido.jsonl"], ["convert"]],
)
def test_bad_options_exit_2(args: list[str]) -> None:
    assert run(*args).exit_code == 2


def test_convert_writes_and_validates(tmp_path: Path) -> None:
    sheet = tmp_path / "mis_ejemplos.csv"
    shutil.copy(CASES / "hoja/valida.csv", sheet)
    result = run("convert", str(sheet))
    assert result.exit_code == 0, result.stdout
    out = tmp_path / "mis_ejemplos.jsonl"
    lines = result.stdout.splitlines()
    assert lines[0] == f"Convertí {sheet} en {out} (12 ejemplos)."
    assert lines[1:] == report_lines(validate_path(out, "chat"))
    assert len(out.read_text(encoding="utf-8").splitlines()) == 12

    again = run("convert", str(sheet))
    assert again.exit_code == 2
    assert again.stderr == f"{out}: ya existe; usa --forzar para reemplazarlo o elige otro nombre con --salida\n"
    assert run("convert", str(sheet), "--force").exit_code == 0
    other = tmp_path / "otra" / "salida.jsonl"
    assert run("convert", str(sheet), "-o", str(other)).exit_code == 0 and other.exists()
    same = run("convert", str(sheet), "--output", str(sheet))
    assert same.exit_code == 2 and "la salida no puede ser el mismo archivo de entrada" in same.stderr


def test_convert_bad_rows_exit_1_and_write_nothing(tmp_path: Path) -> None:
    sheet = tmp_path / "hoja.csv"
    shutil.copy(CASES / "hoja/filas-malas.csv", sheet)
    result = run("convert", str(sheet))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"{sheet}:3: error: la celda pregunta está vacía; escribe la pregunta del usuario o borra la fila"
    assert lines[-1] == f"No escribí {tmp_path / 'hoja.jsonl'}: corrige las filas marcadas y vuelve a convertir."
    assert not (tmp_path / "hoja.jsonl").exists()


def test_convert_result_with_too_few_examples_exits_1(tmp_path: Path) -> None:
    sheet = tmp_path / "corta.csv"
    sheet.write_text("sistema,pregunta,respuesta\nEres Lía.,¿Abren hoy?,Sí.\n,¿Y mañana?,También.\n", encoding="utf-8")
    result = run("convert", str(sheet))
    assert result.exit_code == 1  # converted fine, but 2 examples do not pass validation
    out = tmp_path / "corta.jsonl"
    assert result.stdout.splitlines() == [f"Convertí {sheet} en {out} (2 ejemplos)."] + report_lines(
        validate_path(out, "chat"))
    assert [f.format() for f in validate_path(out, "chat").findings] == [
        f"{out}: error: el archivo tiene 2 ejemplos; OpenAI exige al menos 10: agrega más"
    ]


@pytest.mark.parametrize("args", [["--help"], ["validate", "--help"], ["convert", "--help"]])
def test_every_command_has_spanish_help(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 0
    assert any(word in result.stdout for word in ("Revisa", "Convierte"))


def test_help_is_datacheck_own() -> None:
    """One parser for both command lines: marp-build shows the help of validar_datos.py's subcommands."""
    from datacheck.cli import convert_parser, validate_parser

    assert run("validate", "--help").stdout == validate_parser("marp-build data validate").format_help()
    assert run("convert", "-h").stdout == convert_parser("marp-build data convert").format_help()
    assert run("validate", "--help").stdout.startswith("uso: marp-build data validate [-h] [--formato FORMATO]")


def test_unknown_option_in_spanish() -> None:
    result = run("validate", "--opcion-rara", "chat/valido.jsonl")
    assert result.stderr == ("marp-build data validate: error de uso: no conozco --opcion-rara\n"
                             "Escribe «marp-build data validate --help» para ver las opciones.\n")


def test_data_with_no_arguments_shows_help() -> None:
    result = runner.invoke(app, ["data"])
    assert "validate" in result.output and "convert" in result.output


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".jsonl", ".csv"]))
def test_random_files_exit_0_or_1(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"azar{suffix}"
    path.write_bytes(data)
    result = run("validate", str(path))
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    as_json = run("validate", "--json", str(path))
    assert as_json.exit_code == result.exit_code
    json.loads(as_json.stdout)
