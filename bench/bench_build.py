"""Benchmark: our build against bare marp-cli doing the same conversions (prints ratios, not a test).

Run with `make bench` (or `.venv/bin/python bench/bench_build.py [--repeticiones N]`). It copies the course to a
temporary folder, so the repository's dist/ and cache are not touched.

Measured on the same rendered Markdown:
  1. full cold build (empty cache, HTML + PDF) vs bare marp-cli: one HTML batch, then one PDF batch;
  2. no-op rebuild (nothing changed): wall time of `marp-build build`, and that no marp-cli process started;
  3. one-deck edit: our rebuild vs bare marp-cli converting that one deck (HTML, then PDF);
  4. peak memory (max RSS) of our own Python process during a full cold build.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from marp_build.build import build, load  # noqa: E402
from marp_build.doctor import find_browser, find_marp  # noqa: E402
from marp_build.marp import _MARP_CONFIG, FORMATS, prepare_themes  # noqa: E402
from marp_build.render import render_decks  # noqa: E402

FORMATS_MEASURED = ("html", "pdf")


def copy_course(dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copy2(REPO / "course.yaml", dest / "course.yaml")
    for folder in ("decks", "partials", "themes", "data_templates"):
        shutil.copytree(REPO / folder, dest / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (dest / "node_modules").symlink_to(REPO / "node_modules")
    return dest


def bare_marp(root: Path, work: Path, deck_ids: list[str] | None = None) -> float:
    """Bare marp-cli on our rendered Markdown: one HTML batch, then one PDF batch, with our flags."""
    import json

    course = load(root)
    rendered = [r for r in render_decks(course) if deck_ids is None or r.deck.id in deck_ids]
    inputs = work / "entrada"
    if inputs.exists():
        shutil.rmtree(inputs)
    inputs.mkdir(parents=True)
    for item in rendered:
        (inputs / f"{item.deck.id}.md").write_text(item.markdown, encoding="utf-8")
    shutil.copytree(root / "decks" / "img", inputs / "img")
    themes = prepare_themes(root / "themes", work / "temas")
    config = work / "marp.config.json"
    config.write_text(json.dumps(_MARP_CONFIG), encoding="utf-8")
    marp, browser = find_marp(root), find_browser()
    env = dict(os.environ, CHROME_NO_SANDBOX="1")
    started = time.perf_counter()
    for fmt in FORMATS_MEASURED:
        cmd = [str(marp), "--no-stdin", "--config-file", str(config), "--html", "--theme-set", *map(str, themes),
               "--input-dir", str(inputs), "--output", str(work / f"salida-{fmt}"), *FORMATS[fmt].flags]
        if FORMATS[fmt].needs_browser:
            cmd += ["--browser-path", str(browser)]
        subprocess.run(cmd, cwd=root, env=env, stdin=subprocess.DEVNULL, capture_output=True, check=True)
    return time.perf_counter() - started


def our_build(root: Path, cache: Path, **kwargs) -> float:
    os.environ["MARP_BUILD_CACHE"] = str(cache)
    started = time.perf_counter()
    build(root, formats=FORMATS_MEASURED, **kwargs)
    return time.perf_counter() - started


def cli_noop(root: Path, cache: Path) -> tuple[float, bool]:
    """Wall time of `marp-build build` with nothing to do (Python start-up included), and whether Node ran."""
    env = dict(os.environ, MARP_BUILD_CACHE=str(cache))
    # A marp-cli that records any start: if the no-op build launched Node, the marker file would appear.
    marker = cache / "marp-arrancado"
    fake = cache / "marp-espia"
    fake.write_text(f"#!/bin/sh\ntouch {marker}\nexec {find_marp(root)} \"$@\"\n")
    fake.chmod(0o755)
    env["MARP_CLI"] = str(fake)
    cmd = [sys.executable, "-m", "marp_build", "build", "--raiz", str(root), "-f", "html", "-f", "pdf"]
    started = time.perf_counter()
    subprocess.run(cmd, env=env, capture_output=True, check=True)
    return time.perf_counter() - started, marker.exists()


def peak_memory(root: Path, cache: Path) -> float:
    """Max RSS (MB) of a fresh Python process running a full cold build (children excluded)."""
    code = (
        "import resource, sys; from pathlib import Path; sys.path.insert(0, %r);"
        "from marp_build.build import build; build(Path(%r), formats=%r, force=True);"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    ) % (str(REPO), str(root), FORMATS_MEASURED)
    env = dict(os.environ, MARP_BUILD_CACHE=str(cache))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def edit_one_deck(root: Path, counter: int) -> str:
    deck = load(root).presentations[-1]
    path = root / deck.template
    text = path.read_text(encoding="utf-8")
    # Inside the slides block (text after {% endblock %} is ignored by Jinja): a note on the last slide.
    head, _, tail = text.rpartition("{% endblock %}")
    path.write_text(f"{head}\n<!-- edición de prueba {counter} -->\n{{% endblock %}}{tail}", encoding="utf-8")
    return deck.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeticiones", type=int, default=3)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-marp-build-") as tmp:
        tmp_path = Path(tmp)
        root = copy_course(tmp_path / "curso")
        bare_full, ours_full, noop, noop_node, bare_one, ours_one = [], [], [], [], [], []
        for i in range(args.repeticiones):
            bare_full.append(bare_marp(root, tmp_path / f"bare-{i}"))
            cache = tmp_path / f"cache-{i}"
            shutil.rmtree(root / "dist", ignore_errors=True)
            ours_full.append(our_build(root, cache))
            seconds, started_node = cli_noop(root, cache)
            noop.append(seconds)
            noop_node.append(started_node)
            deck_id = edit_one_deck(root, i)
            ours_one.append(our_build(root, cache))
            bare_one.append(bare_marp(root, tmp_path / f"bare-uno-{i}", [deck_id]))
        memory = peak_memory(root, tmp_path / "cache-memoria")

    def med(values: list[float]) -> float:
        return statistics.median(values)

    rows = [
        ("Construcción completa en frío (HTML + PDF)", med(ours_full), med(bare_full), "≤ 1,0×"),
        ("Reconstrucción sin cambios (CLI, s)", med(noop), 0.5, "≤ 0,5 s"),
        ("Editar una presentación", med(ours_one), med(bare_one), "≤ 1,3×"),
    ]
    print(f"{'Medida':44} {'nuestro':>9} {'referencia':>11} {'proporción':>11}  objetivo")
    for name, ours, ref, target in rows:
        print(f"{name:44} {ours:8.2f}s {ref:10.2f}s {ours / ref:10.2f}×  {target}")
    print(f"{'Memoria máxima de nuestro proceso':44} {memory:7.0f}MB {150:9d}MB {memory / 150:10.2f}×  ≤ 150 MB")
    print(f"Node o navegador en la reconstrucción sin cambios: {'sí' if any(noop_node) else 'no'}")
    print(f"(mediana de {args.repeticiones} repeticiones; referencia = marp-cli solo, un lote HTML y luego un lote PDF)")


if __name__ == "__main__":
    main()
