"""End to end: the real marp-cli and Chromium build a scenario course; the PDFs are read back."""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from marp_build import build as build_module
from marp_build.build import build, load
from marp_build.errors import TemplateError
from marp_build.render import render_decks

pytestmark = pytest.mark.e2e


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture
def built(built_minimal):
    return built_minimal, None


def test_dist_holds_every_output(built_copy):
    dist = built_copy / "dist"
    for name in ("index.html", "01-prueba.html", "01-prueba.pdf", "instructor/01-prueba-notas.pdf",
                 "guias/guia-prueba.pdf", "datos-curso.zip", "datos/ejemplo.csv", "img/circulo.svg"):
        assert (dist / name).is_file(), name
    result = build(built_copy, force=True)
    assert result.converted == {"html": ["01-prueba", "guia-prueba"], "pdf": ["01-prueba", "guia-prueba"], "notas": ["01-prueba"]}


def test_pdf_pages_match_slides_and_carry_the_text(built):
    root, _ = built
    slides = len(render_decks(load(root))[0].slides)
    reader = PdfReader(root / "dist" / "01-prueba.pdf")
    assert len(reader.pages) == slides == 7
    first = reader.pages[0].extract_text()
    assert "Curso mínimo de prueba" in first and "Parte 1 · Prueba" in first
    assert "Me encantó el servicio" in reader.pages[3].extract_text()
    def titles(items):
        for item in items:
            yield from titles(item) if isinstance(item, list) else [item.title]

    assert list(titles(reader.outline)) == ["Curso mínimo de prueba", "Escenario para las pruebas", "Tokens",
                                          "Los tokens de una frase", "Un ejemplo del archivo", "Ajuste fino",
                                          "Un modelo ajustado aprende tu estilo."]  # key ideas: the sentence is the title
    guide = PdfReader(root / "dist" / "guias" / "guia-prueba.pdf")
    box = guide.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (596, 842)  # A4


def test_instructor_pdf_has_the_notes(built):
    root, _ = built
    reader = PdfReader(root / "dist" / "instructor" / "01-prueba-notas.pdf")
    notes = [a.get_object().get("/Contents", "") for page in reader.pages for a in page.get("/Annots", [])]
    assert any("Nota de prueba con exactamente diez palabras" in n for n in notes)
    assert not PdfReader(root / "dist" / "01-prueba.pdf").pages[2].get("/Annots")


def test_html_is_offline_and_has_presenter_notes(built):
    root, _ = built
    html = (root / "dist" / "01-prueba.html").read_text(encoding="utf-8")
    remote = re.findall(r"""(?:src|href)=["'](https?:)|url\(["']?https?:|@import\s+["']?https?:""", html)
    assert remote == []
    assert "twemoji" not in html and "😀" in html
    assert "Nota de prueba con exactamente diez palabras" in html
    assert "bespoke-marp-note" in html


def test_zip_is_sorted_dated_and_has_no_hidden_files(built_copy):
    root = built_copy
    (root / "data_templates" / ".oculto").write_text("x")
    build(root)
    with zipfile.ZipFile(root / "dist" / "datos-curso.zip") as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())
        assert "datos-curso/ejemplo.csv" in names
        assert not any("/." in n for n in names)


