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

from marp_build.model import Course
from marp_build.render import RenderedDeck, Slide

__all__ = [
    "DEFAULT_WPM", "CUE_TOLERANCE", "Block", "decimal", "Rehearsal", "rehearse", "count_words", "spoken_text", "slide_cue",
    "render_report", "render_script", "bar_chart_svg",
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


def bar_chart_svg(plan: Rehearsal) -> str:
    """Budget vs estimate per block, as an SVG drawn here (no chart library, no network)."""
    row, label_w, bar_w = 46, 360, 560
    height = row * len(plan.blocks) + 50
    top = max([b.budget for b in plan.blocks] + [b.estimate for b in plan.blocks] + [1]) * 1.1
    scale = bar_w / top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {label_w + bar_w + 120} {height}" role="img" '
        f'aria-labelledby="grafico-titulo" font-family="Atkinson Hyperlegible Next, DejaVu Sans, sans-serif">',
        '<title id="grafico-titulo">Minutos previstos y estimados por bloque del programa</title>',
    ]
    for i, block in enumerate(plan.blocks):
        y = 10 + i * row
        color = "#1b6e3a" if block.ratio <= 1.0 else "#b34700" if block.ratio <= 1.1 else "#b3261e"
        label = f"{block.id} {block.title}"
        parts.append(f'<text x="0" y="{y + 24}" font-size="17" fill="#14213d">{_xml(label if len(label) <= 38 else label[:37] + "…")}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{block.budget * scale:.1f}" height="28" '
                     'fill="#e8f1fb" stroke="#0b4f8a" stroke-width="2"/>')
        parts.append(f'<rect x="{label_w}" y="{y + 11}" width="{block.estimate * scale:.1f}" height="14" fill="{color}"/>')
        parts.append(f'<text x="{label_w + max(block.budget, block.estimate) * scale + 8:.1f}" y="{y + 24}" '
                     f'font-size="16" fill="#14213d">{block.estimate:.1f} / {block.budget} min</text>')
    y = 10 + len(plan.blocks) * row + 14
    parts.append(f'<rect x="{label_w}" y="{y - 12}" width="24" height="14" fill="#e8f1fb" stroke="#0b4f8a" stroke-width="2"/>'
                 f'<text x="{label_w + 32}" y="{y}" font-size="15" fill="#14213d">minutos del programa</text>'
                 f'<rect x="{label_w + 230}" y="{y - 10}" width="24" height="10" fill="#1b6e3a"/>'
                 f'<text x="{label_w + 262}" y="{y}" font-size="15" fill="#14213d">estimado (notas + actividades)</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_script(course: Course, item: RenderedDeck, wpm: int = DEFAULT_WPM) -> str:
    """The instructor's script of one deck (dist/instructor/<id>-guion.html): every slide's notes, in order,
    grouped by block with the time it must end. Readable on screen and printable, unlike PDF annotations."""
    from marp_build.marp import page_css
    from marp_build.render import make_environment

    slides, previous = [], None
    for slide in item.slides:
        sub = course.block(slide.block)
        paragraphs = [
            {"texto": re.sub(r"[*_`]", "", " ".join(chunk.split())), "fuente": bool(_SOURCE_LINE_RE.match(chunk))}
            for chunk in re.split(r"\n\s*\n|\n(?=fuentes?\b)", slide.notes, flags=re.I) if chunk.strip()
        ]
        words = count_words(spoken_text(slide.notes))
        slides.append({
            "numero": slide.number, "titulo": slide.title, "minutos": slide.minutes, "parrafos": paragraphs,
            "palabras": words, "minutos_habla": words / wpm,
            "bloque": f"{sub.id} {sub.title}" if sub else "", "hora_fin": sub.end if sub else "",
            "bloque_nuevo": bool(sub) and slide.block != previous,
        })
        previous = slide.block
    env = make_environment(course.root)
    env.autoescape = True
    css = page_css(course.root)
    presentation = {"titulo": item.deck.title, "id": item.deck.id}
    return env.get_template("partials/guion.html.j2").render(
        curso=course.data, presentacion=presentation, diapositivas=slides, css=css
    )


def render_report(course: Course, plan: Rehearsal) -> str:
    """The instructor's rehearsal page (dist/instructor/ensayo.html), from partials/ensayo.html.j2."""
    from marp_build.render import make_environment

    env = make_environment(course.root)
    env.autoescape = True
    from marp_build.marp import page_css

    css = page_css(course.root)
    return env.get_template("partials/ensayo.html.j2").render(
        curso=course.data, plan=plan, grafico=bar_chart_svg(plan), css=css
    )
