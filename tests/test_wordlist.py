"""The course word list (palabras.yaml): words to avoid and the register rule, reported with file and line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from marp_build.wordlist import load_rules, scan

REPO = Path(__file__).resolve().parents[1]

RULES = """\
archivos:
  - "decks/*.md.j2"
  - "decks/guias/*.md.j2"
  - "data_templates/**/*.ipynb"
  - "marp_build/*.py"
evitar:
  - palabras: ["celular", "celulares"]
    usar: "teléfono"
    motivo: "regional"
  - palabras: ["T4 GPU"]
    usar: "GPU T4"
    motivo: "un término por concepto"
  - patron: '\\bqu[ée]\\s+tan\\b'
    usar: "cuán"
    motivo: "regional"
registro:
  - trato: "ustedes"
    archivos: ["decks/0*.md.j2"]
    evitar: ['\\btus?\\b']
    usar: "su, sus"
  - trato: "tú"
    archivos: ["decks/guias/*.md.j2", "marp_build/*.py"]
    evitar: ['\\bustedes\\b']
    usar: "tú"
"""

DECK = """\
## Tu modelo en el celular

Elijan **T4 GPU** en el menú, o `T4 GPU` si lo citan tal cual.
{{ curso.celular }} no cuenta: es una expresión de plantilla.
Vean https://ejemplo.org/celular y «¿Cuál es tu horario?», que es una cita.

```text
Un celular dentro de un bloque de código no cuenta.
```

