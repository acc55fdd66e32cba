"""Dated facts: every platform fact of the course in one registry (`hechos/*.yaml`), cited from templates.

A fact has a key, the Spanish statement said in class, its source, the date it was checked and, optionally,
the date until which it is known to hold and how often to re-check it. Templates call
`{{ hecho("clave") }}` (inserts the statement) or `{{ fuente("clave") }}` (cites without inserting text);
each call leaves an invisible mark with the template file and line, which rendering turns into a source
line in that slide's speaker notes. Plain files that Jinja does not render (READMEs, code templates) cite
with a comment `<!-- hecho: clave -->` or `# hecho: clave`. From the citations come each deck's sources
slide, the public sources page (dist/fuentes.html), the instructor's re-check list (dist/instructor/hechos.html,
`marp-build hechos`) and the `check` rules against the class date.
"""

from __future__ import annotations

import difflib
import functools
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import jinja2

from marp_build.errors import Issue, SchemaError, TemplateError
from marp_build.load import load_yaml
from marp_build.schema import schema_issues
from marp_build.text import escape_text, note_text

if TYPE_CHECKING:
    from marp_build.findings import Finding
    from marp_build.model import Course, Deck
    from marp_build.render import RenderedDeck

__all__ = [
    "FACTS_DIR", "DEFAULT_INTERVAL", "Fact", "Citation", "FactBook", "load_facts", "register", "book_of",
    "class_date", "status", "citations", "check_facts", "urgency_rows", "render_sources_page",
    "render_facts_page", "short_date", "short_source", "SOURCES_PAGE", "FACTS_PAGE",
]

FACTS_DIR = "hechos"
DEFAULT_INTERVAL = 60
SOURCES_PAGE = "fuentes.html"
FACTS_PAGE = "instructor/hechos.html"
MARK = "\x1f"
_KEY_RE = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")
# A citation in a file Jinja does not render: `<!-- hecho: clave -->` (Markdown) or `# hecho: clave` (code).
PLAIN_CITE_RE = re.compile(r"(?:<!--|#)\s*hecho:\s*([A-Za-z0-9][A-Za-z0-9_.-]*)")
_PLAIN_SUFFIXES = {".md", ".py", ".txt", ".yaml", ".yml", ".ipynb", ".toml", ".cfg"}
_SOURCES_MARK = f"{MARK}fuentes:{MARK}"
_MONTHS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic")
STATES = ("vencido", "por revisar", "al día")


def short_date(day: date) -> str:
    """date(2026, 12, 2) → '2 dic 2026'."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def short_source(source: str) -> str:
    """A source as people read it in notes: the URL without scheme and `www.`, or the repository path."""
    if not source.startswith("https://"):
        return source
    parts = urlsplit(source)
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path.rstrip("/")
    return host + path + (f"#{parts.fragment}" if parts.fragment else "")


@dataclass(frozen=True)
class Fact:
    """One entry of the registry, with the place it is defined (for error messages)."""

    key: str
    statement: str
    source: str
    place: str
    checked: date
    valid_until: date | None
    interval: int | None
    file: str
    line: int

    @property
    def url(self) -> str:
        return self.source if self.source.startswith("https://") else ""

    @property
    def source_text(self) -> str:
        """`short/url («place on the page»)`."""
        return short_source(self.source) + (f" («{self.place}»)" if self.place else "")

    def due(self, default_interval: int) -> date:
        """The date from which the fact needs a fresh look at its source."""
        return self.checked + timedelta(days=self.interval or default_interval)


@dataclass(frozen=True)
class Citation:
    """Where a fact is cited: deck id ('' for plain files), template or file, line."""

    key: str
    file: str
    line: int
    deck: str = ""

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class FactBook:
    """The registry: facts by key, the course's default re-check interval."""

    facts: dict[str, Fact] = field(default_factory=dict)
    default_interval: int = DEFAULT_INTERVAL

    def get(self, key: str) -> Fact:
        """The fact `key`.

        Raises:
            TemplateError: the key is not in the registry (Jinja adds the template line).
        """
        try:
            return self.facts[key]
        except KeyError:
            close = difflib.get_close_matches(key, list(self.facts), n=1)
            hint = f"; ¿quisiste decir '{close[0]}'?" if close else ""
            msg = f"el hecho '{key}' no existe en {FACTS_DIR}/{hint} (agrégalo a un archivo {FACTS_DIR}/*.yaml)"
            raise TemplateError(msg) from None


