"""Stage 5: Marp Markdown → HTML / PDF with marp-cli, one process per output format over all decks.

marp-cli converts the files of one process in parallel and shares one browser between them, so a batch
per format is much cheaper than a process per deck. The formats' processes run at the same time.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from marp_build.doctor import find_browser, find_marp
from marp_build.errors import BrowserNotFoundError, MarpBuildError, MarpError

__all__ = ["Format", "FORMATS", "Batch", "Conversion", "inline_fonts", "prepare_themes", "start_batches", "run_batches", "marp_command", "stage_inputs"]


@dataclass(frozen=True)
class Format:
    """An output of marp-cli: its flags, file suffix and whether it needs a browser."""

    name: str
    suffix: str
    flags: tuple[str, ...]
    needs_browser: bool


FORMATS = {
    "html": Format("html", ".html", ("--bespoke.progress",), False),
    "pdf": Format("pdf", ".pdf", ("--pdf", "--pdf-outlines", "--pdf-outlines.pages=false", "--allow-local-files"), True),
    # Instructor copy: the speaker notes travel as PDF annotations next to each slide.
    "notas": Format("notas", ".pdf", ("--pdf", "--pdf-notes", "--pdf-outlines", "--pdf-outlines.pages=false", "--allow-local-files"), True),
    "pptx": Format("pptx", ".pptx", ("--pptx", "--allow-local-files"), True),
}

# Marp turns emoji into Twemoji images fetched from a CDN; the classroom may be offline.
_MARP_CONFIG = {"options": {"emoji": {"shortcode": False, "unicode": False}}}
# Warnings we cause on purpose: local images in PDFs need --allow-local-files.
_EXPECTED_WARNINGS = ("Insecure local file accessing is enabled",)
_MAX_PARALLEL = 12
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

    def inline(match: re.Match[str]) -> str:
        data = base64.b64encode((base / match.group(1)).read_bytes()).decode("ascii")
        return f'url("data:font/woff2;base64,{data}")'

    return _FONT_URL_RE.sub(inline, css)


def prepare_themes(themes_dir: Path, target: Path) -> list[Path]:
    """Copy the Marp theme CSS files (those with `@theme`) with their fonts inlined as data URIs.

    The HTML must work offline and from any folder, and marp-cli inlines theme CSS into every deck,
    so embedding the fonts makes each deck self-contained.
    """
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for css in sorted(themes_dir.glob("*.css")):
        text = css.read_text(encoding="utf-8")
        if "@theme" not in text:
            continue  # e.g. the landing page's stylesheet: not a Marp theme
        out = target / css.name
        out.write_text(inline_fonts(text, css.parent), encoding="utf-8")
        written.append(out)
    return written


def marp_command(marp: Path, batch: Batch, themes: Sequence[Path], config: Path, browser: Path | None) -> list[str]:
    """The argument list for one marp-cli batch (never a shell string)."""
    cmd = [
        str(marp),
        "--no-stdin",  # marp-cli waits on stdin when it is not a terminal
        "--config-file", str(config),
        "--html",
        "--theme-set", *map(str, themes),
        "--input-dir", str(batch.input_dir),
        "--output", str(batch.output_dir),
        # Every deck of the batch in its own tab at once: measured 4.5 s against 5.3 s with marp-cli's
        # default of 5 for our 8 documents on 2 cores (the browser waits on fonts and layout, not the CPU).
        "--parallel", str(min(max(len(batch.deck_ids), 1), _MAX_PARALLEL)),
        *batch.fmt.flags,
    ]
    if batch.fmt.needs_browser and browser is not None:
        cmd += ["--browser-path", str(browser), "--browser-timeout", "120"]
    return cmd


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


def start_batches(
    root: Path,
    batches: Sequence[Batch],
    themes: Sequence[Path],
    workdir: Path,
    on_done: Callable[[Batch, float], None] | None = None,
) -> Conversion:
    """Start one marp-cli process per batch, all at the same time; `wait()` on the result.

    `on_done(batch, seconds)` is called as each process ends (for progress displays).

    Raises:
        MarpNotFoundError: marp-cli is not installed.
        BrowserNotFoundError: a PDF/PPTX batch and no browser.
    """
    if not batches:
        return Conversion([], None, on_done)
    marp = find_marp(root)
    browser = find_browser() if any(b.fmt.needs_browser for b in batches) else None
    config = workdir / "marp.config.json"
    config.write_text(json.dumps(_MARP_CONFIG), encoding="utf-8")
    env = dict(os.environ)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env["CHROME_NO_SANDBOX"] = "1"  # Chromium refuses to start as root with its sandbox on
    running = []
    for batch in batches:
        batch.output_dir.mkdir(parents=True, exist_ok=True)
        cmd = marp_command(marp, batch, themes, config, browser)
        process = subprocess.Popen(
            cmd, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, encoding="utf-8", errors="replace",
        )
        running.append((batch, cmd, process))
    return Conversion(running, browser, on_done)


def run_batches(
    root: Path,
    batches: Sequence[Batch],
    themes: Sequence[Path],
    workdir: Path,
    on_done: Callable[[Batch, float], None] | None = None,
) -> None:
    """Run one marp-cli process per batch, all at the same time, and check every one (see `start_batches`)."""
    start_batches(root, batches, themes, workdir, on_done).wait()


def stage_inputs(batch_dir: Path, markdown: dict[str, str], images: Path | None) -> Path:
    """Write the decks of one batch, and the images they link, into a fresh input folder."""
    if batch_dir.exists():
        shutil.rmtree(batch_dir)
    batch_dir.mkdir(parents=True)
    for deck_id, text in markdown.items():
        (batch_dir / f"{deck_id}.md").write_text(text, encoding="utf-8")
    if images is not None and images.is_dir():
        from marp_build.diagrams import copy_images

        copy_images(images, batch_dir / images.name)  # with the course font embedded in every SVG
    return batch_dir