<!--
¿Qué tan probable es? Digan que la cuenten en sus celulares.
-->
"""

GUIDE = "Abre el cuaderno. Si ustedes trabajan en pareja, compartan la pantalla.\n"

MODULE = '''\
"""Docstring: a T4 GPU is fine here (English, for developers)."""


def mensaje():
    return (
        "primera línea\\n"
        "revisa qué tan largo es"
    )


def otro():
    return f"ustedes ven {mensaje()} en el celular"
'''


def _course(tmp_path: Path) -> Path:
    root = tmp_path / "curso"
    (root / "decks" / "guias").mkdir(parents=True)
    (root / "marp_build").mkdir()
    (root / "data_templates" / "codigo").mkdir(parents=True)
    (root / "palabras.yaml").write_text(RULES, encoding="utf-8")
    (root / "decks" / "01-prueba.md.j2").write_text(DECK, encoding="utf-8")
    (root / "decks" / "guias" / "guia.md.j2").write_text(GUIDE, encoding="utf-8")
    (root / "marp_build" / "mensajes.py").write_text(MODULE, encoding="utf-8")
    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# Entrenar\n", "\n", "Elige **T4 GPU** en Colab.\n"]},
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
             "source": ["# el celular en un comentario de código no cuenta\n", "print('T4 GPU')\n"]},
            {"cell_type": "markdown", "metadata": {}, "source": ["Mira qué tan bien responde."]},
        ],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }
    (root / "data_templates" / "codigo" / "cuaderno.ipynb").write_text(
        json.dumps(notebook, ensure_ascii=False, indent=1), encoding="utf-8")
    return root


def _lines(found):
    return [f"{f.file}:{f.line}: {f.level}: [{f.code}] {f.message}" for f in found]


def test_words_and_register_with_file_and_line(tmp_path):
    root = _course(tmp_path)
    assert _lines(scan(root)) == [
        "data_templates/codigo/cuaderno.ipynb:9: warning: [palabras] «T4 GPU» (un término por concepto); "
        "en su lugar: GPU T4",
        "data_templates/codigo/cuaderno.ipynb:26: warning: [palabras] «qué tan» (regional); en su lugar: cuán",
        "decks/01-prueba.md.j2:1: warning: [palabras] «celular» (regional); en su lugar: teléfono",
        "decks/01-prueba.md.j2:1: warning: [registro] «Tu»: aquí se habla con «ustedes»; en su lugar: su, sus",
        "decks/01-prueba.md.j2:3: warning: [palabras] «T4 GPU» (un término por concepto); en su lugar: GPU T4",
        "decks/01-prueba.md.j2:12: warning: [palabras] «celulares» (regional); en su lugar: teléfono",
        "decks/01-prueba.md.j2:12: warning: [palabras] «Qué tan» (regional); en su lugar: cuán",
        "decks/guias/guia.md.j2:1: warning: [registro] «ustedes»: aquí se habla con «tú»; en su lugar: tú",
        "marp_build/mensajes.py:7: warning: [palabras] «qué tan» (regional); en su lugar: cuán",
        "marp_build/mensajes.py:12: warning: [palabras] «celular» (regional); en su lugar: teléfono",
        "marp_build/mensajes.py:12: warning: [registro] «ustedes»: aquí se habla con «tú»; en su lugar: tú",
    ]
    # A string inside a template expression is prose; the expression around it is not.
    deck = root / "decks" / "01-prueba.md.j2"
    deck.write_text('{{ m.idea_clave("Lo ven en su celular") }} {{ m.caja(curso.celular, "idea") }}\n', encoding="utf-8")
    assert [f.message for f in scan(root) if f.file == deck.relative_to(root).as_posix()] == [
        "«celular» (regional); en su lugar: teléfono"]


def test_broken_rules_are_errors(tmp_path):
    root = _course(tmp_path)
    (root / "palabras.yaml").write_text(
        'archivos: ["decks/*.md.j2"]\nevitar:\n  - patron: "(sin cerrar"\n    usar: "algo"\n  - usar: "nada"\n',
        encoding="utf-8")
    found = _lines(scan(root))
    assert found[0].startswith("palabras.yaml:3: error: [palabras] la expresión '(sin cerrar' no es válida (")
    assert found[1:] == ["palabras.yaml:5: error: [palabras] cada entrada necesita `palabras` (o `patron`) y `usar`"]


def test_no_word_list_no_findings(tmp_path):
    root = _course(tmp_path)
    (root / "palabras.yaml").unlink()
    assert scan(root) == []


def test_the_course_word_list_loads():
    globs, rules, errors = load_rules(REPO)
    assert errors == []
    assert "decks/*.md.j2" in globs and "marp_build/**/*.py" in globs
    words = {r.pattern.pattern for r in rules}
    assert any("plata" in p for p in words) and any("T4\\s+GPU" in p for p in words)
    assert {r.code for r in rules} == {"palabras", "registro"}


def test_register_of_text_that_comes_from_course_yaml(make_course, tmp_path):
    from marp_build.build import load
    from marp_build.render import render_decks

    root = make_course()
    shutil.copy(REPO / "palabras.yaml", root / "palabras.yaml")
    deck = root / "decks" / "01-prueba.md.j2"
    deck.write_text(deck.read_text(encoding="utf-8").replace(
        "## Los tokens de una frase", "## Los tokens de una frase\n\n{{ curso.resultados_esperados.tendra[0] }}"),
        encoding="utf-8")
    course_file = root / "course.yaml"
    course_file.write_text(course_file.read_text(encoding="utf-8").replace(
        'tendra: ["Un modelo"]', 'tendra: ["Tu propio modelo"]'), encoding="utf-8")
    found = _lines(f for f in scan(root, render_decks(load(root))) if f.code == "registro")
    assert found == [
        "decks/01-prueba.md.j2:13: warning: [registro] la diapositiva 3 («Los tokens de una frase») muestra «Tu» con "
        "texto de course.yaml o de una variable: aquí se habla con «ustedes»; escribe ese texto sin trato "
        "(infinitivo, «el», «la») o en su lugar: su, sus, ustedes",
        # Written in the template (inside {{ … }}), so it is found where it is written.
        "decks/01-prueba.md.j2:49: warning: [registro] «tu»: aquí se habla con «ustedes»; en su lugar: su, sus, ustedes",
    ]