def _parse_date(text: str, where: Issue, issues: list[Issue]) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        message = f"{where.message}: la fecha '{text}' no existe; escríbela como AAAA-MM-DD"
        issues.append(Issue(where.file, where.line, message, "hechos"))
        return None


# Registries already read in this process, by folder: a build asks for it once per Jinja environment (decks,
# pages, reports), and parsing YAML is the slow part. Reused only while every file has the same bytes.
_LOADED: dict[tuple[str, int], tuple[tuple[tuple[str, bytes], ...], FactBook]] = {}


def load_facts(root: Path, default_interval: int = DEFAULT_INTERVAL) -> FactBook:
    """Read every `hechos/*.yaml` (a course without the folder has an empty registry).

    Raises:
        CourseFileError: a file is not valid YAML.
        SchemaError: every violation of the schema, a malformed key or date, a key defined twice.
    """
    folder = root / FACTS_DIR
    if not folder.is_dir():
        return FactBook(default_interval=default_interval)
    try:
        contents = tuple((path.name, path.read_bytes()) for path in sorted(folder.glob("*.y*ml")))
    except OSError:
        contents = None  # unreadable: the full reading below reports it
    memo = (str(folder.resolve()), default_interval)
    if contents is not None and memo in _LOADED and _LOADED[memo][0] == contents:
        return FactBook(dict(_LOADED[memo][1].facts), default_interval)
    book = _read_facts(folder, default_interval)
    if contents is not None:
        _LOADED[memo] = (contents, book)
    return FactBook(dict(book.facts), default_interval)


def _read_facts(folder: Path, default_interval: int) -> FactBook:
    book = FactBook(default_interval=default_interval)
    issues: list[Issue] = []
    for path in sorted(folder.glob("*.y*ml")):
        display = f"{FACTS_DIR}/{path.name}"
        source = load_yaml(path, display)
        found = schema_issues(source, "facts", display)
        if found:
            issues += found
            continue
        for key, entry in (source.data.get("hechos") or {}).items():
            key = str(key)
            line = source.line_of(("hechos", key))
            if not _KEY_RE.match(key):
                issues.append(Issue(display, line, f"hechos.{key}: la clave solo puede tener minúsculas, números, "
                                    "puntos, guiones y guiones bajos (p. ej. openai.ajuste.cierre)", "hechos"))
                continue
            if key in book.facts:
                first = book.facts[key]
                issues.append(Issue(display, line, f"hechos.{key}: el hecho ya está definido en "
                                    f"{first.file}:{first.line}; deja una sola definición (o cambia una de las claves)",
                                    "hechos"))
                continue
            dates = {}
            for name in ("revisado", "vigente_hasta"):
                if name in entry:
                    at = Issue(display, source.line_of(("hechos", key, name)), f"hechos.{key}.{name}")
                    dates[name] = _parse_date(entry[name], at, issues)
            checked, until = dates["revisado"], dates.get("vigente_hasta")
            if checked is None or ("vigente_hasta" in entry and until is None):
                continue
            book.facts[key] = Fact(key, entry["enunciado"].strip(), entry["fuente"], entry.get("lugar", ""), checked,
                                   until, entry.get("revisar_cada_dias"), display, line)
    if issues:
        raise SchemaError(issues)
    return book


# --- Templates -----------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=512)
def _relative_name(name: str, root: Path) -> str:
    try:
        return Path(name).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return name


@functools.lru_cache(maxsize=512)
def _line_table(debug_info: str) -> tuple[tuple[int, int], ...]:
    """Jinja's (template line, code line) pairs, parsed once per compiled template (Jinja parses per call)."""
    return tuple(tuple(map(int, x.split("="))) for x in debug_info.split("&")) if debug_info else ()  # type: ignore[misc]


def _call_site(root: Path) -> tuple[str, int]:
    """Template file (relative to the course root) and line of the innermost template frame on the stack."""
    frame = sys._getframe(2)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            name = _relative_name(template.filename or template.name or "?", root)
            table = getattr(template, "_debug_info", None)
            if not isinstance(table, str):
                return name, template.get_corresponding_lineno(frame.f_lineno)
            # What `template.get_corresponding_lineno` does, without re-parsing the table on every call.
            return name, next((t for t, code in reversed(_line_table(table)) if code <= frame.f_lineno), 1)
        frame = frame.f_back
    return "?", 1


def _cite_mark(key: str, root: Path) -> str:
    file, line = _call_site(root)
    return f"{MARK}hecho:{key}@{file}:{line}{MARK}"


