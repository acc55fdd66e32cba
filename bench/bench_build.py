"""Benchmark: marp-build against bare marp-cli doing the same conversions (prints ratios; not a test).

Run with `make bench` (or `.venv/bin/python bench/bench_build.py [--repeticiones N] [--ediciones N]`). It copies
the course to a temporary folder, so the repository's dist/ and cache are not touched.

Both sides get the same rendered Markdown (for PDF, with the images embedded, as we give it to marp-cli),
the same flags (`marp.marp_command`: configuration file with the HTML allowlist, themes, --parallel,
--browser-path) and the same browser. Our side is timed as a user runs it: the `marp-build` command in a new
process (Python's start-up and imports included). Each figure is the median of several runs, ours and
marp-cli's alternating, so a busy machine slows both alike; the load average is printed with the table.

Rows:
  1. serve: from saving a deck template (one slide's text) to the new HTML being served and the open page
     told to reload; reference: marp-cli's own server (`marp --server`) converting that deck on request;
  2. cold full build, HTML + PDF (empty cache) vs marp-cli: one HTML batch, then one PDF batch;
  3. one deck edited, HTML + PDF vs marp-cli converting that deck (HTML, then PDF);
  4. no-op build (nothing changed): `marp-build build`, against Python starting and doing nothing;
  5. cold `check` after a build (check itself has measured nothing; the build measured the slides and
     diagrams while printing them, see marp_build/measures.py) vs marp-cli's HTML batch; also with an empty
     cache (check builds the HTML and measures everything in its own Chromium), for information;
  6. peak memory (max RSS) of our own Python process during a cold full build (Node and Chromium apart).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from marp_build.build import load  # noqa: E402
from marp_build.doctor import find_browser, find_marp  # noqa: E402
from marp_build.marp import _MARP_CONFIG, FORMATS, Batch, marp_command, prepare_themes, stage_inputs  # noqa: E402
from marp_build.render import render_decks  # noqa: E402

FORMATS_MEASURED = ("html", "pdf")
EDITED_MARK = "Edición de prueba"


def copy_course(dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copy2(REPO / "course.yaml", dest / "course.yaml")
    for folder in ("decks", "partials", "themes", "data_templates", "hechos"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, dest / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (dest / "node_modules").symlink_to(REPO / "node_modules")
    return dest


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), **extra)
    env.pop("MARP_BUILD_DEPURAR", None)
    return env


# --- bare marp-cli --------------------------------------------------------------------------------------


def stage_bare(root: Path, work: Path, deck_ids: list[str] | None = None) -> dict[str, Batch]:
    """Our rendered Markdown staged as we stage it for marp-cli (PDF input with images embedded)."""
    rendered = [r for r in render_decks(load(root)) if deck_ids is None or r.deck.id in deck_ids]
    images = root / "decks" / "img"
    batches = {}
    for name in FORMATS_MEASURED:
        fmt = FORMATS[name]
        inputs = stage_inputs(work / f"entrada-{name}", {r.deck.id: r.markdown for r in rendered},
                              images if images.is_dir() else None, embed=fmt.needs_browser)
        batches[name] = Batch(fmt, inputs, work / f"salida-{name}", tuple(r.deck.id for r in rendered))
    return batches


def bare_marp(root: Path, work: Path, deck_ids: list[str] | None = None,
              formats: tuple[str, ...] = FORMATS_MEASURED) -> float:
    """marp-cli alone, a new process per format, one after the other: the same flags as ours."""
    batches = stage_bare(root, work, deck_ids)
    themes = prepare_themes(root / "themes", work / "temas")
    config = work / "marp.config.json"
    config.write_text(json.dumps(_MARP_CONFIG), encoding="utf-8")
    marp, browser = find_marp(root), find_browser()
    env = dict(os.environ, CHROME_NO_SANDBOX="1")
    started = time.perf_counter()
    for name in formats:
        batch = batches[name]
        shutil.rmtree(batch.output_dir, ignore_errors=True)
        cmd = marp_command(marp, batch, themes, config, browser)
        subprocess.run(cmd, cwd=root, env=env, stdin=subprocess.DEVNULL, capture_output=True, check=True)
    seconds = time.perf_counter() - started
    for name in formats:  # it really converted everything
        missing = [d for d in batches[name].deck_ids
                   if not (batches[name].output_dir / f"{d}{FORMATS[name].suffix}").is_file()]
        assert not missing, (name, missing)
    return seconds


# --- our command line -----------------------------------------------------------------------------------


def cli(root: Path, *args: str, cache: Path, check: bool = True) -> float:
    """Wall time of `marp-build …` in a new process, as a user runs it."""
    cmd = [sys.executable, "-m", "marp_build", *args, "--raiz", str(root)]
    started = time.perf_counter()
    done = subprocess.run(cmd, env=_env(MARP_BUILD_CACHE=str(cache)), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} falló ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    if not check and "documentos" not in done.stdout:
        raise RuntimeError(f"{' '.join(args)} no terminó:\n{done.stdout}\n{done.stderr}")
    return seconds


def build_args() -> list[str]:
    return ["build", *(a for f in FORMATS_MEASURED for a in ("-f", f))]


def noop(root: Path, cache: Path, spy_dir: Path) -> tuple[float, bool]:
    """`marp-build build` with nothing to do, and whether it started Node (a `node` on PATH that says so)."""
    spy_dir.mkdir(exist_ok=True)
    marker = spy_dir / "node-arrancado"
    real_node = shutil.which("node")
    spy = spy_dir / "node"
    spy.write_text(f"#!/bin/sh\ntouch {marker}\nexec {real_node} \"$@\"\n")
    spy.chmod(0o755)
    env = _env(MARP_BUILD_CACHE=str(cache), PATH=f"{spy_dir}:{os.environ['PATH']}")
    cmd = [sys.executable, "-m", "marp_build", *build_args(), "--raiz", str(root)]
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    assert done.returncode == 0 and "al día" in done.stdout, done.stdout + done.stderr
    return seconds, marker.exists()


def python_start() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - started


def peak_memory(root: Path, cache: Path) -> float:
    """Max RSS (MB) of a fresh `marp-build build` process doing a cold build (its children excluded)."""
    code = (
        f"import resource, runpy, sys; sys.argv = ['marp-build', *{build_args()!r}, '--raiz', {str(root)!r}]\n"
        "try:\n    runpy.run_module('marp_build', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], env=_env(MARP_BUILD_CACHE=str(cache)), capture_output=True,
                          text=True, check=True)
    return int(done.stderr.strip().splitlines()[-1]) / 1024


# --- editing --------------------------------------------------------------------------------------------


def edited_deck(root: Path) -> tuple[str, Path]:
    deck = [d for d in load(root).decks if d.kind == "presentacion"][-1]
    return deck.id, root / deck.template


def edit_slide_text(path: Path, counter: int) -> str:
    """Change one slide's visible text (its first `## ` heading): what an instructor does the night before."""
    text = path.read_text(encoding="utf-8")
    new = f"{EDITED_MARK} {counter}"
    changed, n = re.subn(r"^(## )(.*)$", lambda m: f"{m.group(1)}{new}", text, count=1, flags=re.M)
    assert n == 1, path
    path.write_text(changed, encoding="utf-8")
    return new


