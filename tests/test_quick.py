"""The no-op build answered from stamps (`marp_build.quick`): fast, and never wrong about a change."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from marp_build import quick
from marp_build.build import build

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("jinja2", "yaml", "jsonschema", "rich", "typer", "playwright", "pydantic", "marp_build.cli",
         "marp_build.build", "marp_build.render")


def run_entry(*args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """`marp-build …` through the console script's module, and the modules it ended up importing."""
    code = (
        "import json, runpy, sys\n"
        f"sys.argv = ['marp-build', *{list(args)!r}]\n"
        "try:\n    runpy.run_module('marp_build', run_name='__main__')\nexcept SystemExit as done:\n    code = done.code\n"
        "sys.stderr.write('\\nMODULOS ' + json.dumps(sorted(sys.modules)) + '\\n')\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("MARP_BUILD_CACHE", None)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    stderr, _, modules = done.stderr.rpartition("\nMODULOS ")
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout, stderr), json.loads(modules)


@pytest.mark.e2e
def test_nothing_changed_answers_without_importing_anything_heavy(built_copy):
    done, modules = run_entry("build", "--raiz", str(built_copy))
    assert done.returncode == 0
    assert done.stderr.strip() == "· nada cambió: dist/ ya está al día"
    assert done.stdout.startswith("dist/ al día (0,") and done.stdout.endswith(" s)\n")
    assert [m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY] == []


@pytest.mark.e2e
def test_a_change_goes_to_the_full_command_which_builds(built_copy):
    template = built_copy / "decks" / "01-prueba.md.j2"
    template.write_text(template.read_text(encoding="utf-8").replace("Los tokens de una frase", "Tokens de una frase"),
                        encoding="utf-8")
    done, modules = run_entry("build", "--raiz", str(built_copy), "-f", "html")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Listo en ") and "marp_build.build" in modules
    assert "Tokens de una frase" in (built_copy / "dist" / "01-prueba.html").read_text(encoding="utf-8")


@pytest.mark.e2e
def test_an_edit_hidden_by_size_and_time_is_still_seen(built_copy):
    """A second save within the file system's time resolution keeps size and time: its contents are hashed."""
    cache = quick.cache_folder(built_copy)
    dist = built_copy / "dist"
    formats = ["html", "pdf", "notas"]
    assert quick.up_to_date(built_copy, dist, cache, formats)
    recorded = json.loads(quick.inputs_path(cache, built_copy, dist).read_text(encoding="utf-8"))
    template = built_copy / "decks" / "guia-prueba.md.j2"
    before = template.stat()
    text = template.read_text(encoding="utf-8")
    changed = text.replace("Ejecuta todo", "Ejecuta TODO", 1)
    assert changed != text and len(changed.encode()) == len(text.encode())
    template.write_text(changed, encoding="utf-8")
    # Same size, and a time inside the window the build could not tell apart from its own reading.
    os.utime(template, ns=(before.st_atime_ns, recorded["escrito"] - 1_000_000_000))
    recorded["archivos"]["fuente:decks/guia-prueba.md.j2"][1] = template.stat().st_mtime_ns
    quick.inputs_path(cache, built_copy, dist).write_text(json.dumps(recorded), encoding="utf-8")
    assert not quick.up_to_date(built_copy, dist, cache, formats)


@pytest.mark.e2e
def test_no_quick_answer_while_a_build_holds_the_lock(built_copy):
    cache = quick.cache_folder(built_copy)
    assert quick.quick_build(["build", "--raiz", str(built_copy)]) is True
    with open(cache / "construccion.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        assert quick.quick_build(["build", "--raiz", str(built_copy)]) is False  # the full command waits
        fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.mark.e2e
def test_a_build_of_some_decks_is_never_taken_for_a_full_one(built_copy):
    template = built_copy / "decks" / "guia-prueba.md.j2"
    template.write_text(template.read_text(encoding="utf-8").replace("Ejecuta todo", "Ejecuta cada celda"),
                        encoding="utf-8")
    deck = built_copy / "decks" / "01-prueba.md.j2"
    deck.write_text(deck.read_text(encoding="utf-8").replace("Los tokens de una frase", "Tokens, frase"),
                    encoding="utf-8")
    partial = build(built_copy, only=["01-prueba"])
    assert partial.converted == {"html": ["01-prueba"], "pdf": ["01-prueba"], "notas": ["01-prueba"]}
    assert not quick.up_to_date(built_copy, built_copy / "dist", quick.cache_folder(built_copy), ["html", "pdf", "notas"])
    full = build(built_copy)
    assert not full.up_to_date and full.converted == {"html": ["guia-prueba"], "pdf": ["guia-prueba"]}


@pytest.mark.parametrize(("args", "expected"), [
    (["build"], (".", None, ["html", "pdf", "notas"])),
    (["build", "--raiz=curso", "-fhtml", "--formato", "pdf", "-f", "html"], ("curso", None, ["html", "pdf"])),
    (["build", "--root", "curso", "--output", "fuera"], ("curso", "fuera", ["html", "pdf", "notas"])),
    (["build", "--forzar"], None),
    (["build", "--solo", "01-prueba"], None),
    (["build", "-f", "docx"], None),
    (["build", "--help"], None),
    (["build", "--raiz"], None),
    (["check"], None),
    ([], None),
])
def test_only_plain_builds_are_answered_here(args, expected):
    parsed = quick._parse_build(args)
    if expected is None:
        assert parsed is None
    else:
        root, output, formats = expected
        assert parsed == (Path(root), Path(output) if output else None, formats)
