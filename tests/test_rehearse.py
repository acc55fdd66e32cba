"""Rehearsal estimates from notes of known word counts."""

import pytest
from typer.testing import CliRunner

from marp_build.build import load
from marp_build.cli import app
from marp_build.rehearse import bar_chart_svg, count_words, rehearse, slide_cue, spoken_text
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
    assert "1.1 Tokens" in result.output and "3,2 (13 %)" in result.output


@pytest.mark.parametrize(
    ("notes", "minutes"),
    [
        ("≈1,5 min. Expliquen la idea.", 1.5),
        ("Bienvenida (≈1 min). Saluden.", 1.0),
        ("Cierren el bloque. ≈40 s.", 40 / 60),
        ("≈1 min más 1 min de pregunta.", 2.0),
        ("≈3 min de ejercicio: uno para escribir y dos para comentar.", 3.0),
        ("≈2 minutos. Después ≈30 segundos de cierre.", 2.5),
        ("Costó ≈ US$78 millones y pesa ≈ 35 MB; ≈ 10 000 veces menos.", None),
        ("Sin indicación.", None),
    ],
)
def test_cues_are_read_from_the_notes(notes, minutes):
    assert slide_cue(notes) == (pytest.approx(minutes) if minutes is not None else None)


def test_cues_are_not_read_aloud():
    assert count_words(spoken_text("≈1,5 min. Expliquen la idea con calma.")) == 5


def _with_cues(root, first="≈2 min.", second="≈10 s."):
    deck = root / "decks" / "01-prueba.md.j2"
    text = deck.read_text(encoding="utf-8")
    text = text.replace("Nota de prueba con exactamente", f"{first} Nota de prueba con exactamente")
    text = text.replace("<!-- Muestra el archivo y el círculo. -->", f"<!-- {second} Muestra el archivo y el círculo. -->")
    deck.write_text(text, encoding="utf-8")
    return root


def test_cue_totals_beside_the_estimate(make_course):
    plan = plan_for(_with_cues(make_course()), wpm=5)
    first, second = plan.blocks
    assert first.cue_minutes == pytest.approx(2 + 10 / 60)
    assert first.cued_estimate == pytest.approx(10 / 5 + 6 / 5)  # the two cued slides: 10 and 6 words
    assert [(s.title, cue, est) for s, cue, est in first.cue_disagreements()] == [
        ("Un ejemplo del archivo", pytest.approx(10 / 60), pytest.approx(6 / 5))]
    assert (second.cue_minutes, second.cued_estimate, [s.title for s in second.uncued]) == (0, 0, ["Pregunta al grupo · 3 min"])


def test_check_cue_findings(make_course):
    from marp_build.check import run_check

    root = _with_cues(make_course(), first="≈26 min.")
    found = [f.format() for f in run_check(root, browser=False, wpm=5).findings if f.code == "indicaciones"]
    assert found == [
        "decks/01-prueba.md.j2:9: error: [indicaciones] las indicaciones de tiempo de las notas («≈… min») del "
        "bloque 1.1 «Tokens» suman 26,2 min y el bloque tiene 25; quita o acorta diapositivas, o corrige las "
        "indicaciones",
        "decks/01-prueba.md.j2:9: aviso: [indicaciones] en el bloque 1.1 «Tokens» las indicaciones suman 26,2 min "
        "y las notas se estiman en 3,2 min a 5 palabras por minuto (+718 %); no coinciden en las diapositivas "
        "3 «Los tokens de una frase» (≈26,0 / 2,0 min), 4 «Un ejemplo del archivo» (≈0,2 / 1,2 min): ajusta la "
        "indicación o el largo de la nota",
    ]
    agreeing = _with_cues(make_course(), second="≈1 min.")  # 3 min of cues for 3,2 estimated: within a quarter
    assert [f.code for f in run_check(agreeing, browser=False, wpm=5).findings if f.code == "indicaciones"] == []


def _with_break(root):
    course_file = root / "course.yaml"
    text = course_file.read_text(encoding="utf-8").replace("duracion_minutos: 40", "duracion_minutos: 45")
    course_file.write_text(text + 'descansos:\n  - despues_de: "1.1"\n    minutos: 5\n', encoding="utf-8")
    deck = root / "decks" / "01-prueba.md.j2"
    text = deck.read_text(encoding="utf-8")
    text = text.replace("{{ m.divisor(seccion.subsecciones[1]) }}",
                        "{{ m.descanso(curso.descansos[0]) }}\n\n---\n\n{{ m.divisor(seccion.subsecciones[1]) }}")
    deck.write_text(text, encoding="utf-8")
    return root


def test_break_slide_clock_and_rehearsal(make_course):
    root = _with_break(make_course())
    course = load(root)
    (item,) = [r for r in render_decks(course) if r.deck.kind == "presentacion"]
    pause = next(s for s in item.slides if s.title == "Descanso")
    assert pause.block is None and "divisor" in pause.classes
    assert "<!-- ⏱ Descanso de 5 min · de 10:25 a 10:30: retomen a las 10:30 -->" in item.markdown
    assert "<!-- ⏱ 1.2 Ajuste fino · termina a las 10:45 -->" in item.markdown
    assert "## Volvemos a las 10:30" in item.markdown
    plan = rehearse(course, [item], 5)
    assert [len(b.slides) for b in plan.blocks] == [4, 3]  # the break slide counts in no block
    assert plan.break_minutes == 5 and plan.estimate == pytest.approx(16 / 5 + 1 + 3 + 5)


def test_agenda_and_landing_show_the_break(make_course, tmp_path):
    from marp_build.bundle import LandingInfo, render_landing
    from marp_build.render import make_environment

    root = _with_break(make_course())
    course = load(root)
    env = make_environment(root)
    agenda = env.from_string('{% import "partials/macros.md.j2" as m with context %}{{ m.agenda() }}').render(
        curso=course.data)
    assert ('<li><b>10:00</b>Tokens</li>\n<li class="descanso"><b>10:25</b>Descanso · 5 min</li>\n'
            '<li><b>10:30</b>Ajuste fino</li>') in agenda
    html = render_landing(course, LandingInfo(), tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<li class="descanso"><span class="hora">10:25</span> <strong>Descanso</strong> · 5 min</li>' in html


def test_cli_table_shows_cues_and_breaks(make_course):
    root = _with_break(_with_cues(make_course()))
    result = CliRunner().invoke(app, ["rehearse", "--raiz", str(root), "--ppm", "5"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Indicado" in result.output and "Descanso 10:25–10:30" in result.output
    row = next(line for line in result.output.splitlines() if "1.1 Tokens" in line)
    assert "│          2,2 │" in row.replace("  ", " ") or " 2,2 " in row, row