# --- serve ----------------------------------------------------------------------------------------------


class EventClient(threading.Thread):
    """An open page's Server-Sent Events connection: records when it was told to reload."""

    def __init__(self, base: str, page: str):
        super().__init__(daemon=True)
        self.base, self.page = base, page
        self.events: list[tuple[float, dict]] = []
        self.lock = threading.Condition()

    def run(self) -> None:
        for url in (f"{self.base}__marp-build/eventos?pagina=/{self.page}", f"{self.base}__marp-build/eventos"):
            try:
                response = urllib.request.urlopen(url, timeout=600)
            except OSError:
                continue  # an older server: events without a page
            for raw in response:
                line = raw.decode("utf-8").strip()
                if line.startswith("data: "):
                    with self.lock:
                        self.events.append((time.perf_counter(), json.loads(line[6:])))
                        self.lock.notify_all()
            return

    def told_to_reload_after(self, since: float, timeout: float = 120) -> float:
        """Time of the first event after `since` that makes the page reload (its content, or the version)."""
        deadline = time.perf_counter() + timeout
        with self.lock:
            while True:
                before = [e for t, e in self.events if t < since]
                key = "pagina" if before and "pagina" in before[-1] else "version"
                last = before[-1].get(key) if before else None
                for t, event in self.events:
                    if t >= since and not event.get("error") and event.get(key) != last:
                        return t
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise TimeoutError("la página no recibió el aviso de recarga")
                self.lock.wait(timeout=left)


