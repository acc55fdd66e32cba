"""`marp-build check`: everything that can go wrong in front of the class, found the night before.

Each finding names the file and line to fix. Slides are measured in a real Chromium at their own size,
so what overflows here overflows on the projector.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from marp_build import design, doctor, facts, measures, wordlist
from marp_build.errors import BrowserNotFoundError, MarpBuildError
from marp_build.findings import Finding
from marp_build.layout import published_names
from marp_build.marp import HTML_ALLOWLIST
from marp_build.model import Course, schedule_issues
from marp_build.quick import cache_folder, digest
from marp_build.rehearse import CUE_TOLERANCE, DEFAULT_WPM, decimal, rehearse
from marp_build.render import DATA_DIR, RenderedDeck, slide_chunks, template_line
from marp_build.sources import outside_links

__all__ = ["Finding", "CheckReport", "run_check"]

_IMAGE_MD_RE = re.compile(r"!\[([^\]]*)\]\(\s*([^)\s]+)[^)]*\)")
_IMAGE_HTML_RE = re.compile(r"<img\b[^>]*>", re.I)
_ATTR_RE = re.compile(r"""(\w[\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_LINK_MD_RE = re.compile(r"(?<!!)\[[^\]]*\]\(\s*([^)\s]+)[^)]*\)")
_AUTOLINK_RE = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_HREF_RE = re.compile(r"""\bhref\s*=\s*["']([^"']+)["']""", re.I)
_CODE_RE = re.compile(r"```.*?```|`[^`\n]*`", re.S)
_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
_CSS_REMOTE_RE = re.compile(r"""(?:@import\s+(?:url\()?|url\()\s*["']?(https?://[^"')\s]+)""", re.I)
_NO_NOTES_CLASSES = {"portada", "divisor", "idea-clave", "fuentes"}
_TAG_RE = re.compile(r"<([A-Za-z][A-Za-z0-9]*)(?=[\s/>])")
_FILE_URL_RE = re.compile(r"""file:[^\s"')<>]*""", re.I)
# Content may reach into the bottom padding, but not the strip where the footer and page number sit.
_FOOTER_STRIP = 44
_RIGHT_TOLERANCE = 4


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    decks: int = 0
    slides: int = 0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    def to_json(self) -> str:
        data = {
            "hallazgos": [asdict(f) for f in self.findings],
            "errores": len(self.errors),
            "avisos": len(self.warnings),
            "presentaciones": self.decks,
            "diapositivas": self.slides,
            "segundos": round(self.seconds, 2),
        }
        return json.dumps(data, ensure_ascii=False, indent=2)


def _findings(err: MarpBuildError, fallback_file: str = "course.yaml") -> list[Finding]:
    """The records a pipeline error carries, as findings (no message is read back)."""
    return [Finding(i.file or fallback_file, i.line or 0, "error", i.code or err.code, i.message) for i in err.issues]


def _check_timing(course: Course) -> list[Finding]:
    return [Finding(i.file, i.line or 0, "error", i.code, i.message) for i in schedule_issues(course)]


def _check_contacts(course: Course) -> list[Finding]:
    """Support contacts that are examples (a 555 number, an example domain) must not reach attendees."""
    contact = course.data["soporte"]["contacto"]
    return [Finding("course.yaml", course.source.line_of(("soporte", "contacto", key)), "warning", "contacto",
                    f"soporte.contacto.{key} «{contact[key]}» {why}: pon el contacto real en course.yaml antes de "
                    "publicar (mientras tanto la página de descargas muestra un aviso en su lugar)")
            for key, why in course.data["contactos_de_ejemplo"].items()]


def _check_agenda(course: Course, rendered: list[RenderedDeck]) -> list[Finding]:
    """Each presentation opens every subsection of its sections, in the order of course.yaml."""
    found = []
    for item in rendered:
        deck = item.deck
        if deck.kind != "presentacion":
            continue
        blocks = [b for b in course.blocks if b.section in deck.section_ids]
        expected = [b.id for b in blocks]
        dividers = [s.block for s in item.slides if "divisor" in s.classes and s.block and
                    any(s.title == b.title for b in blocks)]
        if dividers != expected:
            missing = [x for x in expected if x not in dividers]
            what = (f"le faltan los divisores de {', '.join(missing)}" if missing
                    else f"abre las subsecciones en otro orden ({', '.join(dividers)})")
            found.append(Finding(deck.template, 1, "error", "agenda",
                                 f"la presentación {deck.id} no sigue la agenda de course.yaml: {what}; "
                                 "usa {{ m.divisor(...) }} para cada subsección, en orden"))
    return found


def _check_links_images_notes(course: Course, rendered: list[RenderedDeck]) -> list[Finding]:
    found = []
    dist_names = published_names(course, rendered)
    root = course.root
    for item in rendered:
        for slide, chunk in zip(item.slides, slide_chunks(item)):
            visible = _CODE_RE.sub("", _COMMENT_RE.sub("", chunk))
            images = [(alt, src) for alt, src in _IMAGE_MD_RE.findall(visible)]
            for tag in _IMAGE_HTML_RE.findall(visible):
                attrs = {k.lower(): a or b for k, a, b in _ATTR_RE.findall(tag)}
                images.append((attrs.get("alt", ""), attrs.get("src", "")))
            for alt, src in images:
                alt_text = re.sub(r"\b(?:w|h|width|height):\S+|\b(?:bg|fit|contain|cover|left|right)\b", "", alt).strip()
                line = template_line(root, slide, src)
                if src.startswith(("http://", "https://", "//")):
                    found.append(Finding(slide.source, line, "error", "imagen-remota",
                                         f"la imagen {src} se descarga de internet y no se verá sin conexión; "
                                         f"guárdala en decks/img/ y enlázala como img/…"))
                elif src.lower().startswith("file:") or _leaves(root, src):
                    found.append(Finding(slide.source, line, "error", "fuera-del-proyecto",
                                         f"la imagen {src} apunta fuera del proyecto; las diapositivas solo usan "
                                         "imágenes de decks/img/ (enlázalas como img/…)"))
                elif not src.startswith("data:") and not (root / "decks" / src).is_file():
                    found.append(Finding(slide.source, line, "error", "imagen-falta",
                                         f"la imagen {src} no existe; revisa el nombre o agrega el archivo a decks/img/"))
                if not alt_text:
                    found.append(Finding(slide.source, line, "error", "imagen-sin-alt",
                                         f"la imagen {src} no tiene texto alternativo; describe lo que muestra: "
                                         f"![Descripción de la imagen]({src})"))
            links = _LINK_MD_RE.findall(visible) + _AUTOLINK_RE.findall(visible) + _HREF_RE.findall(visible)
            # A guide's HTML lives in dist/guias/: its relative links start there.
            base = "guias/" if item.deck.kind == "guia" else ""
            for url in links:
                line = template_line(root, slide, url)
                found += _check_link(url, slide.source, line, dist_names, base)
            for tag in dict.fromkeys(t.lower() for t in _TAG_RE.findall(visible)):
                if tag not in HTML_ALLOWLIST:
                    found.append(Finding(slide.source, template_line(root, slide, f"<{tag}"), "error",
                                         "etiqueta-no-permitida",
                                         f"<{tag}> no está permitida en las diapositivas (se vería como texto y podría "
                                         "leer archivos); usa Markdown, una imagen de decks/img/ o un enlace https"))
            for local in dict.fromkeys(_FILE_URL_RE.findall(visible)):
                found.append(Finding(slide.source, template_line(root, slide, local), "error", "fuera-del-proyecto",
                                     f"{local} apunta a un archivo de esta computadora; usa un archivo del curso "
                                     "(decks/img/, data_templates/) o un enlace https"))
            for remote in _CSS_REMOTE_RE.findall(visible):
                found.append(Finding(slide.source, template_line(root, slide, remote), "error", "recurso-remoto",
                                     f"{remote} se pide a internet al abrir la presentación; sin conexión no "
                                     "cargará: usa un archivo local"))
            content = item.deck.kind == "presentacion" and not (set(slide.classes) & _NO_NOTES_CLASSES)
            if content and slide.title != "Agenda del curso" and not slide.notes.strip():
                found.append(Finding(slide.source, slide.line, "warning", "sin-notas",
                                     f"la diapositiva {slide.number} («{slide.title or 'sin título'}») de {item.deck.id} "
                                     "no tiene notas del orador; agrega <!-- qué decir, ejemplo, tiempo, fuentes -->"))
    return found


def _leaves(root: Path, src: str) -> bool:
    """A relative path that, followed from decks/, ends outside the project."""
    if urlsplit(src).scheme or src.startswith("//"):
        return False
    return not (root / "decks" / src).resolve().is_relative_to(root.resolve())


def _check_link(url: str, file: str, line: int, dist_names: set[str], base: str = "") -> list[Finding]:
    if url.startswith(("mailto:", "tel:", "#")):
        return []
    if url.lower().startswith("file:"):
        return []  # reported once per slide as fuera-del-proyecto
    parts = urlsplit(url)
    if parts.scheme == "http":
        return [Finding(file, line, "error", "enlace-http",
                        f"el enlace {url} usa http; usa https (los navegadores lo marcan como inseguro)")]
    if parts.scheme == "https":
        host = parts.hostname or ""
        if "." not in host or " " in url or not re.fullmatch(r"[A-Za-z0-9.-]+", host):
            return [Finding(file, line, "error", "enlace-mal-formado",
                            f"el enlace {url} no es una dirección válida; revisa que sea https://dominio/ruta")]
        return []
    if parts.scheme:
        return [Finding(file, line, "error", "enlace-mal-formado",
                        f"el enlace {url} usa «{parts.scheme}:»; usa https:// o una ruta del curso")]
    import posixpath

    target = posixpath.normpath(base + parts.path) if parts.path else ""
    if target and target not in dist_names:
        return [Finding(file, line, "error", "enlace-roto",
                        f"el enlace {url} no lleva a ningún archivo de dist/; revisa la ruta "
                        "(p. ej. datos/chat/retail_entrenamiento.jsonl o guias/….pdf)")]
    return []


def _check_rehearsal(course: Course, rendered: list[RenderedDeck], wpm: int) -> list[Finding]:
    found = []
    plan = rehearse(course, rendered, wpm)
    for block in plan.blocks:
        if block.late:
            found.append(Finding(block.source, block.line, "warning", "bloque-largo",
                                 f"el bloque {block.id} «{block.title}» se estima en {decimal(block.estimate)} min y "
                                 f"tiene {block.budget}; acorta las notas o las actividades (ver marp-build rehearse)"))
        found += _check_cues(block, wpm)
    if plan.estimate > plan.budget:
        found.append(Finding("course.yaml", course.source.line_of(("duracion_minutos",)), "error", "curso-largo",
                             f"el curso se estima en {plan.estimate:.0f} min y dura {plan.budget}; recorta contenido "
                             "(ver marp-build rehearse)"))
    return found


def _check_cues(block, wpm: int) -> list[Finding]:
    """The notes' own cues ("≈2 min") must fit the block and agree with the word-count estimate."""
    found = []
    cues, estimate = block.cue_minutes, block.cued_estimate
    where = f"bloque {block.id} «{block.title}»"
    if cues > block.budget + 1e-9:
        found.append(Finding(block.source, block.line, "error", "indicaciones",
                             f"las indicaciones de tiempo de las notas («≈… min») del {where} suman {decimal(cues)} min "
                             f"y el bloque tiene {block.budget}; quita o acorta diapositivas, o corrige las indicaciones"))
    if estimate and abs(cues - estimate) > CUE_TOLERANCE * estimate:
        slides = ", ".join(f"{s.number} «{s.title or 'sin título'}» (≈{decimal(cue)} / {decimal(est)} min)"
                           for s, cue, est in block.cue_disagreements()[:6])
        found.append(Finding(block.source, block.line, "warning", "indicaciones",
                             f"en el {where} las indicaciones suman {decimal(cues)} min y las notas se estiman en "
                             f"{decimal(estimate)} min a {wpm} palabras por minuto ({round((cues / estimate - 1) * 100):+d} %); "
                             f"no coinciden en las diapositivas {slides}: ajusta la indicación o el largo de la nota"))
    return found


def _check_data(root: Path) -> list[Finding]:
    """Bundled datasets: the catalog follows its schema and matches the files; every file validates."""
    found: list[Finding] = []
    data_dir = root / DATA_DIR
    if not data_dir.is_dir():
        return found
    from marp_build.bundle import load_catalog

    try:
        catalog = load_catalog(root)
    except MarpBuildError as err:
        return [Finding(f.file, f.line, f.level, "catalogo", f.message) for f in _findings(err, f"{DATA_DIR}/catalogo.yaml")]
    catalog_path = f"{DATA_DIR}/catalogo.yaml"
    listed = set()
    spreadsheets = set()  # spreadsheet CSVs are converted to JSONL before use, not validated as classifiers
    for entry in catalog:
        if entry.get("formato") == "csv-hoja":
            spreadsheets |= set(entry.get("archivos", {}).values())
        for role, relative in entry.get("archivos", {}).items():
            listed.add(relative)
            path = data_dir / relative
            if not path.is_file():
                found.append(Finding(catalog_path, 1, "error", "catalogo",
                                     f"{entry.get('id')}: el archivo {relative} no existe; corrige la ruta o agrégalo"))
                continue
            expected = entry.get("filas", {}).get(role)
            if expected is not None and path.suffix in (".jsonl", ".csv"):
                with path.open(encoding="utf-8", errors="replace") as handle:
                    rows = sum(1 for line in handle if line.strip()) - (1 if path.suffix == ".csv" else 0)
                if rows != expected:
                    found.append(Finding(catalog_path, 1, "error", "catalogo",
                                         f"{entry.get('id')}: {relative} tiene {rows} ejemplos y el catálogo dice "
                                         f"{expected}; actualiza filas.{role}"))
    try:
        from datacheck import validate_path
    except ImportError:  # the validator ships separately; without it only the catalog is checked
        return found
    for path in sorted(data_dir.rglob("*")):
        relative = path.relative_to(data_dir).as_posix()
        if path.suffix not in (".jsonl", ".csv") or relative.startswith("codigo/"):
            continue
        if relative in spreadsheets:
            continue
        if catalog and relative not in listed:
            found.append(Finding(f"{DATA_DIR}/{relative}", 1, "warning", "catalogo",
                                 f"el archivo no está en {catalog_path}; agrégalo para que aparezca en la página"))
        report = validate_path(path)
        for f in report.findings:
            if f.level == "error":
                found.append(Finding(f"{DATA_DIR}/{relative}", f.line or 1, "error", "datos", f.message))
    return found


def _check_environment(root: Path) -> list[Finding]:
    return [
        Finding("(entorno)", 0, "error", "entorno", f"{f.name}: {f.detail}" + (f"; instálalo con `{f.fix}`" if f.fix else ""))
        for f in doctor.diagnose(root) if not f.ok
    ]


def _check_in_browser(course: Course, rendered: list[RenderedDeck]) -> list[Finding]:
    """Measure every slide and diagram, and look for requests to the network, in Chromium.

    A build that printed the PDFs measured the slides and diagrams already (measures.py): they are read, and
    Chromium is opened only for what nobody measured (after an edit, the decks that changed), on the HTML
    of a build into the cache (its conversions cached when unchanged).
    """
    from concurrent.futures import ThreadPoolExecutor
    from contextlib import ExitStack
    from tempfile import TemporaryDirectory

    from marp_build.browser import _MEASURE_JS, SlideMeter, open_browser
    from marp_build.build import build, printed_measure_keys
    from marp_build.diagrams import copy_images
    from marp_build.layout import IMAGES_DIR, output_name
    from marp_build.marp import FORMATS

    root = course.root
    work = cache_folder(root)
    memo = measures.memo_folder(root)
    memo.mkdir(parents=True, exist_ok=True)
    printed = printed_measure_keys(root, rendered)
    found = []
    with ExitStack() as stack:
        browsers: list = []  # Chromium starts only if something needs measuring
        built: list[Path] = []  # the HTML build, made only if a deck needs measuring

        def get_browser():
            if not browsers:
                browsers.append(stack.enter_context(open_browser()))
            return browsers[0]

        def html_build() -> Path:
            if not built:
                dist = work / "revision"
                with ThreadPoolExecutor(max_workers=1) as pool:  # Chromium opens while the HTML is built
                    done = pool.submit(build, root, dist, ["html"])
                    try:
                        get_browser()
                    finally:
                        done.result()
                built.append(dist)
            return built[0]

        meter = None
        used: set[str] = set()
        images = root / "decks" / IMAGES_DIR
        svgs = Path(stack.enter_context(TemporaryDirectory(prefix="diagramas-", dir=work)))
        if images.is_dir():
            copy_images(images, svgs)  # as published: the course font embedded
        diagram_found, diagrams = design.diagram_findings(get_browser, svgs, memo, used)  # design rules
        found += diagram_found
        for item in rendered:
            key = memo / f"{printed.get(item.deck.id, '-')}.json"
            measured = measures.read_slides(key) if item.deck.id in printed else None
            if measured is None:  # nobody printed this version: measure its HTML
                html = html_build() / output_name(item.deck, FORMATS["html"])
                width, height = (794, 1123) if item.deck.kind == "guia" else (1280, 720)
                key = memo / f"{digest(html.read_bytes(), _MEASURE_JS, f'{width}x{height}')}.json"
                measured = measures.read_slides(key)
                if measured is None:
                    meter = meter or SlideMeter(get_browser())
                    measured = meter.measure(html, width, height)
                    measures.write_slides(key, *measured)
            used.add(key.name)
            boxes, blocked = measured
            found += _slide_findings(course, item, boxes, blocked)
            found += design.slide_findings(course, item, boxes, diagrams)  # type scale, words, layout
        if meter is not None:
            meter.close()
    for url in _landing_requests(course, work):
        found.append(Finding("partials/landing.html.j2", 1, "error", "sin-conexion",
                             f"la página de descargas pide {url} a internet; usa solo archivos locales"))
    for stale in memo.glob("*.json"):
        if stale.name not in used:
            stale.unlink(missing_ok=True)
    return found


class _Loads(HTMLParser):
    """The URLs a static page makes the browser fetch on opening: sources, stylesheets, icons, CSS url()."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        for name in ("src", "poster", "data", "background"):
            if values.get(name):
                self.urls.append(values[name].strip())
        if values.get("srcset"):
            self.urls += [part.split()[0] for part in values["srcset"].split(",") if part.strip()]
        if tag == "link" and values.get("href") and values.get("rel", "").lower() not in ("alternate", "canonical"):
            self.urls.append(values["href"].strip())
        if values.get("style"):
            self.urls += _css_urls(values["style"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.urls += _css_urls(data)


_CSS_URL_RE = re.compile(r"""url\(\s*["']?([^"')\s]+)|@import\s+["']([^"']+)""", re.I)


def _css_urls(css: str) -> list[str]:
    return [a or b for a, b in _CSS_URL_RE.findall(css)]


def _landing_requests(course: Course, work: Path) -> list[str]:
    """The URLs outside the computer that the landing page fetches on opening. It has no scripts (the
    build would not publish them), so what it fetches is what its markup and its CSS name."""
    from tempfile import TemporaryDirectory

    from marp_build.bundle import LandingInfo, render_landing

    work.mkdir(parents=True, exist_ok=True)
    with TemporaryDirectory(prefix="pagina-", dir=work) as tmp:
        page = render_landing(course, LandingInfo(), Path(tmp) / "index.html").read_text(encoding="utf-8")
    parser = _Loads()
    parser.feed(page)
    return [u for u in dict.fromkeys(parser.urls) if urlsplit(u).scheme.lower() not in ("", "data", "blob", "about")]


def _slide_findings(course: Course, item: RenderedDeck, boxes, blocked: list[str]) -> list[Finding]:
    """Overflow, clipped content, blank images and remote requests of one measured deck."""
    found = []
    for url in dict.fromkeys(blocked):
        found.append(Finding(item.deck.template, 1, "error", "sin-conexion",
                             f"{item.deck.id}.html pide {url} a internet; en un aula sin conexión fallará"))
    for slide, box in zip(item.slides, boxes):
        where = f"la diapositiva {slide.number} («{slide.title or 'sin título'}») de {item.deck.id}"
        problems = []
        if box.bottom > box.height - _FOOTER_STRIP:
            problems.append(f"se sale por abajo ({box.bottom - (box.height - _FOOTER_STRIP):.0f} px)")
        if box.right > box.width - box.padding_right / 2 + _RIGHT_TOLERANCE:
            problems.append(f"se sale por la derecha ({box.right - box.width + box.padding_right / 2:.0f} px)")
        if box.clipped:
            problems.append(f"tiene contenido cortado dentro de {', '.join(sorted(set(box.clipped)))}")
        for src in box.empty_images:
            found.append(Finding(slide.source, template_line(course.root, slide, src), "error", "imagen-vacia",
                                 f"{where}: la imagen {src} se ve en blanco (tamaño cero o archivo ilegible); "
                                 "dale width y height al SVG o revisa el archivo"))
        if problems:
            found.append(Finding(slide.source, slide.line, "error", "desborde",
                                 f"{where} {' y '.join(problems)}; divídela en dos o acorta el texto"))
    return found


def run_check(root: Path, *, browser: bool = True, wpm: int = DEFAULT_WPM, fecha: str | None = None) -> CheckReport:
    """Run every check on the course at `root`; never raises for problems in the course, it reports them."""
    from marp_build.build import load
    from marp_build.render import render_decks

    started = time.perf_counter()
    report = CheckReport()
    root = root.resolve()
    report.findings += _check_environment(root)
    links = outside_links(root)
    if links:
        report.findings += [Finding(p.file, 0, "error", "enlace-simbolico", p.message) for p in links]
        report.seconds = time.perf_counter() - started
        return report
    try:
        course = load(root)
    except MarpBuildError as err:
        report.findings += _findings(err)
        report.seconds = time.perf_counter() - started
        return report
    report.findings += _check_timing(course) + _check_contacts(course)
    try:
        rendered = render_decks(course)
    except MarpBuildError as err:
        report.findings += _findings(err)
        report.seconds = time.perf_counter() - started
        return report
    report.decks = len(rendered)
    report.slides = sum(len(r.slides) for r in rendered)
    report.findings += _check_agenda(course, rendered)
    report.findings += design.static_findings(course, rendered)  # dividers back to back
    report.findings += _check_links_images_notes(course, rendered)
    report.findings += _check_rehearsal(course, rendered, wpm)
    report.findings += wordlist.scan(root, rendered)
    report.findings += _check_data(root)
    report.findings += facts.check_facts(course, rendered, fecha)  # dated facts against the class date
    if browser and not any(f.code in ("imagen-falta",) for f in report.findings):
        try:
            report.findings += _check_in_browser(course, rendered)
        except BrowserNotFoundError as err:
            report.findings.append(Finding("(entorno)", 0, "error", "entorno", str(err)))
        except MarpBuildError as err:
            report.findings += _findings(err, "(conversión)")[:1]
    report.findings.sort(key=lambda f: (f.level != "error", f.file, f.line, f.code))
    report.seconds = time.perf_counter() - started
    return report
