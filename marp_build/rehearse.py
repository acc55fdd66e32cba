"""Rehearsal report: does each block of the program fit its minutes? Talk time from the speaker notes.

Estimate per subsection = words of its speaker notes / speaking rate + minutes declared by its exercise and
participation boxes. Source lines (`Fuente: …`) are not read aloud, so they do not count.

The notes also carry the author's own cue per slide ("≈1,5 min", "≈40 s", "≈1 min más 1 min de pregunta"):
the time the slide should take, exercise included. A block's cues are read and set beside the word-count
estimate, so both must fit the program's minutes and agree with each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from marp_build.model import Course
from marp_build.render import RenderedDeck, Slide

__all__ = [
    "DEFAULT_WPM", "CUE_TOLERANCE", "Block", "decimal", "Rehearsal", "rehearse", "count_words", "spoken_text", "slide_cue",
    "render_report", "render_script", "write_scripts", "deck_slides_html", "bar_chart_svg",
]

# Normal Spanish speech runs 150–200 words per minute (Instituto Cervantes, Diccionario de términos clave
# de ELE); a class explaining new ideas sits at the slow end, so the default is the lower bound.
DEFAULT_WPM = 150
_WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_SOURCE_LINE_RE = re.compile(r"^\s*(fuentes?|source)\b", re.I)
_NUMBER = r"(\d+(?:[.,]\d+)?)\s*(min(?:utos?)?|s|seg(?:undos?)?)\b"
_CUE_RE = re.compile(rf"≈\s*{_NUMBER}(?:\s*(?:más|\+)\s*{_NUMBER})?")
# Cue and word-count estimate may differ by this share of the estimate before `check` warns.
CUE_TOLERANCE = 0.25
LATE_RATIO = 1.1  # a block estimated 10 % over its minutes is late (check, rehearse table, report, chart)


def decimal(value: float, digits: int = 1) -> str:
    """A number as people read it in Spanish: decimal comma (25,5)."""
    return f"{value:.{digits}f}".replace(".", ",")


def slide_cue(notes: str) -> float | None:
    """Minutes the notes' own cues give the slide ("≈1,5 min", "≈40 s", "≈1 min más 1 min…"), or None."""
    total = None
    for match in _CUE_RE.finditer(notes):
        groups = match.groups()
        for number, unit in (groups[0:2], groups[2:4]):
            if number is not None:
                value = float(number.replace(",", "."))
                total = (total or 0.0) + (value / 60 if unit.startswith("s") else value)
    return total


def spoken_text(notes: str) -> str:
    """The part of the notes the instructor says: without `Fuente: …` lines and time cues («≈2 min»)."""
    return _CUE_RE.sub("", "\n".join(line for line in notes.splitlines() if not _SOURCE_LINE_RE.match(line)))


def count_words(text: str) -> int:
    return len(_WORD_RE.findall(text))


