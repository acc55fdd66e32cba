"""Stage 5: Marp Markdown → HTML / PDF with marp-cli, one process per output format over all decks.

marp-cli converts the files of one process in parallel and shares one browser between them, so a batch
per format is much cheaper than a process per deck. The formats' processes run at the same time.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from marp_build.doctor import find_browser, find_marp
from marp_build.errors import BrowserNotFoundError, BundleError, MarpBuildError, MarpError, RemoteRequestError

__all__ = ["Format", "FORMATS", "Batch", "Conversion", "inline_fonts", "prepare_themes", "start_batches", "marp_command",
           "finish_html", "presenter_script", "stage_inputs", "write_config", "warm_up_browser", "image_data_uri"]


@dataclass(frozen=True)
class Format:
    """An output of marp-cli: its flags, file suffix and whether it needs a browser."""

    name: str
    suffix: str
    flags: tuple[str, ...]
    needs_browser: bool


FORMATS = {
    "html": Format("html", ".html", ("--bespoke.progress",), False),
    # No --allow-local-files: the browser that prints PDFs must not read local files (a template's
    # <iframe src="file:///…"> would put that file on a page). Images reach it embedded (`stage_inputs`).
    "pdf": Format("pdf", ".pdf", ("--pdf", "--pdf-outlines", "--pdf-outlines.pages=false"), True),
    # Instructor copy: the speaker notes travel as PDF annotations next to each slide.
    "notas": Format("notas", ".pdf", ("--pdf", "--pdf-notes", "--pdf-outlines", "--pdf-outlines.pages=false"), True),
    "pptx": Format("pptx", ".pptx", ("--pptx",), True),
}

_SVG_ATTRS = [
    "class", "style", "id", "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx",
    "ry", "d", "points", "fill", "stroke", "stroke-width", "stroke-dasharray", "stroke-linecap",
    "stroke-linejoin", "opacity", "fill-opacity", "transform", "font-size", "font-weight", "font-family",
    "font-style", "text-anchor", "dominant-baseline", "dx", "dy", "role", "aria-label", "aria-hidden",
    "xmlns", "marker-end", "marker-start", "markerWidth", "markerHeight", "refX", "refY", "orient",
    "preserveAspectRatio", "offset", "stop-color", "gradientUnits", "letter-spacing",
]
# Raw HTML in the decks is limited to what the course's templates use (marp-core's allowlist: tag →
# attributes); anything else, such as <iframe>, <object>, <script> or <link>, is written out as text.
HTML_ALLOWLIST = {
    "div": ["class", "style", "aria-label", "aria-hidden", "role"],
    "span": ["class", "style", "aria-label", "aria-hidden", "role"],
    "p": ["class", "style"],
    "ul": ["class"], "ol": ["class", "start"], "li": ["class"],
    "strong": [], "em": [], "b": ["class"], "i": ["class"], "code": ["class"], "br": [], "small": [], "sub": [], "sup": [],
    "mark": [], "kbd": [], "h3": ["class"], "h4": ["class"],
    "table": ["class", "style"], "thead": [], "tbody": [], "tr": ["class", "style"],
    "th": ["class", "style", "colspan", "rowspan"], "td": ["class", "style", "colspan", "rowspan"],
    "img": ["src", "alt", "width", "height", "class", "style"],
    "figure": ["class"], "figcaption": ["class"], "details": [], "summary": [],
    **{tag: _SVG_ATTRS for tag in (
        "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "title",
        "desc", "defs", "marker", "linearGradient", "stop", "use", "clipPath",
    )},
}
# Marp turns emoji into Twemoji images fetched from a CDN; the classroom may be offline.
_MARP_CONFIG = {"html": HTML_ALLOWLIST, "options": {"emoji": {"shortcode": False, "unicode": False}}}
_EXPECTED_WARNINGS: tuple[str, ...] = ()
_LOCAL_FILE_WARNING = "detected accessing to local file"
_IMAGE_MD = r"!\[([^\]]*)\]\((img/[^)\s\"']+)\)"
_IMAGE_MD_RE = re.compile(_IMAGE_MD)
# The same, alone in its paragraph (a blank line before and after).
_IMAGE_LINE_RE = re.compile(rf"(?<=\n\n)[ \t]*{_IMAGE_MD}[ \t]*(?=\n[ \t]*(?:\n|\Z)|\Z)")
_IMAGE_SRC_RE = re.compile(r"""(\bsrc=["'])(img/[^"'\s]+)(["'])""")
_MIME = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
         ".gif": "image/gif", ".webp": "image/webp"}
_MAX_PARALLEL = 12
BROWSER_TIMEOUT = 120  # seconds for each browser operation (marp-cli's default, 30, is short on a busy laptop)
_WARN_RE = re.compile(r"^\s*\[\s*(WARN|ERROR)\s*\]\s*(.*)$")
_FONT_URL_RE = re.compile(r"""url\(\s*["']?(fonts/[^"')]+)["']?\s*\)""")


@dataclass
class Batch:
    """Decks to convert to one format: Markdown files in `input_dir`, outputs into `output_dir`."""

    fmt: Format
    input_dir: Path
    output_dir: Path
    deck_ids: tuple[str, ...]


def inline_fonts(css: str, base: Path) -> str:
    """Replace `url("fonts/…")` in CSS by data URIs of the font files next to it (offline, any folder)."""

    folder = base.resolve()

    def inline(match: re.Match[str]) -> str:
        path = (folder / match.group(1)).resolve()
        if not path.is_relative_to(folder):
            raise BundleError(f"{base.name}/: la fuente {match.group(1)} está fuera de la carpeta del tema; "
                              "copia el archivo a themes/fonts/")
        try:
            data = base64.b64encode(path.read_bytes()).decode("ascii")
        except OSError as err:
            raise BundleError(f"{base.name}/{match.group(1)}: no se puede leer la fuente ({err.strerror}); "
                              "restaura el archivo o corrige url(…) en la hoja de estilo") from err
        return f'url("data:font/woff2;base64,{data}")'

    return _FONT_URL_RE.sub(inline, css)


def page_css(root: Path) -> str:
    """The stylesheet of every HTML page we write (landing, rehearsal, script), fonts embedded.

    Raises:
        BundleError: themes/landing.css is missing or unreadable, or a font it names is.
    """
    path = root / "themes" / "landing.css"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        why = err.strerror if isinstance(err, OSError) else "no es UTF-8"
        raise BundleError(f"themes/landing.css: no se pudo leer ({why}); restaura el archivo") from err
    return inline_fonts(text, path.parent)


def prepare_themes(themes_dir: Path, target: Path) -> list[Path]:
    """Copy the Marp theme CSS files (those with `@theme`) with their fonts inlined as data URIs.

    The HTML must work offline and from any folder, and marp-cli inlines theme CSS into every deck,
    so embedding the fonts makes each deck self-contained.
    """
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for css in sorted(themes_dir.glob("*.css")):
        try:
            text = css.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise BundleError(f"themes/{css.name}: no se puede leer como texto UTF-8 ({err}); restaura el archivo") from err
        if "@theme" not in text:
            continue  # e.g. the landing page's stylesheet: not a Marp theme
        out = target / css.name
        out.write_text(inline_fonts(text, css.parent), encoding="utf-8")
        written.append(out)
    return written


def marp_command(marp: Path, batch: Batch, themes: Sequence[Path], config: Path, browser: Path | None,
                 deck_id: str | None = None) -> list[str]:
    """The argument list for one marp-cli batch (never a shell string); with `deck_id`, for that deck alone."""
    cmd = [
        str(marp),
        "--no-stdin",  # marp-cli waits on stdin when it is not a terminal
        "--config-file", str(config),  # holds the HTML allowlist: no --html, which would allow every tag
        "--theme-set", *map(str, themes),
    ]
    if deck_id is None:
        cmd += [
            "--input-dir", str(batch.input_dir),
            "--output", str(batch.output_dir),
            # Every deck of the batch in its own tab at once: measured 4.5 s against 5.3 s with marp-cli's
            # default of 5 for our 8 documents on 2 cores (the browser waits on fonts and layout, not the CPU).
            "--parallel", str(min(max(len(batch.deck_ids), 1), _MAX_PARALLEL)),
        ]
    else:
        cmd += ["--output", str(batch.output_dir / f"{deck_id}{batch.fmt.suffix}")]
    cmd += batch.fmt.flags
    if batch.fmt.needs_browser and browser is not None:
        cmd += _browser_flags(browser)
    if deck_id is not None:
        cmd += ["--", str(batch.input_dir / f"{deck_id}.md")]
    return cmd


def _browser_flags(browser: Path) -> list[str]:
    return ["--browser-path", str(browser), "--browser-timeout", str(BROWSER_TIMEOUT)]


def warm_up_browser(converter) -> None:
    """Have a running converter open its browser now, so that the PDF batches sent later find Chromium
    already started (the converter's batches share it). Nothing waits for it; without a browser it does
    nothing (the batches report that)."""
    try:
        browser = find_browser()
    except MarpBuildError:
        return
    converter.open_browser(browser, BROWSER_TIMEOUT)


def _problems(output: str) -> list[str]:
    """marp-cli's warnings do not change its exit code (a missing image, an unknown theme): read them."""
    found = []
    # marp-cli wraps long messages onto indented continuation lines: join them back.
    joined: list[str] = []
    for line in output.splitlines():
        if joined and line.startswith("          ") and not _WARN_RE.match(line):
            joined[-1] += " " + line.strip()
        else:
            joined.append(line)
    for line in joined:
        match = _WARN_RE.match(line)
        if match and not any(expected in match.group(2) for expected in _EXPECTED_WARNINGS):
            found.append(line.strip())
    return found


class Conversion:
    """marp-cli processes running in the background; `wait()` collects and checks them.

    Starting them early lets the build assemble the rest of dist/ (data, zip, reports) while Node and the
    browser work.
    """

    def __init__(self, running, browser: Path | None, on_done: Callable[[Batch, float], None] | None):
        self.running = running
        self.browser = browser
        started = time.perf_counter()

        def wait(item: tuple[Batch, list[str], subprocess.Popen[str]]) -> tuple[str, str]:
            batch, _, process = item
            output = process.communicate()
            if on_done is not None:
                on_done(batch, time.perf_counter() - started)
            return output

        # One thread per process: each reports its end as soon as it happens, not in start order.
        self.pool = ThreadPoolExecutor(max_workers=max(len(running), 1))
        self.futures = [self.pool.submit(wait, item) for item in running]

    def terminate(self) -> None:
        """Stop every process still running, with the browsers they started (each runs in its own group)."""
        import signal

        for _batch, _cmd, process in self.running:
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except (ProcessLookupError, PermissionError, AttributeError):
                    process.terminate()
        for _batch, _cmd, process in self.running:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError, AttributeError):
                    process.kill()
        self.pool.shutdown(wait=False, cancel_futures=True)

    def wait(self) -> None:
        """Block until every process ends.

        Raises:
            BrowserNotFoundError: marp-cli could not open the browser (exit code 2).
            MarpError: marp-cli failed or warned; the message shows the command and its output.
        """
        outputs = [future.result() for future in self.futures]
        self.pool.shutdown()
        errors: list[MarpBuildError] = []
        for (batch, cmd, process), (stdout, stderr) in zip(self.running, outputs):
            done = subprocess.CompletedProcess(cmd, process.returncode, stdout, stderr)
            problems = _problems(stdout + "\n" + stderr)
            missing = [d for d in batch.deck_ids if not (batch.output_dir / f"{d}{batch.fmt.suffix}").is_file()]
            if process.returncode == 2 and batch.fmt.needs_browser:
                errors.append(BrowserNotFoundError(
                    f"marp-cli no pudo abrir el navegador {self.browser} para generar {batch.fmt.name.upper()}; "
                    "instala Chromium con `sudo apt-get install -y chromium` o indica otro en CHROME_PATH"))
            elif getattr(process, "blocked", None):
                errors.append(RemoteRequestError(process.blocked, batch.fmt.name))
            elif any(_LOCAL_FILE_WARNING in problem for problem in problems):
                errors.append(MarpError.from_process(cmd, done, (
                    f"una diapositiva intenta leer archivos de esta computadora al generar {batch.fmt.name.upper()} "
                    "(marp-cli lo bloquea: no se publica nada); `marp-build check` dice en qué plantilla y línea")))
            elif process.returncode != 0 or problems or missing:
                why = f"marp-cli falló al generar {batch.fmt.name.upper()}"
                if problems:
                    why += " (avisos que cambian el resultado: " + "; ".join(problems) + ")"
                if missing:
                    why += " (no generó: " + ", ".join(missing) + ")"
                errors.append(MarpError.from_process(cmd, done, why))
        if len(errors) == 1:
            raise errors[0]
        if errors:
            raise MarpError("\n\n".join(str(e) for e in errors))