def test_landing_links_resolve(built):
    root, _ = built
    dist = root / "dist"
    html = (dist / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"#:]+)"', html)
    assert {"01-prueba.html", "01-prueba.pdf", "datos-curso.zip", "guias/guia-prueba.pdf"} <= set(links)
    assert all((dist / link).is_file() for link in links)
    assert "Curso mínimo de prueba" in html and "10:00–10:40" in html


def test_rebuild_with_nothing_changed_starts_no_node(built_copy, monkeypatch):
    root = built_copy
    before = _hashes(root / "dist")
    monkeypatch.setattr(build_module, "start_batches", lambda *a, **k: pytest.fail("marp-cli started"))
    result = build(root)
    assert result.up_to_date
    assert _hashes(root / "dist") == before


def test_editing_one_deck_reconverts_only_it(built_copy):
    root = built_copy
    template = root / "decks" / "guia-prueba.md.j2"
    template.write_text(template.read_text(encoding="utf-8").replace("Ejecuta todo", "Ejecuta todas las celdas"))
    result = build(root)
    assert result.converted == {"html": ["guia-prueba"], "pdf": ["guia-prueba"]}
    assert "Ejecuta todas las celdas" in PdfReader(root / "dist" / "guias" / "guia-prueba.pdf").pages[0].extract_text()


def test_a_failed_build_leaves_the_previous_dist_whole(built_copy):
    root = built_copy
    before = _hashes(root / "dist")
    deck = root / "decks" / "01-prueba.md.j2"
    deck.write_text(deck.read_text(encoding="utf-8").replace("{{ m.portada() }}", "{{ m.portada( }}"))
    with pytest.raises(TemplateError):
        build(root)
    assert _hashes(root / "dist") == before
    assert not list(root.glob(".dist-*"))


def test_a_partial_build_keeps_current_outputs_and_drops_stale_ones(built_copy):
    root = built_copy
    deck = root / "decks" / "01-prueba.md.j2"
    deck.write_text(deck.read_text(encoding="utf-8").replace("Los tokens de una frase", "Tokens de una frase"))
    result = build(root, formats=["html"], only=["01-prueba"])
    assert result.converted == {"html": ["01-prueba"]}
    dist = root / "dist"
    assert "Tokens de una frase" in (dist / "01-prueba.html").read_text(encoding="utf-8")
    # The guide did not change: its PDF is still the right one. The edited deck's PDFs would show the old
    # text next to the new HTML: they are not published until a build converts them again.
    assert (dist / "guias/guia-prueba.pdf").is_file()
    assert not (dist / "01-prueba.pdf").exists()
    assert not (dist / "instructor/01-prueba-notas.pdf").exists()
    assert 'href="01-prueba.pdf"' not in (dist / "index.html").read_text(encoding="utf-8")
    build(root)
    assert (dist / "01-prueba.pdf").is_file()
    assert 'href="01-prueba.pdf"' in (dist / "index.html").read_text(encoding="utf-8")


def test_two_builds_of_the_same_sources_are_byte_identical(built_copy, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")  # 2026-12-01 00:00 UTC
    first = build(built_copy, force=True)
    assert first.converted  # really converted again, not copied from the cache
    before = _hashes(built_copy / "dist")
    build(built_copy, force=True)
    assert _hashes(built_copy / "dist") == before
    metadata = PdfReader(built_copy / "dist" / "01-prueba.pdf").metadata
    assert metadata["/CreationDate"] == metadata["/ModDate"] == "D:20261201000000Z"


def test_without_a_browser_the_html_is_still_published(make_course, monkeypatch):
    from marp_build import marp
    from marp_build.errors import BrowserNotFoundError

    def no_browser():
        raise BrowserNotFoundError("no hay un navegador para generar los PDF; instala uno con `sudo apt-get install -y chromium`")

    monkeypatch.setattr(marp, "find_browser", no_browser)
    root = make_course()
    with pytest.raises(BrowserNotFoundError) as err:
        build(root)
    assert str(err.value) == ("dist/ tiene las presentaciones en HTML, pero no los PDF: no hay un navegador para "
                              "generar los PDF; instala uno con `sudo apt-get install -y chromium`")
    assert (root / "dist" / "01-prueba.html").is_file() and (root / "dist" / "index.html").is_file()
    assert not (root / "dist" / "01-prueba.pdf").exists()


def test_deleting_a_deck_removes_its_outputs(built_copy):
    import yaml

    course_file = built_copy / "course.yaml"
    data = yaml.safe_load(course_file.read_text(encoding="utf-8"))
    data["guias"] = []
    course_file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    build(built_copy)
    assert not (built_copy / "dist" / "guias").exists()
    assert "guia-prueba" not in (built_copy / "dist" / "index.html").read_text(encoding="utf-8")
    assert (built_copy / "dist" / "01-prueba.pdf").is_file()


def test_pptx_on_request(built_copy):
    result = build(built_copy, formats=["pptx"], only=["01-prueba"])
    assert result.converted == {"pptx": ["01-prueba"]}
    pptx = built_copy / "dist" / "01-prueba.pptx"
    assert pptx.read_bytes()[:2] == b"PK"  # a zip container, as every .pptx
    assert (built_copy / "dist" / "01-prueba.pdf").is_file()  # the other outputs are kept


def test_qr_code_on_cover_and_landing_when_the_url_is_set(built_copy):
    course_file = built_copy / "course.yaml"
    course_file.write_text(course_file.read_text(encoding="utf-8").replace(
        'url_publica: ""', 'url_publica: "https://ejemplo.github.io/curso/"'), encoding="utf-8")
    build(built_copy, formats=["html"])
    landing = (built_copy / "dist" / "index.html").read_text(encoding="utf-8")
    deck = (built_copy / "dist" / "01-prueba.html").read_text(encoding="utf-8")
    assert "<svg" in landing and "Código QR: https://ejemplo.github.io/curso/" in landing
    assert "portada-qr" in deck and "Código QR: https://ejemplo.github.io/curso/" in deck


def _html_notes(html_text: str) -> dict[int, str]:
    import html as html_lib

    notes = {}
    for index, body in re.findall(r'<div class="bespoke-marp-note"[^>]*data-index="(\d+)"[^>]*>(.*?)</div>', html_text, re.S):
        notes[int(index)] = html_lib.unescape(re.sub(r"<[^>]+>", " ", body))
    return notes


def test_notes_after_a_box_reach_the_presenter_view(built):
    root, _ = built
    notes = _html_notes((root / "dist" / "01-prueba.html").read_text(encoding="utf-8"))
    # Slide 6 ends with {% endcall %} and then its note: Jinja glues them unless the renderer separates them.
    assert "Cinco palabras de nota aquí." in notes[5]


def test_instructor_script_lists_every_slide_with_its_notes(built):
    root, _ = built
    script = (root / "dist" / "instructor" / "01-prueba-guion.html").read_text(encoding="utf-8")
    assert script.count('<section class="diapo') == 7
    assert "1.2 Ajuste fino · termina a las 10:40" in script
    assert "Nota de prueba con exactamente diez palabras para contar bien." in script
    assert "Actividad: 3,0 min" in script