@dataclass
class Block:
    """One subsection of the program with its budget and the estimate from its slides."""

    id: str
    title: str
    budget: int
    deck: str
    source: str
    line: int
    slides: list[Slide] = field(default_factory=list)
    wpm: int = DEFAULT_WPM

    @property
    def words(self) -> int:
        return sum(count_words(spoken_text(s.notes)) for s in self.slides)

    @property
    def talk_minutes(self) -> float:
        return self.words / self.wpm

    @property
    def activity_minutes(self) -> float:
        return sum(s.minutes for s in self.slides)

    @property
    def estimate(self) -> float:
        return self.talk_minutes + self.activity_minutes

    @property
    def ratio(self) -> float:
        return self.estimate / self.budget if self.budget else 0.0

    @property
    def tight(self) -> bool:
        """Estimated past its minutes (shown in yellow)."""
        return self.ratio > 1.0

    @property
    def late(self) -> bool:
        """Estimated more than LATE_RATIO over its minutes: `check` warns, the report shows it in red."""
        return self.ratio > LATE_RATIO

    def slide_estimate(self, slide: Slide) -> float:
        """Talk time of one slide's notes plus its activity minutes."""
        return count_words(spoken_text(slide.notes)) / self.wpm + slide.minutes

    @property
    def cue_minutes(self) -> float:
        """The notes' own cues added up (slides without a cue add nothing)."""
        return sum(slide_cue(s.notes) or 0.0 for s in self.slides)

    @property
    def cued_estimate(self) -> float:
        """The word-count estimate of the slides that have a cue: what the cues are compared with."""
        return sum(self.slide_estimate(s) for s in self.slides if slide_cue(s.notes) is not None)

    @property
    def uncued(self) -> list[Slide]:
        """Slides with notes but no cue."""
        return [s for s in self.slides if s.notes.strip() and slide_cue(s.notes) is None]

    def cue_disagreements(self, tolerance: float = CUE_TOLERANCE) -> list[tuple[Slide, float, float]]:
        """(slide, cue, estimate) where the cue is off the word-count estimate by more than `tolerance`,
        largest gap first."""
        found = []
        for slide in self.slides:
            cue = slide_cue(slide.notes)
            estimate = self.slide_estimate(slide)
            if cue is not None and abs(cue - estimate) > tolerance * max(estimate, 0.1):
                found.append((slide, cue, estimate))
        return sorted(found, key=lambda item: -abs(item[1] - item[2]))

    def heaviest(self, count: int = 3) -> list[tuple[Slide, float]]:
        """The slides that take most time (talk + activity), heaviest first."""
        weights = [(s, count_words(spoken_text(s.notes)) / self.wpm + s.minutes) for s in self.slides]
        return sorted(weights, key=lambda pair: -pair[1])[:count]


@dataclass
class Rehearsal:
    blocks: list[Block]
    budget: int  # the course's duration, breaks included
    wpm: int
    breaks: list[dict] = field(default_factory=list)  # course.yaml `descansos`, with their clock times

    @property
    def break_minutes(self) -> int:
        return sum(b["minutos"] for b in self.breaks)

    @property
    def estimate(self) -> float:
        """Talk and activities of every block, plus the breaks: the whole session."""
        return sum(b.estimate for b in self.blocks) + self.break_minutes

    @property
    def cue_minutes(self) -> float:
        """The notes' cues of every block, plus the breaks."""
        return sum(b.cue_minutes for b in self.blocks) + self.break_minutes


def rehearse(course: Course, rendered: list[RenderedDeck], wpm: int = DEFAULT_WPM) -> Rehearsal:
    """Group the presentations' slides by subsection and estimate each block's time."""
    blocks: dict[str, Block] = {}
    for item in course.blocks:
        blocks[item.id] = Block(item.id, item.title, item.minutes, "", "course.yaml", 1, wpm=wpm)
    for item in rendered:
        if item.deck.kind != "presentacion":
            continue
        for slide in item.slides:
            block = blocks.get(slide.block or "")
            if block is None:
                continue
            # Findings point at the block's divider slide (or its first slide until the divider shows up).
            if not block.slides or ("divisor" in slide.classes and slide.title == block.title):
                block.deck, block.source, block.line = item.deck.id, slide.source, slide.line
            block.slides.append(slide)
    return Rehearsal(list(blocks.values()), course.duration, wpm, list(course.data.get("descansos", [])))


def _decimal(value: float, digits: int = 1) -> str:
    """A number as Spanish readers write it: 1,5 (decimal comma)."""
    return f"{value:.{digits}f}".replace(".", ",")