class _LiveRun:
    """A batch sent to a running converter (`livemarp.LiveMarp`), a request per deck, seen as the process it
    replaces: it ends when every deck's request has ended."""

    def __init__(self, converter, futures: dict[str, Future]):
        self.converter = converter
        self.decks = futures  # deck id → its request
        self.futures = list(futures.values())
        self.pid = converter.pid
        self.returncode: int | None = None

    def communicate(self) -> tuple[str, str]:
        results = [future.result() for future in self.futures]
        self.returncode = max((code for code, _ in results), default=0)
        return "", "\n".join(output for _, output in results)

    def poll(self) -> int | None:
        return self.returncode if all(f.done() for f in self.futures) else None

    @property
    def blocked(self) -> dict[str, list[str]]:
        """{deck id: URLs its printed page asked the network for} (refused by the converter's browser)."""
        return {deck: f.blocked for deck, f in self.decks.items() if f.done() and getattr(f, "blocked", None)}

    def wait(self, timeout: float | None = None) -> int | None:
        return self.converter.process.wait(timeout=timeout)

    def terminate(self) -> None:
        self.converter.terminate()

    kill = terminate


def start_batches(
    root: Path,
    batches: Sequence[Batch],
    themes: Sequence[Path],
    workdir: Path,
    on_done: Callable[[Batch, float], None] | None = None,
    converter=None,
    measure: Callable[[Batch, str], tuple[str, Path] | None] | None = None,
) -> Conversion:
    """Start one marp-cli process per batch, all at the same time; `wait()` on the result.

    With `converter` (a running `livemarp.LiveMarp`) the batches go to it instead of new processes: the
    same arguments, run by the same marp-cli code, without starting Node again, one request per deck,
    largest first (the browser gets the longest print first, while Node renders the rest).
    `measure(batch, deck_id)`: (JavaScript function, JSON file) to measure that deck's printed page with,
    or None (only with a converter).
    `on_done(batch, seconds)` is called as each batch ends (for progress displays).

    Raises:
        MarpNotFoundError: marp-cli is not installed.
        BrowserNotFoundError: a PDF/PPTX batch and no browser.
    """
    if not batches:
        return Conversion([], None, on_done)
    marp = find_marp(root)
    browser = find_browser() if any(b.fmt.needs_browser for b in batches) else None
    config = write_config(workdir)
    env = dict(os.environ)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env["CHROME_NO_SANDBOX"] = "1"  # Chromium refuses to start as root with its sandbox on
    running = []
    for batch in batches:
        batch.output_dir.mkdir(parents=True, exist_ok=True)
        cmd = marp_command(marp, batch, themes, config, browser)
        if converter is not None and converter.alive():
            decks = sorted(batch.deck_ids, key=lambda d: -(batch.input_dir / f"{d}.md").stat().st_size)
            futures = {d: converter.run(marp_command(marp, batch, themes, config, browser, d)[1:],
                                        measure(batch, d) if measure is not None else None) for d in decks}
            running.append((batch, cmd, _LiveRun(converter, futures)))
            continue
        process = subprocess.Popen(
            cmd, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, encoding="utf-8", errors="replace",
            start_new_session=os.name == "posix",  # its own process group: `terminate` stops its browser too
        )
        running.append((batch, cmd, process))
    return Conversion(running, browser, on_done)