def register(env: jinja2.Environment, root: Path, default_interval: int = DEFAULT_INTERVAL) -> FactBook:
    """Load the registry and give templates `hecho()`, `fuente()` and `fuentes_citadas()`.

    Raises:
        TemplateError: the registry has problems (one `file:line: …` per line).
    """
    try:
        book = load_facts(root, default_interval)
    except SchemaError as err:
        raise TemplateError(*err.issues) from None
    env.hechos = book  # type: ignore[attr-defined]

    def hecho(clave: str) -> str:
        """The statement of a fact, as said in class; the slide's notes get its source and date."""
        return escape_text(book.get(clave).statement) + _cite_mark(clave, root)

    def fuente(clave: str) -> str:
        """Cite a fact without inserting its text (a table, a paraphrase, a figure)."""
        book.get(clave)
        return _cite_mark(clave, root)

    env.globals.update(hecho=hecho, fuente=fuente, fuentes_citadas=lambda: _SOURCES_MARK)
    return book


def book_of(env: jinja2.Environment) -> FactBook:
    return getattr(env, "hechos", None) or FactBook()


def parse_mark(value: str, deck: str = "") -> Citation:
    """`clave@file:line` (the value of a `hecho` mark) → Citation."""
    key, _, where = value.partition("@")
    file, _, line = where.rpartition(":")
    return Citation(key, file, int(line) if line.isdigit() else 1, deck)


def slide_notes(values: Iterable[str], book: FactBook) -> str:
    """The speaker-note comment listing the source and check date of each fact cited on a slide ('' if none)."""
    lines: list[str] = []
    for value in values:
        fact = book.facts.get(parse_mark(value).key)
        if fact is None:
            continue
        line = note_text(f"Fuente: {fact.source_text} · revisado el {short_date(fact.checked)}")
        if line not in lines:
            lines.append(line)
    return "<!--\n" + "\n".join(lines) + "\n-->" if lines else ""


def _hosts(facts: list[Fact]) -> list[tuple[str, int]]:
    """Distinct source pages grouped by site: [(site, pages)], most cited first."""
    pages: dict[str, set[str]] = {}
    for fact in facts:
        if fact.url:
            parts = urlsplit(fact.url)
            host = (parts.hostname or "").removeprefix("www.")
            if host == "github.com":  # one site per organisation: github.com/openai, github.com/unslothai
                host += "/" + parts.path.strip("/").split("/")[0]
            pages.setdefault(host, set()).add(fact.url.split("#")[0])
        else:
            pages.setdefault("materiales del curso", set()).add(fact.source)
    return sorted(((h, len(p)) for h, p in pages.items()), key=lambda item: (-item[1], item[0]))


def expand_sources(text: str, env: jinja2.Environment, deck: Deck, course_data: dict[str, Any]) -> str:
    """Replace the `fuentes_citadas()` mark by a short summary of what the deck cites and a link to the full list."""
    if _SOURCES_MARK not in text:
        return text
    book = book_of(env)
    keys = list(dict.fromkeys(parse_mark(v).key for v in re.findall(f"{MARK}hecho:([^{MARK}]*){MARK}", text)))
    facts = [book.facts[k] for k in keys if k in book.facts]
    if not facts:
        return text.replace(_SOURCES_MARK, "Esta presentación no cita datos del registro de hechos.")
    dates = sorted(f.checked for f in facts)
    span = (f"el {short_date(dates[0])}" if dates[0] == dates[-1]
            else f"entre el {short_date(dates[0])} y el {short_date(dates[-1])}")
    hosts = _hosts(facts)
    shown = ", ".join(f"{h} ({n})" if n > 1 else h for h, n in hosts[:8])
    if len(hosts) > 8:
        shown += f" y {len(hosts) - 8} más"
    public = (course_data.get("url_publica") or "").rstrip("/")
    relative = ("../" if deck.kind == "guia" else "") + f"{SOURCES_PAGE}#{deck.id}"
    target = f"{public}/{SOURCES_PAGE}#{deck.id}" if public else relative
    body = [
        f"Esta presentación cita **{len(facts)} datos** de plataformas, modelos y casos, revisados {span} "
        f"en **{sum(n for _, n in hosts)} páginas**: {shown}.",
        "",
        f"Cada dato, con su fuente y su fecha: [{SOURCES_PAGE}]({target})",
    ]
    if public:
        import segno

        qr = segno.make(target, error="m").svg_inline(scale=4, title=f"Código QR: {target}", dark="#12263a",
                                                      light="#ffffff", omitsize=True)
        body += ["", f'<div class="fuentes-qr">{qr}</div>']
    return text.replace(_SOURCES_MARK, "\n".join(body))