def _label_lines(text: str, width: int = 34) -> list[str]:
    """A label broken between words into lines of at most `width` characters (never cut)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def bar_chart_svg(plan: Rehearsal) -> str:
    """Budget vs estimate per block, as an SVG drawn here (no chart library, no network).

    Labels wrap onto two lines instead of being cut; numbers carry a decimal comma."""
    label_w, bar_w, line_h = 380, 540, 21
    labels = [_label_lines(f"{b.id} {_plain(b.title)}") for b in plan.blocks]
    rows = [max(46, 20 + line_h * len(lines)) for lines in labels]
    height = sum(rows) + 56
    top = max([b.budget for b in plan.blocks] + [b.estimate for b in plan.blocks] + [1]) * LATE_RATIO
    scale = bar_w / top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {label_w + bar_w + 140} {height}" role="img" '
        f'aria-labelledby="grafico-titulo" font-family="Cifras Atkinson, Atkinson Hyperlegible Next, DejaVu Sans, sans-serif">',
        '<title id="grafico-titulo">Minutos previstos y estimados por bloque del programa</title>',
    ]
    y = 10
    for block, lines, row in zip(plan.blocks, labels, rows):
        color = "#b3261e" if block.late else "#b34700" if block.tight else "#1b6e3a"
        middle = y + row / 2
        first = middle - (len(lines) - 1) * line_h / 2 + 6
        spans = "".join(f'<tspan x="0" y="{first + i * line_h:.1f}">{_xml(text)}</tspan>' for i, text in enumerate(lines))
        parts.append(f'<text font-size="17" fill="#14213d">{spans}</text>')
        parts.append(f'<rect x="{label_w}" y="{middle - 14:.1f}" width="{block.budget * scale:.1f}" height="28" '
                     'fill="#e8f1fb" stroke="#0b4f8a" stroke-width="2"/>')
        width = block.estimate * scale
        parts.append(f'<rect x="{label_w}" y="{middle - 7:.1f}" width="{width:.1f}" height="14" fill="{color}"/>')
        parts.append(f'<text x="{label_w + max(block.budget, block.estimate) * scale + 8:.1f}" y="{middle + 6:.1f}" '
                     f'font-size="16" fill="#14213d">{_decimal(block.estimate)} / {block.budget} min</text>')
        y += row
    y += 24
    parts.append(f'<rect x="{label_w}" y="{y - 12}" width="24" height="14" fill="#e8f1fb" stroke="#0b4f8a" stroke-width="2"/>'
                 f'<text x="{label_w + 32}" y="{y}" font-size="15" fill="#14213d">minutos del programa</text>'
                 f'<rect x="{label_w + 230}" y="{y - 10}" width="24" height="10" fill="#1b6e3a"/>'
                 f'<text x="{label_w + 262}" y="{y}" font-size="15" fill="#14213d">estimado (notas + actividades)</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain(markdown: str) -> str:
    """A title without its Markdown marks (for the chart, where no HTML goes)."""
    return re.sub(r"(\*\*|__|\*|_|`)(.+?)\1", r"\2", markdown)


def _markdown():
    """Markdown → HTML for notes and titles (CommonMark; raw HTML in notes is shown as text)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "typographer": False})


_NO_CARD_CLASSES = {"portada", "divisor", "apertura", "fuentes"}


def _environment(course: Course):
    """The page templates' Jinja environment: HTML escaping, Markdown and decimal-comma filters, landing CSS."""
    from markupsafe import Markup

    from marp_build.marp import page_css
    from marp_build.render import make_environment

    env = make_environment(course.root)
    env.autoescape = True
    md = _markdown()
    env.filters["md"] = lambda text: Markup(md.render(text or ""))
    env.filters["md_linea"] = lambda text: Markup(md.renderInline(text or ""))
    env.filters["coma"] = _decimal
    return env, page_css(course.root)


def deck_slides_html(deck_html: str) -> tuple[str, list[str]]:
    """The theme CSS and each slide's markup from a deck built by marp-cli (HTML, bespoke template).

    The CSS is re-scoped from Marp's `div#:$p` container to `.diapo-vista`, so each slide can be shown on
    its own (scaled with the page, vector, printable); scripts are dropped and image links made relative to
    dist/instructor/."""
    style = re.search(r"<style>(div#\\:\\\$p > svg > foreignObject > section\{.*?)</style>", deck_html, re.S)
    css = style.group(1).replace("div#\\:\\$p", "div.diapo-vista") if style else ""
    slides = []
    for match in re.finditer(r"<svg data-marpit-svg[^>]*>.*?</foreignObject></svg>", deck_html, re.S):
        svg = re.sub(r"<script\b.*?</script>", "", match.group(0), flags=re.S)
        svg = re.sub(r'(<img\b[^>]*\bsrc=")(?![a-z]+:|/|\.\./)', r"\1../", svg)
        slides.append(svg)
    return css, slides