def write_config(workdir: Path) -> Path:
    """marp-cli's configuration file (HTML allowlist, no emoji images), written only when it changes."""
    config = workdir / "marp.config.json"
    text = json.dumps(_MARP_CONFIG)
    try:
        if config.read_text(encoding="utf-8") == text:
            return config
    except OSError:
        pass
    workdir.mkdir(parents=True, exist_ok=True)
    temporary = workdir / f"marp.config.json.{os.getpid()}.tmp"
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, config)  # never half-written for a conversion reading it at the same time
    return config


def presenter_script() -> str:
    """The script every built deck gets in its <head>: Spanish controls, 24-hour clock (static/controles-es.js)."""
    return (Path(__file__).with_name("static") / "controles-es.js").read_text(encoding="utf-8")


def finish_html(path: Path) -> None:
    """Add `presenter_script` to a deck marp-cli wrote (before Marp's own scripts run)."""
    text = path.read_text(encoding="utf-8")
    if "</head>" in text:
        text = text.replace("</head>", f"<script>\n{presenter_script()}</script>\n</head>", 1)
        path.write_text(text, encoding="utf-8")


def image_data_uri(path: Path) -> str | None:
    """An image file as the data: URL the printed Markdown carries (None for a type we do not embed)."""
    mime = _MIME.get(path.suffix.lower())
    return None if mime is None else f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def embed_images(markdown: str, images: Path) -> str:
    """Replace links to `img/…` by the images themselves, as data URIs.

    The browser that prints PDFs cannot read local files (no --allow-local-files), so what a slide shows must
    travel inside the Markdown. Markdown's image syntax refuses SVG data URIs, hence a plain <img>, which is
    what Marp writes for an image without size keywords anyway.
    """
    base = images.resolve()

    def data_uri(ref: str) -> str | None:
        path = (base.parent / ref).resolve()
        if not path.is_relative_to(base) or not path.is_file():
            return None  # left as it is: `check` and the build report missing or foreign images
        return image_data_uri(path)

    def markdown_image(match: re.Match[str]) -> str:
        uri = data_uri(match.group(2))
        if uri is None:
            return match.group(0)
        alt = html.escape(html.unescape(match.group(1)), quote=True)
        return f'<img src="{uri}" alt="{alt}">'

    def standalone_image(match: re.Match[str]) -> str:
        # Alone on its line, Markdown puts an image in a paragraph; a bare <img> there would be an HTML block
        # without one, and the printed slide would lose the paragraph's margins (8 px in a guide).
        image = markdown_image(match)
        return image if image == match.group(0) else f"<p>{image}</p>"

    def html_image(match: re.Match[str]) -> str:
        uri = data_uri(match.group(2))
        return match.group(0) if uri is None else f"{match.group(1)}{uri}{match.group(3)}"

    markdown = _IMAGE_LINE_RE.sub(standalone_image, markdown)
    return _IMAGE_SRC_RE.sub(html_image, _IMAGE_MD_RE.sub(markdown_image, markdown))


def stage_inputs(batch_dir: Path, markdown: dict[str, str], images: Path | None, embed: bool = False) -> Path:
    """Write the decks of one batch into a fresh input folder: with the images they link copied beside
    them (HTML links them), or embedded in the Markdown (`embed`, for formats a browser prints)."""
    if batch_dir.exists():
        shutil.rmtree(batch_dir)
    batch_dir.mkdir(parents=True)
    has_images = images is not None and images.is_dir()
    if has_images and embed:
        from marp_build.diagrams import copy_images

        copy_images(images, batch_dir / images.name)  # with the course font embedded in every SVG
    for deck_id, text in markdown.items():
        if embed and has_images:
            text = embed_images(text, batch_dir / images.name)
        (batch_dir / f"{deck_id}.md").write_text(text, encoding="utf-8")
    return batch_dir
