"""The attendees' validation notebook: the validator and converter it embeds run on their own."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from marp_build.build import _extra_bundle_files

REPO = Path(__file__).resolve().parents[1]


def _cells(tmp_path: Path) -> list[str]:
    notebook = json.loads(_extra_bundle_files(REPO)["codigo/validar_datos_colab.ipynb"])
    return ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]


def _write_embedded_files(cells: list[str], folder: Path) -> None:
    for source in cells:
        if source.startswith("%%writefile "):
            name, _, body = source.partition("\n")
            (folder / name.split()[1]).write_text(body, encoding="utf-8")


def test_notebook_converts_a_spreadsheet_and_validates_it(tmp_path, monkeypatch):
    cells = _cells(tmp_path)
    _write_embedded_files(cells, tmp_path)
    sheet = tmp_path / "hoja.csv"
    shutil.copy(REPO / "data_templates" / "plantillas" / "hoja_ejemplos_plantilla.csv", sheet)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    check_cell = cells[-1]
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(check_cell, {"subidos": ["hoja.csv"], "sys": sys})  # noqa: S102 - the notebook's own cell
    assert "Hoja convertida: hoja.jsonl (10 ejemplos)" in output.getvalue()
    lines = (tmp_path / "hoja.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 10 and all("messages" in json.loads(line) for line in lines)


def test_embedded_validator_runs_without_the_package(tmp_path):
    _write_embedded_files(_cells(tmp_path), tmp_path)
    data = REPO / "data_templates" / "chat" / "retail_validacion.jsonl"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-I", str(tmp_path / "validar_datos.py"), str(data)],
                          cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Ejemplos: 15" in done.stdout
    done = subprocess.run([sys.executable, "-I", "-c", "import sys; sys.path.insert(0, '.'); import convertir_hoja"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