# --- Citations, class date, check -----------------------------------------------------------------------


def class_date(course: Course, override: str | date | None = None) -> date:
    """The date the facts are checked against: `--fecha`, else `fecha_clase` of course.yaml, else today."""
    if isinstance(override, date):
        return override
    text = override or course.data.get("fecha_clase")
    return date.fromisoformat(text) if text else date.today()


def default_interval(course: Course) -> int:
    return int(course.data.get("revisar_hechos_cada_dias") or DEFAULT_INTERVAL)


def _plain_files(root: Path) -> list[Path]:
    """Files outside the templates that may cite facts in comments: READMEs and the bundled materials."""
    files = [p for p in (root / "decks").rglob("*.md") if p.is_file()] if (root / "decks").is_dir() else []
    data = root / "data_templates"
    if data.is_dir():
        files += [p for p in data.rglob("*") if p.is_file() and p.suffix in _PLAIN_SUFFIXES
                  and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts]
    return sorted(files)


def plain_citations(root: Path) -> list[Citation]:
    """`<!-- hecho: clave -->` / `# hecho: clave` comments in READMEs, code and notebooks."""
    found = []
    for path in _plain_files(root):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        relative = path.relative_to(root).as_posix()
        for number, line in enumerate(text.splitlines(), start=1):
            if path.suffix == ".md":
                line = re.sub(r"`[^`]*`", "", line)  # `<!-- hecho: clave -->` in backticks shows the syntax, cites nothing
            found += [Citation(key, relative, number) for key in PLAIN_CITE_RE.findall(line)]
    return found


def citations(root: Path, rendered: Iterable[RenderedDeck]) -> list[Citation]:
    """Every citation: templates (in slide order, per deck) then plain files."""
    found = []
    for item in rendered:
        for slide in item.slides:
            found += [parse_mark(value, item.deck.id) for value in getattr(slide, "facts", ())]
    return list(dict.fromkeys(found + plain_citations(root)))


def status(fact: Fact, on: date, interval: int = DEFAULT_INTERVAL) -> str:
    """'vencido' (no longer known to hold on that date), 'por revisar' (its check is too old) or 'al día'."""
    if fact.valid_until is not None and fact.valid_until < on:
        return "vencido"
    if fact.due(interval) < on:
        return "por revisar"
    return "al día"


def _places(cites: list[Citation]) -> str:
    return ", ".join(dict.fromkeys(c.where for c in cites))


def check_facts(course: Course, rendered: list[RenderedDeck], fecha: str | date | None = None) -> list[Finding]:
    """The class-date rules: expired cited facts (error), facts due for a re-check (warning), unknown keys in
    plain files (error), facts nothing cites (warning). Unknown keys in templates already fail rendering."""
    from marp_build.findings import Finding

    root = course.root
    try:
        book = load_facts(root, default_interval(course))
    except SchemaError as err:
        return [Finding(i.file or FACTS_DIR, i.line or 1, "error", "hechos", i.message) for i in err.issues]
    on = class_date(course, fecha)
    cited: dict[str, list[Citation]] = {}
    for cite in citations(root, rendered):
        cited.setdefault(cite.key, []).append(cite)
    found = []
    for key, cites in cited.items():
        fact = book.facts.get(key)
        if fact is None:  # only plain files get here: templates fail to render
            close = difflib.get_close_matches(key, list(book.facts), n=1)
            hint = f"; ¿quisiste decir '{close[0]}'?" if close else ""
            for cite in cites:
                found.append(Finding(cite.file, cite.line, "error", "hecho-desconocido",
                                     f"cita el hecho '{key}', que no existe en {FACTS_DIR}/{hint}"))
            continue
        state = status(fact, on, book.default_interval)
        where = _places(cites)
        if state == "vencido":
            found.append(Finding(fact.file, fact.line, "error", "hecho-vencido",
                                 f"el hecho '{key}' solo vale hasta el {fact.valid_until.isoformat()}, antes de la clase "
                                 f"({on.isoformat()}); lo citan {where}; fuente: {fact.source_text}. Compruébalo en la "
                                 "fuente y actualiza el enunciado, las fechas y lo que dicen esas diapositivas"))
        elif state == "por revisar":
            days = fact.interval or book.default_interval
            found.append(Finding(fact.file, fact.line, "warning", "hecho-por-revisar",
                                 f"el hecho '{key}' se revisó el {fact.checked.isoformat()} y toca revisarlo cada {days} "
                                 f"días (desde el {fact.due(book.default_interval).isoformat()}; clase: {on.isoformat()}); "
                                 f"lo citan {where}; fuente: {fact.source_text}. Compruébalo y actualiza 'revisado'"))
    for key, fact in book.facts.items():
        if key not in cited:
            found.append(Finding(fact.file, fact.line, "warning", "hecho-sin-citar",
                                 f"nadie cita el hecho '{key}' (fuente: {fact.source_text}); cítalo con "
                                 f'{{{{ hecho("{key}") }}}} o bórralo del registro'))
    return found


