"""Design rules `marp-build check` measures in the browser: readable from the back of the room.

- Type scale at 1280×720: body text ≥ 32 px, code, tables and the agenda ≥ 26 px, labels, captions and the
  place cue ≥ 22 px; guides (A4) ≥ 10 pt everywhere. Diagram labels count too: an SVG's font size times the
  scale it is drawn at.
- Words per slide (notes excluded): a warning above 45 (not for the cover and dividers, whose text is the
  program's own).
- Content that ends in the upper half of a slide: a warning, unless the slide's class says it is meant to.
- Guides: content never reaches the bottom padding, and a page never ends on a heading (its step would be
  split across pages).
- Dividers never back to back; diagrams drawn in the course font (the platform font Chromium really used).

`check` calls `static_findings`, `slide_findings` and `diagram_findings`; `python -m marp_build.design`
prints the figures (smallest text, slides over 45 words, top-heavy slides) for a built course.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from marp_build.quick import digest
from marp_build.rehearse import count_words
from marp_build.render import template_line

if TYPE_CHECKING:
    from marp_build.browser import SlideBox
    from marp_build.findings import Finding
    from marp_build.model import Course
    from marp_build.render import RenderedDeck

__all__ = ["FLOORS", "MAX_WORDS", "COURSE_FONTS", "static_findings", "slide_findings", "diagram_findings",
           "SVG_JS", "diagram_key", "write_diagram",
           "DiagramInfo", "measure_diagram", "figures"]

# Smallest font size allowed per tier, in CSS px at the slide's own size (1280×720 or A4 at 96 dpi).
FLOORS = {
    "presentacion": {"cuerpo": 32.0, "denso": 26.0, "secundario": 22.0},
    "guia": {"cuerpo": 13.33, "denso": 13.33, "secundario": 13.33},  # 10 pt
}
_TIER_NAMES = {"cuerpo": "texto", "denso": "código, tabla o agenda", "secundario": "etiqueta o pie"}
MAX_WORDS = 45
# Slides whose content is meant to sit high or alone (cover, dividers, statements), or says so with `arriba`.
_TOP_OK = {"portada", "divisor", "apertura", "idea-clave", "arriba"}
_TOP_LIMIT = 0.5
# Dividers list the program's topics from course.yaml (every topic must be on a slide): their length is the
# program's, not the author's, so they are not counted for words. The sources slide is a reference list shown
# for a few seconds, generated from what the deck cites.
_WORDS_OK = {"divisor", "apertura", "portada", "fuentes"}
# Fonts a diagram may be drawn in: the course's own (embedded into every SVG at build time).
# (Chromium reports the family name inside the file: the web font files call themselves, for instance,
# "Atkinson Hyperlegible Mono ExtraLight", so names are matched by how they start.)
COURSE_FONTS = ("Atkinson Hyperlegible Next", "Atkinson Hyperlegible Mono", "Cifras Atkinson")
_TOLERANCE = 0.05


def _check():
    from marp_build import check

    return check


def _where(slide, item: RenderedDeck) -> str:
    return f"la diapositiva {slide.number} («{slide.title or 'sin título'}») de {item.deck.id}"


def _needle_line(root: Path, slide, sample: str) -> int:
    """The template line that holds a piece of the sample text (its first words, else a long word)."""
    lines = (root / slide.source).read_text(encoding="utf-8").splitlines() if (root / slide.source).is_file() else []
    start = max(slide.line - 1, 0)
    candidates = [sample[:24].strip(), *sorted(re.findall(r"[^\W\d_]{6,}", sample), key=len, reverse=True)[:3]]
    for needle in candidates:
        if len(needle) >= 4 and any(needle in text for text in lines[start:start + 80]):
            return template_line(root, slide, needle)
    return slide.line


def static_findings(course: Course, rendered: list[RenderedDeck]) -> list[Finding]:
    """Findings that need no browser: two dividers in a row."""
    check = _check()
    found = []
    for item in rendered:
        if item.deck.kind != "presentacion":
            continue
        for before, after in zip(item.slides, item.slides[1:]):
            if "divisor" in before.classes and "divisor" in after.classes:
                found.append(check.Finding(
                    after.source, after.line, "warning", "divisores-seguidos",
                    f"las diapositivas {before.number} y {after.number} de {item.deck.id} son dos divisores seguidos; "
                    "abre la sección y su primer bloque en una sola con {{ m.apertura(seccion) }}"))
    return found


def slide_findings(course: Course, item: RenderedDeck, boxes: Iterable[SlideBox],
                   diagrams: dict[str, DiagramInfo] | None = None) -> list[Finding]:
    """Type scale, words, top-heavy slides, the guides' bottom margin and diagram label sizes of one deck."""
    check = _check()
    root = course.root
    kind = "guia" if item.deck.kind == "guia" else "presentacion"
    floors = FLOORS[kind]
    found = []
    for slide, box in zip(item.slides, boxes):
        where = _where(slide, item)
        small = [(size, tier, text) for tier, size, text in box.texts if size < floors[tier] - _TOLERANCE]
        if small:
            size, tier, text = min(small)
            found.append(check.Finding(
                slide.source, _needle_line(root, slide, text), "error", "letra-pequena",
                f"{where} tiene {_TIER_NAMES[tier]} de {_px(size)} («{_short(text)}»); el mínimo es "
                f"{_px(floors[tier])}: quita el tamaño a mano, o divide la diapositiva si no cabe"))
        for src, width, _height in box.images:
            info = (diagrams or {}).get(src.rsplit("/", 1)[-1]) if src.endswith(".svg") else None
            if info is None or not info.viewbox_width or not info.min_size:
                continue
            shown = info.min_size * width / info.viewbox_width
            floor = floors["secundario"]
            if shown < floor - _TOLERANCE:
                found.append(check.Finding(
                    slide.source, template_line(root, slide, src), "error", "letra-pequena",
                    f"{where} dibuja {src} tan pequeño que su texto queda en {_px(shown)} (mínimo {_px(floor)}); "
                    "dale más espacio a la figura o agranda los rótulos del SVG"))
        if kind == "presentacion":
            words = count_words(box.text)
            if words > MAX_WORDS and not set(slide.classes) & _WORDS_OK:
                found.append(check.Finding(
                    slide.source, slide.line, "warning", "muchas-palabras",
                    f"{where} tiene {words} palabras (máximo {MAX_WORDS}); divídela o pasa el detalle a las notas"))
            if box.bottom < box.height * _TOP_LIMIT and not set(slide.classes) & _TOP_OK:
                found.append(check.Finding(
                    slide.source, slide.line, "warning", "contenido-arriba",
                    f"{where} termina a {box.bottom:.0f} de {box.height:.0f} px: deja vacía la mitad de abajo; "
                    "agranda el contenido con <!-- _class: grande -->, únela a otra diapositiva o, si es a "
                    "propósito, márcala con <!-- _class: arriba -->"))
        else:
            limit = box.height - box.padding_bottom
            if limit + 1 < box.bottom <= box.height - check._FOOTER_STRIP:
                found.append(check.Finding(
                    slide.source, slide.line, "error", "margen-inferior",
                    f"la página {slide.number} de {item.deck.id} invade el margen de abajo "
                    f"({box.bottom - limit:.0f} px); al imprimir se pega al pie: pasa lo último a la página siguiente"))
            if box.last in ("h1", "h2", "h3", "h4"):
                found.append(check.Finding(
                    slide.source, slide.line, "warning", "titulo-huerfano",
                    f"la página {slide.number} de {item.deck.id} termina con un título y su contenido queda en la "
                    "página siguiente; pasa el título a esa página para no cortar el paso"))
    return found


