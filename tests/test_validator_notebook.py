"""The attendees' validation notebook: it embeds the generated validar_datos.py, which runs on its own."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from datacheck import report_lines, validate_path
from datacheck.amalgamate import single_file
from marp_build.layout import generated_files

REPO = Path(__file__).resolve().parents[1]


def _cells() -> list[str]:
    notebook = json.loads(generated_files()["codigo/validar_datos_colab.ipynb"])
    return ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]


def _write_embedded_files(cells: list[str], folder: Path) -> list[str]:
    written = []
    for source in cells:
        if source.startswith("%%writefile "):
            name, _, body = source.partition("\n")
            (folder / name.split()[1]).write_text(body, encoding="utf-8")
            written.append(name.split()[1])
    return written


def test_bundle_ships_one_generated_file_and_its_notebook(tmp_path: Path) -> None:
    files = generated_files()
    assert sorted(files) == ["codigo/validar_datos.py", "codigo/validar_datos_colab.ipynb"]
    assert files["codigo/validar_datos.py"].decode("utf-8") == single_file()
    assert _write_embedded_files(_cells(), tmp_path) == ["validar_datos.py"]
    # The notebook embeds the very file of the download (the cell drops only the final newline).
    assert (tmp_path / "validar_datos.py").read_text(encoding="utf-8") == single_file().rstrip("\n")


def _run_check_cell(tmp_path: Path, monkeypatch, uploaded: list[str]) -> str:
    cells = _cells()
    _write_embedded_files(cells, tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "validar_datos", raising=False)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(cells[-1], {"subidos": uploaded})  # noqa: S102 - the notebook's own cell
    return output.getvalue()


def test_notebook_converts_a_spreadsheet_and_validates_it(tmp_path, monkeypatch):
    shutil.copy(REPO / "data_templates" / "plantillas" / "hoja_ejemplos_plantilla.csv", tmp_path / "hoja.csv")
    output = _run_check_cell(tmp_path, monkeypatch, ["hoja.csv"])
    converted = tmp_path / "hoja.jsonl"
    lines = converted.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 10 and all("messages" in json.loads(line) for line in lines)
    assert output.splitlines() == ["Convertí hoja.csv en hoja.jsonl (10 ejemplos)."] + report_lines(
        validate_path("hoja.jsonl", "chat")) + [""]


def test_notebook_validates_other_files_as_they_are(tmp_path, monkeypatch):
    shutil.copy(REPO / "data_templates" / "chat" / "retail_validacion.jsonl", tmp_path / "datos.jsonl")
    output = _run_check_cell(tmp_path, monkeypatch, ["datos.jsonl"])
    assert output.splitlines() == report_lines(validate_path("datos.jsonl")) + [""]
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".py") == ["datos.jsonl"]


def test_embedded_validator_runs_without_the_package(tmp_path):
    _write_embedded_files(_cells(), tmp_path)
    data = REPO / "data_templates" / "chat" / "retail_validacion.jsonl"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-I", str(tmp_path / "validar_datos.py"), str(data)],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Ejemplos: 15" in done.stdout
    sheet = REPO / "data_templates" / "plantillas" / "hoja_ejemplos_plantilla.csv"
    done = subprocess.run([sys.executable, "-I", str(tmp_path / "validar_datos.py"), "convertir", str(sheet),
                           "salida.jsonl"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[0] == f"Convertí {sheet} en salida.jsonl (10 ejemplos)."
    assert len((tmp_path / "salida.jsonl").read_text(encoding="utf-8").splitlines()) == 10


def test_notebook_is_valid_nbformat() -> None:
    raw = generated_files()["codigo/validar_datos_colab.ipynb"]
    assert [cell["id"] for cell in json.loads(raw)["cells"]] == [f"celda-{n}" for n in range(1, 8)]
    nbformat = pytest.importorskip("nbformat")  # installed with the notebook requirements
    nbformat.validate(nbformat.reads(raw.decode("utf-8"), as_version=4))
