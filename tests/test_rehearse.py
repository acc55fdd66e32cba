"""Rehearsal estimates from notes of known word counts."""

import pytest
from typer.testing import CliRunner

from marp_build.build import load
from marp_build.cli import app
from marp_build.rehearse import bar_chart_svg, count_words, rehearse, spoken_text
from marp_build.render import render_decks


def plan_for(root, wpm=150):
    course = load(root)
    return rehearse(course, render_decks(course), wpm)


def test_exact_estimates(make_course):
    plan = plan_for(make_course(), wpm=5)
    first, second = plan.blocks
    assert (first.id, first.budget, len(first.slides), first.words) == ("1.1", 25, 4, 16)
    assert first.talk_minutes == pytest.approx(16 / 5)
    assert (second.id, second.budget, len(second.slides), second.words, second.activity_minutes) == ("1.2", 15, 3, 5, 3.0)
    assert second.estimate == pytest.approx(5 / 5 + 3)
    assert plan.estimate == pytest.approx(16 / 5 + 1 + 3)
    assert (first.source, first.line) == ("decks/01-prueba.md.j2", 9)  # the block's divider


def test_sources_are_not_read_aloud():
    notes = "Expliquen la idea con calma.\nFuente: developers.openai.com/api/docs (consultado el 2026-11-30)"
    assert count_words(spoken_text(notes)) == 5


def test_heaviest_slide(make_course):
    plan = plan_for(make_course("too-long"))
    slide, minutes = plan.blocks[0].heaviest(1)[0]
    assert slide.title == "Los tokens de una frase" and minutes == pytest.approx(6600 / 150)


def test_chart_is_svg_with_a_title(make_course):
    svg = bar_chart_svg(plan_for(make_course()))
    assert svg.startswith("<svg") and "<title" in svg and "1.1 Tokens" in svg


def test_cli_table(make_course):
    result = CliRunner().invoke(app, ["rehearse", "--raiz", str(make_course()), "--ppm", "5"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "1.1 Tokens" in result.output and "3.2 (13%)" in result.output
