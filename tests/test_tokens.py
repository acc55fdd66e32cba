"""The slides' tokenizer is the course model's own (Qwen3), bundled offline, and the diagrams agree with it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from marp_build.render import _Helpers, course_tokenizer

REPO = Path(__file__).resolve().parents[1]


# Expected ids from llama.cpp's tokenizer test for the Qwen2 vocabulary (models/ggml-vocab-qwen2.gguf.inp/.out),
# generated with the Hugging Face tokenizer; Qwen3 keeps the same 151 643-token vocabulary.
@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("ied 4 ½ months", [1122, 220, 19, 220, 26062, 3951]),
        ("Führer", [37, 50753, 261]),
        ("Hello world", [9707, 1879]),
        (" Hello world", [21927, 1879]),
        ("Hello, world!", [9707, 11, 1879, 0]),
        ("нещо на Български", [78762, 14144, 1456, 13073, 63471, 33594, 3038, 133178, 79012]),
        ("    Hello\n    Hello", [262, 21927, 198, 262, 21927]),
        ("333", [18, 18, 18]),
        ("Hello, y'all! How are you 😁 ?我想在apple工作1314151天～",
         [9707, 11, 379, 64848, 0, 2585, 525, 498, 26525, 223, 937, 104100, 18493, 22377, 99257, 16, 18, 16, 19,
          16, 20, 16, 35727, 21216]),
    ],
)
def test_same_ids_as_the_reference_tokenizer(text, ids):
    assert course_tokenizer().encode(text) == ids


def test_vocabulary_of_the_qwen_family():
    assert len(course_tokenizer()._mergeable_ranks) == 151643


def test_spanish_pieces():
    assert _Helpers.tokens("Me encanta este curso") == ["Me", " enc", "anta", " este", " curso"]
    assert "".join(_Helpers.tokens("¿Cuántos días de vacaciones me quedan?")) == "¿Cuántos días de vacaciones me quedan?"


def test_text_to_numbers_diagram_matches_the_tokenizer():
    svg = (REPO / "decks" / "img" / "01-tokens.svg").read_text(encoding="utf-8")
    sentence = re.search(r'text-anchor="middle" fill="#14213d">([^<]+)</text>', svg).group(1)
    tokens_row, ids_row = svg.split("<!-- Row 2")[1].split("<!-- Row 3")
    pieces = re.findall(r"<text [^>]*>([^<]+)</text>", tokens_row)
    ids = [int(n) for n in re.findall(r"<text [^>]*>(\d+)</text>", ids_row)]
    tokenizer = course_tokenizer()
    assert ids == tokenizer.encode(sentence)
    assert pieces == [tokenizer.decode([i]).strip() for i in ids]
    assert f"{len(ids)} tokens (tokenizador de Qwen3)" in svg