@dataclass(frozen=True)
class DiagramInfo:
    """What Chromium really used to draw one SVG's text."""

    fonts: tuple[str, ...]  # platform font families used for the text
    min_size: float  # smallest font size, in the SVG's own units
    viewbox_width: float


_SVG_JS = """
() => {
  const svg = document.documentElement;
  const sizes = [...document.querySelectorAll('text, tspan')]
    .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.nodeValue.trim()))
    .map((el) => parseFloat(getComputedStyle(el).fontSize));
  const vb = svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width
    ? svg.viewBox.baseVal.width : parseFloat(svg.getAttribute('width')) || 0;
  return { min: sizes.length ? Math.min(...sizes) : 0, viewbox: vb };
}
"""


SVG_JS = _SVG_JS


def diagram_key(svg: bytes) -> str:
    """The key of one diagram's measurement (the SVG as published, course font embedded)."""
    return digest(svg, _SVG_JS, "diagrama")


def write_diagram(path: Path, measured: dict) -> None:
    """Store what livemarp.js measured of one diagram ({fonts, medida: what _SVG_JS returned})."""
    info = DiagramInfo(tuple(measured["fonts"]), float(measured["medida"]["min"]), float(measured["medida"]["viewbox"]))
    _write_info(path, info)


def _write_info(path: Path, info: DiagramInfo) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"fonts": list(info.fonts), "min_size": info.min_size,
                                "viewbox_width": info.viewbox_width}), encoding="utf-8")


def measure_diagram(browser, path: Path, page=None) -> DiagramInfo:
    """Open one SVG in Chromium and ask the DevTools protocol which fonts drew its text.

    `page`: a page to reuse (opening a page costs more than measuring a diagram); otherwise one is opened
    and closed.
    """
    own = page is None
    page = browser.new_page() if own else page
    try:
        page.goto(path.resolve().as_uri(), wait_until="load")
        page.evaluate("document.fonts ? document.fonts.ready.then(() => true) : true")
        cdp = page.context.new_cdp_session(page)
        try:
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
            nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "text, tspan"})["nodeIds"]
            fonts: set[str] = set()
            for node in nodes:
                for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]:
                    if font.get("glyphCount", 0):
                        fonts.add(font["familyName"])
        finally:
            cdp.detach()
        sizes = page.evaluate(_SVG_JS)
        return DiagramInfo(tuple(sorted(fonts)), float(sizes["min"]), float(sizes["viewbox"]))
    finally:
        if own:
            page.close()


