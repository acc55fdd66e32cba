"""Every dataset the attendees download passes the course validator with no error.

Runs on every .jsonl/.csv under data_templates/ (code templates in codigo/ aside). A training file
`x_entrenamiento.*` is validated together with its `x_validacion.*` (so overlap between them is an error);
a spreadsheet of examples (`sistema,pregunta,respuesta`) is converted first and the JSONL validated.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from datacheck import convert_sheet, validate_path

DATA = Path(__file__).resolve().parents[1] / "data_templates"
SHEET_HEADERS = ({"sistema", "pregunta", "respuesta"}, {"system", "user", "assistant"})


def _data_files() -> list[Path]:
    if not DATA.is_dir():
        return []
    return sorted(
        p
        for p in DATA.rglob("*")
        if p.is_file() and p.suffix in (".jsonl", ".csv") and "codigo" not in p.relative_to(DATA).parts
    )


def _is_sheet(path: Path) -> bool:
    if path.suffix != ".csv":
        return False
    header = path.read_text(encoding="utf-8-sig").split("\n", 1)[0]
    return {cell.strip().lower() for cell in header.split(",")} in SHEET_HEADERS


FILES = _data_files()
# Validation files are checked with their training file, not on their own.
ALONE = [p for p in FILES if "_validacion." not in p.name]


def _validation_for(path: Path) -> Path | None:
    if "_entrenamiento." not in path.name:
        return None
    partner = path.with_name(path.name.replace("_entrenamiento.", "_validacion."))
    return partner if partner.exists() else None


@pytest.mark.parametrize("path", ALONE, ids=[p.relative_to(DATA).as_posix() for p in ALONE])
def test_bundled_file_has_no_errors(path: Path, tmp_path: Path) -> None:
    if _is_sheet(path):
        out = tmp_path / (path.stem + ".jsonl")
        conversion = convert_sheet(path, out)
        assert conversion.ok, "\n".join(f.format() for f in conversion.findings)
        assert not conversion.findings, "\n".join(f.format() for f in conversion.findings)  # comma-separated UTF-8
        path = out
    report = validate_path(path, validation=_validation_for(path))
    assert report.ok, "\n".join(f.format() for f in report.errors)


def test_every_validation_file_has_its_training_file() -> None:
    orphans = [
        p.relative_to(DATA).as_posix()
        for p in FILES
        if "_validacion." in p.name and not p.with_name(p.name.replace("_validacion.", "_entrenamiento.")).exists()
    ]
    assert orphans == []


CHAT_NOTEBOOK = DATA / "codigo" / "chat_lora_colab.ipynb"
CHATS = [p for p in ALONE if p.suffix == ".jsonl"]


def _notebook_max_length() -> int:
    """LONGITUD_MAXIMA of the chat notebook: longer examples are cut there, losing the end of the answer."""
    cells = json.loads(CHAT_NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    source = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
    found = re.search(r"^LONGITUD_MAXIMA = (\d+)", source, re.MULTILINE)
    assert found, f"{CHAT_NOTEBOOK.name}: no encontré el parámetro LONGITUD_MAXIMA"
    return int(found.group(1))


@pytest.mark.parametrize("path", CHATS, ids=[p.relative_to(DATA).as_posix() for p in CHATS])
def test_chat_examples_fit_the_notebook_length(path: Path) -> None:
    """The system prompts carry each business's facts; with them every example must still fit untruncated."""
    limit = _notebook_max_length()
    report = validate_path(path, validation=_validation_for(path), max_tokens=limit)
    too_long = [f.format() for f in report.findings if f.code == "muy-largo"]
    assert too_long == [], f"ejemplos de más de {limit} tokens (LONGITUD_MAXIMA del cuaderno):\n" + "\n".join(too_long)
