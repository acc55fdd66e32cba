"""Design v2: the type scale, words and layout measured by `check`, the diagram system, the section cues."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from marp_build.build import load
from marp_build.check import run_check
from marp_build.diagrams import PALETTE, STROKES, embed_fonts
from marp_build.render import render_decks

REPO = Path(__file__).resolve().parents[1]
IMAGES = REPO / "decks" / "img"
FONTS = REPO / "themes" / "fonts"
SVG = "{http://www.w3.org/2000/svg}"


def findings(root, browser=True):
    return [f.format() for f in run_check(root, browser=browser).findings]


# --- What `check` measures in Chromium --------------------------------------------------------------------

@pytest.mark.e2e
def test_every_layout_of_the_theme_keeps_its_own_floors(make_course):
    """Agenda, section opener, table, code, boxes, pills, sources line, `grande`, diagram, statement: no finding."""
    assert findings(make_course("diseno-escala")) == []


@pytest.mark.e2e
def test_each_design_problem_is_found_with_its_line(make_course):
    assert findings(make_course("diseno-problemas")) == [
        "decks/01-prueba.md.j2:20: error: [letra-pequena] la diapositiva 4 («Letra pequeña») de 01-prueba tiene texto "
        "de 20 px («una nota diminuta»); el mínimo es 32 px: quita el tamaño a mano, o divide la diapositiva si no cabe",
        "decks/01-prueba.md.j2:58: error: [letra-pequena] la diapositiva 9 («Un diagrama diminuto») de 01-prueba dibuja "
        "img/circulo.svg tan pequeño que su texto queda en 11 px (mínimo 22 px); dale más espacio a la figura o agranda "
        "los rótulos del SVG",
        "decks/guia-prueba.md.j2:4: error: [margen-inferior] la página 1 de guia-prueba invade el margen de abajo "
        "(8 px); al imprimir se pega al pie: pasa lo último a la página siguiente",
        "decks/img/dejavu.svg:1: error: [fuente-diagrama] el texto del diagrama se dibuja con DejaVu Sans y no con la "
        "letra del curso; usa font-family=\"Atkinson Hyperlegible Next\" (o Mono) en el SVG",
        "decks/01-prueba.md.j2:14: aviso: [divisores-seguidos] las diapositivas 2 y 3 de 01-prueba son dos divisores "
        "seguidos; abre la sección y su primer bloque en una sola con {{ m.apertura(seccion) }}",
        "decks/01-prueba.md.j2:26: aviso: [contenido-arriba] la diapositiva 5 («Contenido arriba») de 01-prueba "
        "termina a 185 de 720 px: deja vacía la mitad de abajo; agranda el contenido con <!-- _class: grande -->, únela "
        "a otra diapositiva o, si es a propósito, márcala con <!-- _class: arriba -->",
        "decks/01-prueba.md.j2:44: aviso: [muchas-palabras] la diapositiva 7 («Demasiadas palabras») de 01-prueba "
        "tiene 50 palabras (máximo 45); divídela o pasa el detalle a las notas",
        "decks/guia-prueba.md.j2:10: aviso: [titulo-huerfano] la página 2 de guia-prueba termina con un título y su "
        "contenido queda en la página siguiente; pasa el título a esa página para no cortar el paso",
    ]


@pytest.mark.e2e
def test_diagram_font_is_the_platform_font_chromium_used(tmp_path):
    """With the course font embedded, Chromium draws the text in it; without, it falls back (DejaVu here)."""
    from marp_build.browser import open_browser
    from marp_build.design import measure_diagram

    source = (IMAGES / "02-perdida.svg").read_text(encoding="utf-8")
    (tmp_path / "con.svg").write_text(embed_fonts(source, FONTS), encoding="utf-8")
    (tmp_path / "sin.svg").write_text(source, encoding="utf-8")
    with open_browser() as browser:
        embedded = measure_diagram(browser, tmp_path / "con.svg")
        bare = measure_diagram(browser, tmp_path / "sin.svg")
    assert embedded.fonts and all(f.startswith(("Atkinson Hyperlegible", "Cifras Atkinson")) for f in embedded.fonts)
    assert any(f.startswith("Cifras Atkinson") for f in embedded.fonts)  # the axis digits: open zero
    assert not any(f.startswith(("Atkinson", "Cifras")) for f in bare.fonts)
    assert (embedded.min_size, embedded.viewbox_width) == (22.0, 1100.0)


# --- The diagram system (no browser) ----------------------------------------------------------------------

def _svgs():
    return sorted(IMAGES.glob("*.svg"))


@pytest.mark.parametrize("path", _svgs(), ids=lambda p: p.name)
def test_diagram_uses_the_palette_strokes_font_and_sizes(path):
    text = path.read_text(encoding="utf-8")
    colours = {c.lower() for c in re.findall(r"#[0-9a-fA-F]{6}\b", text)}
    assert colours <= set(PALETTE), sorted(colours - set(PALETTE))
    strokes = {float(w) for w in re.findall(r'stroke-width[=:]\s*"?([\d.]+)', text)}
    assert strokes <= STROKES, sorted(strokes - STROKES)
    root = ET.fromstring(text)
    assert float(root.get("viewBox").split()[2]) == 1100  # one drawing width: labels scale alike
    families = re.findall(r'font-family[=:]\s*([^;>]+)', text)
    assert families and all("Atkinson Hyperlegible" in f for f in families), families
    sizes = [float(s) for s in re.findall(r'font-size[=:]\s*"?([\d.]+)', text)]
    assert sizes and min(sizes) >= 22, min(sizes)
    # Only characters the course font has (Atkinson Hyperlegible Next has no arrows: they would fall back).
    labels = "".join(t.text or "" for t in root.iter(f"{SVG}text")) + "".join(t.text or "" for t in root.iter(f"{SVG}tspan"))
    assert not set(labels) & set("→←↑↓☐✓✔⛔"), labels


def test_the_overfitting_chart_exists_once():
    charts = [p.name for p in _svgs() if "sobreajuste" in p.read_text(encoding="utf-8").split("</title>")[0].lower()]
    assert charts == ["02-perdida.svg"]
    decks = "".join(p.read_text(encoding="utf-8") for p in (REPO / "decks").glob("*.md.j2"))
    assert decks.count("img/02-perdida.svg") == 2 and "img/03-sobreajuste.svg" not in decks


def test_embedding_adds_only_the_faces_a_diagram_uses_and_only_once():
    plain = '<svg xmlns="http://www.w3.org/2000/svg" font-family="Atkinson Hyperlegible Next"><text>a</text></svg>'
    once = embed_fonts(plain, FONTS)
    faces = re.findall(r'font-family:"([^"]+)";font-weight:(\d+);font-style:(\w+)', once)
    assert faces == [("Atkinson Hyperlegible Next", "400", "normal"), ("Atkinson Hyperlegible Next", "700", "normal")]
    assert embed_fonts(once, FONTS) == once
    mono = embed_fonts(plain.replace("<text>", '<text font-family="Cifras Atkinson, Atkinson Hyperlegible Mono">'), FONTS)
    families = re.findall(r'font-family:"([^"]+)"', mono)
    assert families.count("Atkinson Hyperlegible Mono") == 2 and families.count("Cifras Atkinson") == 3
    assert "unicode-range:U+0030-0039" in mono
    assert embed_fonts("no es un svg", FONTS) == "no es un svg"


def test_built_images_carry_the_font(built_minimal):
    for name in ("img/circulo.svg", "guias/img/circulo.svg"):
        text = (built_minimal / "dist" / name).read_text(encoding="utf-8")
        assert 'font-family:"Atkinson Hyperlegible Next";font-weight:400' in text and "data:font/woff2;base64," in text
    source = (built_minimal / "decks" / "img" / "circulo.svg").read_text(encoding="utf-8")
    assert "base64" not in source  # the source stays small and editable


# --- Sense of place: accents, dividers, place cue, statements (rendering only) ----------------------------

def _slides(root):
    course = load(root)
    return {item.deck.id: item for item in render_decks(course)}


def test_place_cue_follows_each_divider_and_dividers_hide_it(make_course):
    item = _slides(make_course())["01-prueba"]
    chunks = item.markdown.split("\n\n---\n\n")
    divider = next(c for c in chunks if "_class: divisor s1" in c and "1.2 Ajuste fino" in c)
    cue = re.search(r"<!-- header: (.*) -->", divider).group(1)
    assert '<span class=\\"lugar s1\\">' in cue and "› 1.2 Ajuste fino" in cue
    assert cue.count("<i ") == 2 and 's1 hecho' in cue and 's1 ahora' in cue  # one bar per block of the course
    assert '<!-- _header: "" -->' in divider
    assert "footer:" not in item.markdown.split("\n---\n", 1)[0]  # decks: no footer in the front matter
    guide = _slides(make_course())["guia-prueba"].markdown
    assert 'footer: "Guía de prueba"' in guide


def test_section_opener_is_one_slide_that_opens_its_first_block(make_course):
    root = make_course("diseno-escala")
    item = _slides(root)["01-prueba"]
    opener = next(s for s in item.slides if "apertura" in s.classes)
    assert opener.title == "Tokens" and opener.block == "1.1" and "divisor" in opener.classes
    assert not [f for f in findings(root, browser=False) if "[agenda]" in f or "divisores" in f]


def test_key_idea_is_a_statement_whose_sentence_is_the_title(make_course):
    item = _slides(make_course())["01-prueba"]
    last = item.slides[-1]
    assert last.classes == ("idea-clave",) and last.title == "Un modelo ajustado aprende tu estilo."
    assert '<div class="idea-etiqueta">Idea clave</div>' in item.markdown


def test_agenda_opens_the_current_section_only(make_course):
    markdown = _slides(make_course("diseno-escala"))["01-prueba"].markdown
    agenda = markdown.split('<div class="agenda">', 1)[1].split("</div>\n</div>", 1)[0]
    assert 'agenda-bloque s1 actual' in agenda and "<li><b>10:00</b>Tokens</li>" in agenda


def test_digits_font_has_an_open_zero_and_only_digits():
    for weight in (400, 700, 800):
        data = (FONTS / f"cifras-atkinson-{weight}.woff2").read_bytes()
        assert data[:4] == b"wOF2" and len(data) < 4000
    css = (REPO / "themes" / "curso.css").read_text(encoding="utf-8")
    assert css.count('font-family: "Cifras Atkinson"') == 3 and "unicode-range: U+0030-0039" in css


def test_pdf_draws_the_diagram_in_the_course_font(built_minimal):
    """The slide with the diagram (its label «círculo» used to come out in DejaVu Sans) uses only course fonts."""
    import pikepdf

    with pikepdf.open(built_minimal / "dist" / "01-prueba.pdf") as pdf:
        page = pdf.pages[3]
        fonts = {str(font.get("/BaseFont")).split("+")[-1] for font in page.obj["/Resources"]["/Font"].values()}
    assert fonts and all(f.startswith(("AtkinsonHyperlegible", "CifrasAtkinson")) for f in fonts), fonts
