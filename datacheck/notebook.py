"""The Colab notebook for attendees with only a browser: it writes the generated `validar_datos.py` and runs it.

The notebook embeds the very file attendees can download, so it checks and converts exactly like
`python validar_datos.py` and `marp-build data …`.
"""

from __future__ import annotations

import json
from typing import Any

_INTRO = """
# Revisa tus datos antes de entrenar

Este cuaderno revisa un archivo de entrenamiento **antes** de subirlo a una plataforma: el formato de chat
(JSONL con `messages`), el de preferencias o un clasificador (CSV con las columnas `text` y `target`). Te dice
en qué línea está cada problema y cómo corregirlo. Si subes una **hoja de ejemplos** (CSV con las columnas
`sistema`, `pregunta` y `respuesta`), primero la convierte en JSONL de chat y te la descarga.

**Cómo usarlo:** menú **Entorno de ejecución → Ejecutar todo**. Cuando aparezca el botón **Elegir archivos**,
elige tu archivo (y, si tienes, también el de validación). No necesitas GPU.
"""

_UPLOAD = """
try:
    from google.colab import files  # solo existe dentro de Google Colab
    subidos = list(files.upload())
except ImportError:
    subidos = [input("Ruta del archivo a revisar: ").strip()]
print("Archivos:", ", ".join(subidos))
"""

_CHECK = """
from pathlib import Path

import validar_datos

for nombre in subidos:
    archivo = Path(nombre)
    if archivo.suffix.lower() == ".csv" and validar_datos.looks_like_sheet(archivo):
        salida = archivo.with_suffix(".jsonl")
        salida.unlink(missing_ok=True)  # así, si después hay un JSONL, es el de esta conversión
        validar_datos.main(["convertir", str(archivo), str(salida)])
        if salida.exists():
            try:
                files.download(str(salida))
            except NameError:
                pass  # fuera de Colab, el JSONL queda junto a la hoja
    else:
        validar_datos.main(["validar", str(archivo)])
    print()
"""


def validator_notebook(validator_source: str) -> bytes:
    """The notebook (nbformat 4) that writes `validator_source` as validar_datos.py and runs it on uploads."""

    def markdown(text: str) -> dict[str, Any]:
        return {"cell_type": "markdown", "metadata": {}, "source": text.strip().splitlines(keepends=True)}

    def code(text: str) -> dict[str, Any]:
        return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                "source": text.strip().splitlines(keepends=True)}

    cells = [
        markdown(_INTRO),
        markdown("## 1. Preparar el validador del curso\n\nEsta celda guarda en el cuaderno el validador del curso "
                 "(el mismo archivo `validar_datos.py` de la descarga)."),
        code("%%writefile validar_datos.py\n" + validator_source),
        markdown("## 2. Elegir tus archivos\n\nEn Colab aparece un botón para subirlos desde tu computadora."),
        code(_UPLOAD),
        markdown("## 3. Revisar\n\nCada línea dice archivo, número de línea, si es un **error** (hay que corregirlo) "
                 "o un **aviso** (conviene revisarlo), y cómo arreglarlo. Una hoja de ejemplos se convierte primero "
                 "en JSONL y se descarga."),
        code(_CHECK),
    ]
    for number, cell in enumerate(cells, 1):
        cell["id"] = f"celda-{number}"  # nbformat 4.5 cells carry an id; fixed ones keep the file reproducible
    notebook = {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                     "language_info": {"name": "python"}, "colab": {"provenance": []}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return (json.dumps(notebook, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
