"""One diagram system: every SVG in decks/img drawn in the course font, with one palette and stroke set.

Slides show the diagrams as images (`![…](img/x.svg)`), and an SVG loaded as an image cannot see the fonts
of the page around it: without help, Chromium draws its text in DejaVu Sans (PDF) or whatever the viewer
has (HTML). So when the build copies decks/img into marp-cli's input and into dist/, it embeds the faces
the SVG uses (Atkinson Hyperlegible Next, and Mono when asked) as data URIs in a <style> inside the SVG.
The sources stay small and editable; `check` asks Chromium which font really drew each diagram's text.
"""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path

__all__ = ["PALETTE", "STROKES", "embed_fonts", "copy_images", "fonts_dir"]

# The colours of the course themes (themes/curso.css); diagrams use only these.
PALETTE = {
    "#14213d": "tinta", "#0b4f8a": "azul", "#e8f1fb": "azul-claro", "#00695c": "turquesa",
    "#e0f2ef": "turquesa-claro", "#6a3d9a": "morado", "#f1eaf8": "morado-claro", "#b34700": "naranja",
    "#fff1e6": "naranja-claro", "#1b6e3a": "verde", "#e9f7ee": "verde-claro", "#b3261e": "rojo",
    "#4a5568": "gris", "#8a96a8": "gris-medio", "#c9d3e0": "borde", "#e5e9f0": "gris-claro",
    "#f5f8fc": "fondo-suave", "#ffffff": "blanco",
    # token chips, as in .tokens of the theme
    "#dbeafe": "ficha-azul", "#fde2cc": "ficha-naranja", "#d9f2e1": "ficha-verde", "#efe1fb": "ficha-lila",
}
# Line widths, in the diagrams' own units (every diagram is 1100 units wide): hairline, thin, normal, bold.
STROKES = {2.0, 3.0, 4.0, 6.0}

_FACES = [
    # (family, weight, style, file, needed when the SVG …)
    ("Atkinson Hyperlegible Next", 400, "normal", "atkinson-hyperlegible-next-latin-400-normal.woff2", "always"),
    ("Atkinson Hyperlegible Next", 700, "normal", "atkinson-hyperlegible-next-latin-700-normal.woff2", "always"),
    ("Atkinson Hyperlegible Next", 800, "normal", "atkinson-hyperlegible-next-latin-800-normal.woff2", "800"),
    ("Atkinson Hyperlegible Next", 400, "italic", "atkinson-hyperlegible-next-latin-400-italic.woff2", "italic"),
    ("Atkinson Hyperlegible Mono", 400, "normal", "atkinson-hyperlegible-mono-latin-400-normal.woff2", "Mono"),
    ("Atkinson Hyperlegible Mono", 700, "normal", "atkinson-hyperlegible-mono-latin-700-normal.woff2", "Mono"),
    # digits with an open zero (themes/fonts/hacer_cifras.py), first in the diagrams' font-family
    ("Cifras Atkinson", 400, "normal", "cifras-atkinson-400.woff2", "Cifras"),
    ("Cifras Atkinson", 700, "normal", "cifras-atkinson-700.woff2", "Cifras"),
    ("Cifras Atkinson", 800, "normal", "cifras-atkinson-800.woff2", "Cifras"),
]
_SVG_OPEN_RE = re.compile(r"<svg\b[^>]*>", re.S)
_MARK = "data-fuentes-del-curso"


def fonts_dir(images: Path) -> Path:
    """themes/fonts of the course whose decks/img is `images`."""
    return images.resolve().parent.parent / "themes" / "fonts"


def embed_fonts(svg: str, fonts: Path) -> str:
    """The SVG with the course's font faces it uses embedded (unchanged if it has them or is not an SVG)."""
    opening = _SVG_OPEN_RE.search(svg)
    if opening is None or _MARK in svg:
        return svg
    rules = []
    for family, weight, style, name, when in _FACES:
        path = fonts / name
        if not path.is_file() or (when != "always" and when not in svg):
            continue
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        digits = "unicode-range:U+0030-0039;" if family.startswith("Cifras") else ""
        rules.append(f'@font-face{{font-family:"{family}";font-weight:{weight};font-style:{style};{digits}'
                     f'src:url(data:font/woff2;base64,{data}) format("woff2")}}')
    if not rules:
        return svg
    style = f"<style {_MARK}=\"\">{''.join(rules)}</style>"
    return svg[: opening.end()] + style + svg[opening.end():]


def copy_images(source: Path, target: Path) -> None:
    """Copy decks/img to `target` (like shutil.copytree), embedding the course font into every SVG."""
    fonts = fonts_dir(source)
    shutil.copytree(source, target, dirs_exist_ok=True)
    if not fonts.is_dir():
        return
    for svg in target.rglob("*.svg"):
        text = svg.read_text(encoding="utf-8")
        embedded = embed_fonts(text, fonts)
        if embedded != text:
            svg.write_text(embedded, encoding="utf-8")
