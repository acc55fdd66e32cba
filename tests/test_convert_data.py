"""datacheck.sheet: a spreadsheet of examples (CSV) becomes chat JSONL that passes validation."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from datacheck import convert_sheet, default_output, looks_like_sheet, validate_path

SHEETS = Path(__file__).parent / "data_cases" / "hoja"


@pytest.fixture(autouse=True)
def _in_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SHEETS.parent)


def read_sheet(path: Path, delimiter: str = ",", encoding: str = "utf-8-sig") -> list[dict[str, str]]:
    with open(path, encoding=encoding, newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


@pytest.mark.parametrize(
    ("name", "delimiter", "encoding", "warnings"),
    [
        ("valida.csv", ",", "utf-8-sig", []),
        ("valida_excel.csv", ";", "utf-8-sig", ["punto-y-coma"]),
        ("valida_cp1252.csv", ";", "cp1252", ["punto-y-coma", "codificacion"]),
    ],
)
def test_round_trip_validates(tmp_path: Path, name: str, delimiter: str, encoding: str, warnings: list[str]) -> None:
    out = tmp_path / "ejemplos.jsonl"
    result = convert_sheet(Path("hoja") / name, out)
    assert result.ok and result.written
    assert [f.code for f in result.findings] == warnings

    rows = [r for r in read_sheet(SHEETS / name, delimiter, encoding) if any((v or "").strip() for v in r.values())]
    lines = out.read_text(encoding="utf-8").splitlines()
    assert result.examples == len(rows) == len(lines) == 12
    # The sheet's "same as above" rule, restated: the last non-empty system cell applies.
    system = ""
    for row, line in zip(rows, lines):
        values = list(row.values())
        system = values[0].strip() or system
        assert json.loads(line) == {
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": values[1].strip()},
                {"role": "assistant", "content": values[2].strip()},
            ]
        }
    # Accents stay readable in the file (ensure_ascii=False), LF line ends.
    raw = out.read_bytes()
    assert "envíos".encode() in raw and b"\r\n" not in raw

    report = validate_path(out)
    assert report.ok, [f.format() for f in report.findings]
    assert [f.code for f in report.findings] == ["menos-de-50"]


def test_bad_rows_are_reported_by_line_and_nothing_is_written(tmp_path: Path) -> None:
    out = tmp_path / "salida.jsonl"
    result = convert_sheet(Path("hoja/filas-malas.csv"), out)
    assert not result.ok and not result.written and not out.exists()
    assert [f.format() for f in result.findings] == [
        "hoja/filas-malas.csv:3: error: la celda pregunta está vacía; escribe la pregunta del usuario o borra la fila",
        "hoja/filas-malas.csv:4: error: la celda respuesta está vacía; escribe la respuesta que el modelo debe aprender "
        "o borra la fila",
        "hoja/filas-malas.csv:5: error: la fila tiene texto en más celdas que el encabezado (3 columnas); si un texto "
        "lleva comas, enciérralo entre comillas dobles, o borra las celdas sobrantes",
    ]
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


def test_cells_with_line_breaks_name_the_sheet_row(tmp_path: Path) -> None:
    result = convert_sheet(Path("hoja/multilinea.csv"), tmp_path / "s.jsonl")
    assert [f.format() for f in result.findings] == [
        "hoja/multilinea.csv:4: error: la celda respuesta (fila 3 de la hoja) está vacía; escribe la respuesta que el "
        "modelo debe aprender o borra la fila",
    ]


def test_wrong_header(tmp_path: Path) -> None:
    result = convert_sheet(Path("hoja/encabezado.csv"), tmp_path / "s.jsonl")
    assert [f.format() for f in result.findings] == [
        'hoja/encabezado.csv:1: error: faltan las columnas pregunta y respuesta en el encabezado; encontré: "consulta", '
        '"contestacion". La primera fila debe ser sistema,pregunta,respuesta (o system,user,assistant): renombra las '
        "columnas o agrega esa fila al principio",
    ]


def test_empty_sheets(tmp_path: Path) -> None:
    result = convert_sheet(Path("hoja/sin-filas.csv"), tmp_path / "s.jsonl")
    assert [f.format() for f in result.findings] == [
        "hoja/sin-filas.csv: error: la hoja no tiene filas de ejemplos debajo del encabezado; agrega una fila por "
        "ejemplo (al menos 10)",
    ]
    empty = tmp_path / "vacia.csv"
    empty.write_bytes(b"")
    result = convert_sheet(empty, tmp_path / "v.jsonl")
    assert [f.format() for f in result.findings] == [
        f"{empty}: error: el archivo está vacío; la primera fila debe ser el encabezado sistema,pregunta,respuesta y "
        "después una fila por ejemplo",
    ]


def test_an_excel_file_is_recognised(tmp_path: Path) -> None:
    result = convert_sheet(Path("hoja/archivo.xlsx"), tmp_path / "s.jsonl")
    assert [f.format() for f in result.findings] == [
        "hoja/archivo.xlsx:1: error: el archivo es un Excel (.xlsx) o un ZIP, no texto; en la hoja de cálculo usa "
        "Guardar como → «CSV UTF-8 (delimitado por comas)», o descomprímelo",
    ]


def test_no_system_column_and_accented_headers(tmp_path: Path) -> None:
    sheet = tmp_path / "hoja.csv"
    sheet.write_text("Pregunta,Respuesta\n¿Abren hoy?,Sí, hasta las 20:00.\n", encoding="utf-8")
    result = convert_sheet(sheet, tmp_path / "hoja.jsonl")
    # The unquoted comma in "Sí, hasta las 20:00." makes a third cell, beyond the two-column header.
    assert [f.code for f in result.findings] == ["fila-columnas"]
    sheet.write_text('Pregunta,Respuesta\n¿Abren hoy?,"Sí, hasta las 20:00."\n', encoding="utf-8")
    result = convert_sheet(sheet, tmp_path / "hoja.jsonl")
    assert result.ok
    assert json.loads((tmp_path / "hoja.jsonl").read_text(encoding="utf-8")) == {
        "messages": [{"role": "user", "content": "¿Abren hoy?"}, {"role": "assistant", "content": "Sí, hasta las 20:00."}]
    }


def test_output_is_replaced_atomically(tmp_path: Path) -> None:
    out = tmp_path / "salida.jsonl"
    out.write_text("contenido anterior\n", encoding="utf-8")
    assert not convert_sheet(Path("hoja/filas-malas.csv"), out).ok
    assert out.read_text(encoding="utf-8") == "contenido anterior\n"  # a failed conversion leaves it untouched
    assert convert_sheet(Path("hoja/valida.csv"), out).ok
    assert len(out.read_text(encoding="utf-8").splitlines()) == 12


def test_default_output() -> None:
    assert default_output(Path("datos/hoja.csv")) == Path("datos/hoja.jsonl")


def test_tab_separated_sheet_names_tabs_in_the_fix(tmp_path: Path) -> None:
    sheet = tmp_path / "hoja.tsv"
    sheet.write_text("sistema\tpregunta\trespuesta\n\t¿Abren hoy?\tSí.\textra\n", encoding="utf-8")
    result = convert_sheet(sheet, tmp_path / "hoja.jsonl")
    assert [f.format() for f in result.findings] == [
        f"{sheet}:1: aviso: el archivo usa tabuladores como separador; lo leí igual, pero las plataformas esperan "
        "comas: expórtalo como «CSV UTF-8 (delimitado por comas)»",
        f"{sheet}:2: error: la fila tiene texto en más celdas que el encabezado (3 columnas); si un texto lleva "
        "tabuladores, enciérralo entre comillas dobles, o borra las celdas sobrantes",
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("hoja/valida.csv", True), ("hoja/valida_excel.csv", True), ("hoja/valida_cp1252.csv", True),
     ("hoja/encabezado.csv", False), ("clasificador/valido.csv", False), ("hoja/archivo.xlsx", False),
     ("no-existe.csv", False)],
)
def test_looks_like_sheet(name: str, expected: bool) -> None:
    assert looks_like_sheet(Path(name)) is expected