def serve_latency(root: Path, cache: Path, edits: int) -> list[float]:
    """Save → new HTML served and the page told to reload, for `edits` edits of one slide's text."""
    from marp_build.serve import LiveServer

    os.environ["MARP_BUILD_CACHE"] = str(cache)
    server = LiveServer(root, port=0)
    server.rebuild()
    server.start()
    watcher = threading.Thread(target=server.watch, daemon=True)
    watcher.start()
    deck_id, template = edited_deck(root)
    client = EventClient(server.url, f"{deck_id}.html")
    client.start()
    time.sleep(1.5)  # the watcher and the page are listening
    seconds = []
    try:
        for i in range(edits):
            started = time.perf_counter()
            text = edit_slide_text(template, 1000 + i)
            told = client.told_to_reload_after(started)
            with urllib.request.urlopen(f"{server.url}{deck_id}.html", timeout=60) as response:
                assert text in response.read().decode("utf-8"), "la página servida no tiene la edición"
            seconds.append(told - started)
            _wait_quiet(root / "dist" / f"{deck_id}.html", text)
    finally:
        server.stop()
        watcher.join(timeout=30)
        os.environ.pop("MARP_BUILD_CACHE", None)
    return seconds


def _wait_quiet(published: Path, text: str, timeout: float = 120) -> None:
    """Let the background build publish the edit before the next one (an instructor reads what they wrote)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if text in published.read_text(encoding="utf-8"):
                break
        except OSError:
            pass
        time.sleep(0.1)
    time.sleep(0.5)


def bare_server_latency(root: Path, work: Path, edits: int) -> list[float]:
    """marp-cli's own server: save the deck's Markdown, then request it (it converts on request)."""
    deck_id, template = edited_deck(root)
    batches = stage_bare(root, work, [deck_id])
    folder = batches["html"].input_dir
    themes = prepare_themes(root / "themes", work / "temas")
    config = work / "marp.config.json"
    config.write_text(json.dumps(_MARP_CONFIG), encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    batch = Batch(FORMATS["html"], folder, work / "salida-servidor", (deck_id,))
    cmd = [*marp_command(find_marp(root), batch, themes, config, None), "--server"]
    cmd.remove("--output")
    cmd.remove(str(batch.output_dir))
    process = subprocess.Popen(cmd, cwd=root, env=dict(os.environ, PORT=str(port)), stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://localhost:{port}/{deck_id}.md"
    seconds = []
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(url, timeout=60).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        source = folder / f"{deck_id}.md"
        original = source.read_text(encoding="utf-8")
        for i in range(edits):
            new = f"{EDITED_MARK} {2000 + i}"
            started = time.perf_counter()
            source.write_text(re.sub(r"^## .*$", f"## {new}", original, count=1, flags=re.M), encoding="utf-8")
            with urllib.request.urlopen(url, timeout=60) as response:
                assert new in response.read().decode("utf-8")
            seconds.append(time.perf_counter() - started)
            time.sleep(0.3)
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)
    return seconds


# --- main -----------------------------------------------------------------------------------------------


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeticiones", type=int, default=3, help="repeticiones de cada construcción")
    parser.add_argument("--ediciones", type=int, default=10, help="ediciones medidas con serve")
    parser.add_argument("--sin-serve", action="store_true", help="omite la medida de serve")
    parser.add_argument("--sin-check", action="store_true", help="omite las medidas de check")
    args = parser.parse_args()
    def med(values: list[float]) -> float:
        return statistics.median(values) if values else float("nan")

    loads = [load_average()]
    with tempfile.TemporaryDirectory(prefix="bench-marp-build-") as tmp:
        tmp_path = Path(tmp)
        root = copy_course(tmp_path / "curso")
        deck_id, template = edited_deck(root)
        bare_full, ours_full, bare_one, ours_one, noops, starts, bare_html = [], [], [], [], [], [], []
        check_cold, check_fresh, node_in_noop = [], [], []
        for i in range(args.repeticiones):
            cache = tmp_path / f"cache-{i}"
            shutil.rmtree(root / "dist", ignore_errors=True)
            shutil.rmtree(root / ".cache", ignore_errors=True)
            bare_full.append(bare_marp(root, tmp_path / f"bare-{i}"))
            ours_full.append(cli(root, *build_args(), cache=cache))
            seconds, node = noop(root, cache, tmp_path / "espia")
            noops.append(seconds)
            node_in_noop.append(node)
            starts.append(python_start())
            bare_html.append(bare_marp(root, tmp_path / f"bare-html-{i}", formats=("html",)))
            # check right after that build: its cache holds only what the build wrote (the conversions, and
            # the measurements taken while printing); check has measured nothing yet
            shutil.rmtree(root / ".cache", ignore_errors=True)
            if not args.sin_check:
                check_cold.append(cli(root, "check", cache=cache, check=False))
            edit_slide_text(template, i)
            ours_one.append(cli(root, *build_args(), cache=cache))
            bare_one.append(bare_marp(root, tmp_path / f"bare-uno-{i}", [deck_id]))
            # check with nothing at all: no conversion cached, nothing measured
            shutil.rmtree(root / ".cache", ignore_errors=True)
            if not args.sin_check:
                check_fresh.append(cli(root, "check", cache=tmp_path / f"cache-vacia-{i}", check=False))
        loads.append(load_average())
        memory = peak_memory(root, tmp_path / "cache-memoria")
        serve = bare_serve = [float("nan")]
        if not args.sin_serve:
            serve = serve_latency(root, tmp_path / "cache-serve", args.ediciones)
            bare_serve = bare_server_latency(root, tmp_path / "bare-servidor", args.ediciones)
        loads.append(load_average())

    rows = [
        ("serve: guardar → HTML nuevo servido y página avisada", med(serve), med(bare_serve), "≤ 0,25 s"),
        ("Construcción completa en frío (HTML + PDF)", med(ours_full), med(bare_full), "≤ 0,75×"),
        ("Una presentación editada (HTML + PDF)", med(ours_one), med(bare_one), "≤ 0,9×"),
        ("Construcción sin cambios (`marp-build build`)", med(noops), med(starts), "≤ 0,15 s"),
        ("`check` en frío tras construir (medido al imprimir)", med(check_cold), med(bare_html), "≤ 1,5×"),
        ("`check` sin nada en la caché", med(check_fresh), med(bare_html), "—"),
    ]
    print(f"{'Medida':54} {'nuestro':>9} {'referencia':>11} {'proporción':>11}  objetivo")
    for name, ours, ref, target in rows:
        print(f"{name:54} {ours:8.2f}s {ref:10.2f}s {ours / ref:10.2f}×  {target}")
    print(f"{'Memoria máxima de nuestro proceso (construcción en frío)':54} {memory:7.0f}MB {150:9d}MB "
          f"{memory / 150:10.2f}×  ≤ 150 MB")
    print()
    print("Referencias: serve → `marp --server` convirtiendo la presentación al pedirla; sin cambios → Python que "
          "arranca y no hace nada; check → marp-cli solo, un lote HTML; el resto → marp-cli solo, un lote HTML y "
          "luego un lote PDF, con nuestras opciones.")
    print(f"Node o navegador en la construcción sin cambios: {'sí' if any(node_in_noop) else 'no'}")
    print(f"serve, cada edición (s): {' '.join(f'{s:.2f}' for s in serve)}")
    print(f"marp --server, cada edición (s): {' '.join(f'{s:.2f}' for s in bare_serve)}")
    print(f"Medianas de {args.repeticiones} repeticiones (construcciones) y {args.ediciones} ediciones (serve). "
          f"Máquina: {os.cpu_count()} núcleos, {platform.processor() or platform.machine()}, Python "
          f"{platform.python_version()}; carga media (1, 5, 15 min) al empezar, tras las construcciones y al "
          f"final: {' | '.join(loads)}")


if __name__ == "__main__":
    main()