def render_script(course: Course, item: RenderedDeck, wpm: int = DEFAULT_WPM, deck_html: str | None = None) -> str:
    """The instructor's script of one deck (dist/instructor/<id>-guion.html): each slide beside its notes, in
    order, grouped by block with the time it must end. Readable on screen and printable, unlike PDF annotations.

    `deck_html` is the deck built by marp-cli; from it each slide is shown as it is projected."""
    slide_css, slide_markup = deck_slides_html(deck_html) if deck_html else ("", [])
    slides, previous = [], None
    for index, slide in enumerate(item.slides):
        sub = course.block(slide.block)
        paragraphs = [
            {"texto": " ".join(chunk.split()), "fuente": bool(_SOURCE_LINE_RE.match(chunk))}
            for chunk in re.split(r"\n\s*\n|\n(?=fuentes?\b)", slide.notes, flags=re.I) if chunk.strip()
        ]
        words = count_words(spoken_text(slide.notes))
        slides.append({
            "numero": slide.number, "titulo": slide.title, "minutos": slide.minutes, "parrafos": paragraphs,
            "palabras": words, "minutos_habla": words / wpm,
            "bloque": f"{sub.id} {sub.title}" if sub else "", "hora_fin": sub.end if sub else "",
            "bloque_nuevo": bool(sub) and slide.block != previous,
            "sin_notas_esperado": bool(set(slide.classes) & (_NO_CARD_CLASSES | {"idea-clave"})),
            "vista": slide_markup[index] if index < len(slide_markup) else "",
        })
        previous = slide.block
    env, css = _environment(course)
    presentation = {"titulo": item.deck.title, "id": item.deck.id}
    return env.get_template("partials/guion.html.j2").render(
        curso=course.data, presentacion=presentation, diapositivas=slides, css=css, css_diapositivas=slide_css,
    )


def write_scripts(course: Course, rendered: list[RenderedDeck], dist: Path, wpm: int = DEFAULT_WPM) -> None:
    """dist/instructor/<id>-guion.html for every presentation, with the slides from dist/<id>.html if built."""
    (dist / "instructor").mkdir(parents=True, exist_ok=True)
    for item in rendered:
        if item.deck.kind != "presentacion":
            continue
        html = dist / f"{item.deck.id}.html"
        deck_html = html.read_text(encoding="utf-8") if html.is_file() else None
        script = render_script(course, item, wpm, deck_html)
        (dist / "instructor" / f"{item.deck.id}-guion.html").write_text(script, encoding="utf-8")


def _cards(plan: Rehearsal, count: int = 3) -> list[dict]:
    """Per block, the slides that weigh most (dividers, cover and sources left out; nothing that weighs 0)."""
    cards = []
    for block in plan.blocks:
        weights = [(s, count_words(spoken_text(s.notes)) / block.wpm + s.minutes) for s in block.slides
                   if not set(s.classes) & _NO_CARD_CLASSES]
        heavy = [pair for pair in sorted(weights, key=lambda pair: -pair[1]) if pair[1] > 0][:count]
        if heavy:
            cards.append({"bloque": block, "diapositivas": heavy})
    return cards


def render_report(course: Course, plan: Rehearsal) -> str:
    """The instructor's rehearsal page (dist/instructor/ensayo.html), from partials/ensayo.html.j2."""
    env, css = _environment(course)
    return env.get_template("partials/ensayo.html.j2").render(
        curso=course.data, plan=plan, grafico=bar_chart_svg(plan), css=css, tarjetas=_cards(plan)
    )