# --- Pages and the re-check list ----------------------------------------------------------------------


@dataclass
class Row:
    """One line of the instructor's re-check list."""

    fact: Fact
    state: str
    due: date
    cites: list[Citation]

    @property
    def places(self) -> list[tuple[str, str]]:
        """Citing places grouped by file: [("decks/02-….md.j2", "69, 89, 118")]."""
        by_file: dict[str, list[str]] = {}
        for cite in self.cites:
            lines = by_file.setdefault(cite.file, [])
            if str(cite.line) not in lines:
                lines.append(str(cite.line))
        return [(file, ", ".join(lines)) for file, lines in by_file.items()]


def urgency_rows(course: Course, rendered: list[RenderedDeck], fecha: str | date | None = None) -> tuple[date, list[Row]]:
    """Every fact with its state at the class date, most urgent first (expired, due, fine; then by date)."""
    book = load_facts(course.root, default_interval(course))
    on = class_date(course, fecha)
    cited: dict[str, list[Citation]] = {}
    for cite in citations(course.root, rendered):
        cited.setdefault(cite.key, []).append(cite)
    rows = []
    for fact in book.facts.values():
        state = status(fact, on, book.default_interval)
        due = fact.valid_until if state == "vencido" else fact.due(book.default_interval)
        if fact.valid_until is not None and fact.valid_until < due:
            due = fact.valid_until
        rows.append(Row(fact, state, due, cited.get(fact.key, [])))
    rows.sort(key=lambda r: (STATES.index(r.state), r.due, r.fact.key))
    return on, rows


def _page_env(course: Course) -> tuple[jinja2.Environment, str]:
    from marp_build.marp import inline_fonts
    from marp_build.render import make_environment

    env = make_environment(course.root)
    env.autoescape = True
    css_path = course.root / "themes" / "landing.css"
    css = inline_fonts(css_path.read_text(encoding="utf-8"), css_path.parent) if css_path.is_file() else ""
    env.filters["fecha_corta"] = short_date
    env.filters["fuente_corta"] = short_source
    return env, css


def render_sources_page(course: Course, rendered: list[RenderedDeck]) -> str:
    """dist/fuentes.html: every cited fact by deck (then the downloadable materials), with source and date."""
    book = load_facts(course.root, default_interval(course))
    groups = []
    for item in rendered:
        keys = list(dict.fromkeys(parse_mark(v).key for s in item.slides for v in getattr(s, "facts", ())))
        facts = [book.facts[k] for k in keys if k in book.facts]
        if facts:
            groups.append({"id": item.deck.id, "titulo": item.deck.title, "hechos": facts})
    plain = list(dict.fromkeys(c.key for c in plain_citations(course.root)))
    facts = [book.facts[k] for k in plain if k in book.facts]
    if facts:
        groups.append({"id": "materiales", "titulo": "Materiales descargables (LEEME, cuadernos y código)", "hechos": facts})
    env, css = _page_env(course)
    return env.get_template("partials/fuentes.html.j2").render(curso=course.data, grupos=groups, css=css)


def render_facts_page(course: Course, rendered: list[RenderedDeck], fecha: str | date | None = None) -> str:
    """dist/instructor/hechos.html: the re-check list, printable."""
    on, rows = urgency_rows(course, rendered, fecha)
    env, css = _page_env(course)
    counts = {state: sum(1 for r in rows if r.state == state) for state in STATES}
    return env.get_template("partials/hechos.html.j2").render(
        curso=course.data, filas=rows, fecha=on, cuentas=counts, intervalo=default_interval(course), css=css
    )


def write_pages(course: Course, rendered: list[RenderedDeck], staging: Path) -> None:
    """Write dist/fuentes.html and dist/instructor/hechos.html (called by the build)."""
    (staging / SOURCES_PAGE).write_text(render_sources_page(course, rendered), encoding="utf-8")
    (staging / FACTS_PAGE).parent.mkdir(parents=True, exist_ok=True)
    (staging / FACTS_PAGE).write_text(render_facts_page(course, rendered), encoding="utf-8")