def diagram_findings(
    get_browser: Callable[[], object], folder: Path, memo: Path, used: set[str]
) -> tuple[list[Finding], dict[str, DiagramInfo]]:
    """Every SVG in `folder` (as published: course font embedded) drawn in the course font; returns findings
    and what was measured.

    Measurements are kept per SVG content (memo/<key>.json), like the slides'; a build that printed PDFs
    already made them, so `get_browser` (opening Chromium) is called only for a diagram nobody measured.
    """
    check = _check()
    found: list[Finding] = []
    infos: dict[str, DiagramInfo] = {}
    if not folder.is_dir():
        return found, infos
    pages: list = []  # one page for every diagram measured now
    try:
        for svg in sorted(folder.glob("*.svg")):
            key = memo / f"{diagram_key(svg.read_bytes())}.json"
            used.add(key.name)
            try:
                data = json.loads(key.read_text(encoding="utf-8"))
                info = DiagramInfo(tuple(data["fonts"]), float(data["min_size"]), float(data["viewbox_width"]))
            except (OSError, ValueError, KeyError, TypeError):
                if not pages:
                    pages.append(get_browser().new_page())
                info = measure_diagram(get_browser(), svg, pages[0])
                _write_info(key, info)
            infos[svg.name] = info
            other = [f for f in info.fonts if not f.startswith(COURSE_FONTS)]
            if other:
                found.append(check.Finding(
                    f"decks/img/{svg.name}", 1, "error", "fuente-diagrama",
                    f"el texto del diagrama se dibuja con {', '.join(other)} y no con la letra del curso; usa "
                    "font-family=\"Atkinson Hyperlegible Next\" (o Mono) en el SVG"))
    finally:
        for page in pages:
            page.close()
    return found, infos


def _px(size: float) -> str:
    return f"{size:.1f}".rstrip("0").rstrip(".").replace(".", ",") + " px"


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def figures(root: Path, dist: Path | None = None) -> dict:
    """The design figures of a built course: smallest text per tier, slides over 45 words, top-heavy slides.

    `dist` defaults to root/dist (run `marp-build build` first). Needs Chromium.
    """
    from marp_build.browser import SlideMeter, open_browser
    from marp_build.build import load
    from marp_build.layout import output_name
    from marp_build.marp import FORMATS
    from marp_build.render import render_decks

    course = load(root)
    dist = dist or root / "dist"
    result = {"letra_minima": {}, "muchas_palabras": [], "contenido_arriba": [], "diapositivas": 0}
    with open_browser() as browser:
        meter = SlideMeter(browser)
        for item in render_decks(course):
            html = dist / output_name(item.deck, FORMATS["html"])
            if not html.is_file():
                continue
            size = (794, 1123) if item.deck.kind == "guia" else (1280, 720)
            boxes, _ = meter.measure(html, *size)
            if item.deck.kind != "presentacion":
                continue
            for slide, box in zip(item.slides, boxes):
                result["diapositivas"] += 1
                for tier, px, text in box.texts:
                    best = result["letra_minima"].get(tier)
                    if best is None or px < best[0]:
                        result["letra_minima"][tier] = (px, f"{item.deck.id} p{slide.number}: {text[:40]}")
                words = count_words(box.text)
                if words > MAX_WORDS and not set(slide.classes) & _WORDS_OK:
                    result["muchas_palabras"].append(f"{item.deck.id} p{slide.number} {slide.source}:{slide.line} "
                                                     f"({words}) {slide.title[:50]}")
                if box.bottom < box.height * _TOP_LIMIT and not set(slide.classes) & _TOP_OK:
                    result["contenido_arriba"].append(f"{item.deck.id} p{slide.number} {slide.source}:{slide.line} "
                                                      f"({box.bottom:.0f} px) {slide.title[:50]}")
        meter.close()
    return result


def main(argv: list[str]) -> int:
    root = Path(argv[0] if argv else ".").resolve()
    dist = Path(argv[1]).resolve() if len(argv) > 1 else None
    data = figures(root, dist)
    print(f"diapositivas medidas: {data['diapositivas']}")
    for tier, (px, where) in sorted(data["letra_minima"].items()):
        print(f"letra más pequeña ({tier}): {_px(px)} — {where}")
    print(f"diapositivas con más de {MAX_WORDS} palabras: {len(data['muchas_palabras'])}")
    for line in data["muchas_palabras"]:
        print("  " + line)
    print(f"diapositivas con el contenido arriba: {len(data['contenido_arriba'])}")
    for line in data["contenido_arriba"]:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
