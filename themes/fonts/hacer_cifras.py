"""Make "Cifras Atkinson": the digits of Atkinson Hyperlegible Next with an open zero (no slash).

Atkinson Hyperlegible Next draws its zero with a slash, to tell it from the letter O. In times and prices
(09:00, 1.000 €) there is no O to confuse, and at a glance the slashes read as noise; the font has no
OpenType feature for a plain zero, so this script draws one: the zero's own outer contour, and the letter
O's counter scaled to the zero's stroke. The result keeps only the ten digits (U+0030–0039) and the themes
use it first in the font stack of time pills, tables, the agenda and the place cue, with unicode-range, so
every other character still comes from Atkinson Hyperlegible Next.

Licence: SIL Open Font License 1.1, like the font it modifies (OFL-atkinson-hyperlegible.txt; the font
declares no Reserved Font Name, and the modified version carries its own name anyway).

Run once, when the Atkinson files change (needs fontTools and brotli, not project dependencies):
    python -m venv /tmp/ft && /tmp/ft/bin/pip install fonttools brotli
    /tmp/ft/bin/python themes/fonts/hacer_cifras.py
"""

from __future__ import annotations

from pathlib import Path

from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.recordingPen import RecordingPen
from fontTools.pens.transformPen import TransformPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTFont

HERE = Path(__file__).parent
FAMILY = "Cifras Atkinson"
WEIGHTS = {400: "atkinson-hyperlegible-next-latin-400-normal.woff2",
           700: "atkinson-hyperlegible-next-latin-700-normal.woff2",
           800: "atkinson-hyperlegible-next-latin-800-normal.woff2"}


def _contours(glyph_set, name: str) -> list[list[tuple]]:
    pen = RecordingPen()
    glyph_set[name].draw(pen)
    contours, current = [], []
    for op in pen.value:
        current.append(op)
        if op[0] in ("closePath", "endPath"):
            contours.append(current)
            current = []
    return contours


def _bounds(glyph_set, ops: list[tuple]) -> tuple[float, float, float, float]:
    pen = BoundsPen(glyph_set)
    for op, args in ops:
        getattr(pen, op)(*args)
    return pen.bounds


def open_zero(font: TTFont) -> None:
    """Replace the glyph `zero` by an open zero of the same width, height and stroke."""
    glyph_set = font.getGlyphSet()
    zero = sorted(_contours(glyph_set, "zero"), key=lambda c: -_area(_bounds(glyph_set, c)))
    letter = sorted(_contours(glyph_set, "O"), key=lambda c: -_area(_bounds(glyph_set, c)))
    outer, counters = zero[0], zero[1:]
    zx0, zy0, zx1, zy1 = _bounds(glyph_set, outer)
    side = min(_bounds(glyph_set, c)[0] for c in counters) - zx0  # stroke at the sides (no slash there)
    ox0, oy0, ox1, oy1 = _bounds(glyph_set, letter[0])
    cx0, cy0, cx1, cy1 = _bounds(glyph_set, letter[1])
    top = (cy0 - oy0 + oy1 - cy1) / 2  # the O's stroke at top and bottom
    tx0, ty0, tx1, ty1 = zx0 + side, zy0 + top, zx1 - side, zy1 - top
    sx, sy = (tx1 - tx0) / (cx1 - cx0), (ty1 - ty0) / (cy1 - cy0)
    pen = TTGlyphPen(glyph_set)
    for op, args in outer:
        getattr(pen, op)(*args)
    counter = TransformPen(pen, (sx, 0, 0, sy, tx0 - cx0 * sx, ty0 - cy0 * sy))
    for op, args in letter[1]:
        getattr(counter, op)(*args)
    font["glyf"]["zero"] = pen.glyph()
    font["glyf"]["zero"].recalcBounds(font["glyf"])


def _area(box: tuple[float, float, float, float]) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


def rename(font: TTFont, weight: int) -> None:
    style = {400: "Regular", 700: "Bold", 800: "ExtraBold"}[weight]
    names = {1: FAMILY if weight in (400, 700) else f"{FAMILY} {style}", 2: "Bold" if weight == 700 else "Regular",
             4: f"{FAMILY} {style}", 6: f"CifrasAtkinson-{style}", 16: FAMILY, 17: style}
    table = font["name"]
    table.names = [n for n in table.names if n.nameID not in names]
    for name_id, text in names.items():
        table.setName(text, name_id, 3, 1, 0x409)
    table.setName("Digits of Atkinson Hyperlegible Next with an open zero, for the course themes "
                  "(themes/fonts/hacer_cifras.py)", 10, 3, 1, 0x409)


def main() -> None:
    for weight, source in WEIGHTS.items():
        font = TTFont(HERE / source)
        font.flavor = None
        open_zero(font)
        options = Options()
        options.layout_features = ["tnum", "pnum"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        subsetter = Subsetter(options)
        subsetter.populate(unicodes=range(0x30, 0x3A))
        subsetter.subset(font)
        rename(font, weight)
        font.flavor = "woff2"
        out = HERE / f"cifras-atkinson-{weight}.woff2"
        font.save(out)
        print(out.name, out.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
