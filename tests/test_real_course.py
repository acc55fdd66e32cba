"""The real course, end to end: it builds, every PDF has one page per slide, and `check` passes clean."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from marp_build.build import build, load
from marp_build.check import run_check
from marp_build.render import render_decks

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def real_built(tmp_path_factory):
    import shutil

    from tests.conftest import REPO, _link_node_modules

    dest = tmp_path_factory.mktemp("real") / "curso"
    dest.mkdir()
    shutil.copy2(REPO / "course.yaml", dest / "course.yaml")
    for folder in ("decks", "partials", "themes", "data_templates", "hechos"):
        shutil.copytree(REPO / folder, dest / folder, ignore=shutil.ignore_patterns("__pycache__"))
    _link_node_modules(dest)
    result = build(dest)
    return dest, result


def test_every_deck_and_guide_is_built_with_one_page_per_slide(real_built):
    root, result = real_built
    course = load(root)
    assert [d.id for d in course.decks if d.kind == "presentacion"] == ["01-fundamentos", "02-herramientas", "03-practica"]
    for item in render_decks(course):
        folder = "guias/" if item.deck.kind == "guia" else ""
        reader = PdfReader(root / "dist" / f"{folder}{item.deck.id}.pdf")
        assert len(reader.pages) == len(item.slides), item.deck.id
        first = reader.pages[0].extract_text()
        assert item.deck.title.split(" · ")[0] in first or course.data["titulo"] in first, item.deck.id
        if item.deck.kind == "presentacion":
            assert (root / "dist" / f"{item.deck.id}.html").is_file()
            assert (root / "dist" / "instructor" / f"{item.deck.id}-notas.pdf").is_file()
    for name in ("index.html", "datos-curso.zip", "instructor/ensayo.html", "datos/codigo/validar_datos.py",
                 "datos/codigo/validar_datos_colab.ipynb", "datos/catalogo.yaml"):
        assert (root / "dist" / name).is_file(), name


def test_every_program_topic_is_on_a_slide(real_built):
    root, _ = real_built
    course = load(root)
    text = "\n".join(item.markdown for item in render_decks(course))
    for section in course.data["secciones"]:
        for sub in section["subsecciones"]:
            assert sub["titulo"] in text
            for topic in sub["temas"]:
                assert topic in text, topic


def test_check_passes_clean_on_the_real_course(real_built):
    root, _ = real_built
    report = run_check(root)
    # The program's WhatsApp number is fictional (a 555 number): the warning stays until a real one is set.
    contact = [f.format() for f in report.findings if f.code == "contacto"]
    assert all("soporte.contacto." in line for line in contact) and len(contact) <= 2
    assert [f.format() for f in report.findings if f.code != "contacto"] == []


def test_every_note_reaches_the_presenter_view(real_built):
    import html as html_lib
    import re

    root, _ = real_built
    for item in render_decks(load(root)):
        if item.deck.kind != "presentacion":
            continue
        page = (root / "dist" / f"{item.deck.id}.html").read_text(encoding="utf-8")
        notes = {
            int(i): " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", body)).split())
            for i, body in re.findall(r'<div class="bespoke-marp-note"[^>]*data-index="(\d+)"[^>]*>(.*?)</div>', page, re.S)
        }
        for slide in item.slides:
            if slide.notes.strip():
                words = " ".join(re.sub(r"[*_`]", "", slide.notes).split()[:6])
                assert words in notes.get(slide.number - 1, ""), (item.deck.id, slide.number, words)
