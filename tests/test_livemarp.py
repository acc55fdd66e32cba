"""The marp-cli kept running in Node (`livemarp`): the same files as the `marp` command, faster."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from marp_build.build import load
from marp_build.doctor import find_browser, find_marp
from marp_build.errors import MarpError
from marp_build.livemarp import LiveMarp
from marp_build.marp import FORMATS, Batch, marp_command, prepare_themes, stage_inputs, start_batches, write_config
from marp_build.render import render_decks

pytestmark = pytest.mark.e2e


@pytest.fixture
def staged(make_course, tmp_path):
    """The minimal course rendered and staged for marp-cli, as the build stages it."""
    root = make_course()
    rendered = render_decks(load(root))
    work = tmp_path / "trabajo"
    themes = prepare_themes(root / "themes", work / "temas")
    config = write_config(work)
    batches = {}
    for name in ("html", "pdf"):
        fmt = FORMATS[name]
        inputs = stage_inputs(work / f"entrada-{name}", {r.deck.id: r.markdown for r in rendered},
                              root / "decks" / "img", embed=fmt.needs_browser)
        batches[name] = Batch(fmt, inputs, work / f"salida-{name}", tuple(r.deck.id for r in rendered))
    return root, work, themes, config, batches


def _command(root: Path, batch: Batch, themes, config, output: Path) -> list[str]:
    cmd = marp_command(find_marp(root), Batch(batch.fmt, batch.input_dir, output, batch.deck_ids), themes, config,
                       find_browser() if batch.fmt.needs_browser else None)
    return cmd


def _run_command(root: Path, cmd: list[str]) -> None:
    subprocess.run(cmd, cwd=root, env=dict(os.environ, CHROME_NO_SANDBOX="1"), stdin=subprocess.DEVNULL,
                   capture_output=True, check=True)


def _our_processes(marker: str) -> list[str]:
    found = subprocess.run(["pgrep", "-af", marker], capture_output=True, text=True, check=False).stdout
    return [line for line in found.splitlines() if "pgrep" not in line]


def test_html_is_byte_for_byte_what_the_marp_command_writes(staged):
    root, work, themes, config, batches = staged
    batch = batches["html"]
    _run_command(root, _command(root, batch, themes, config, work / "orden"))
    # The second converter starts with the theme the first one packed and kept in the course's cache: the
    # files are still the command's, byte for byte.
    for output in ("viva", "otra"):
        live = LiveMarp.start(root, work)
        try:
            code, text = live.run(_command(root, batch, themes, config, work / output)[1:]).result(timeout=120)
        finally:
            live.close()
        assert code == 0, text
        assert list((work / "temas-empaquetados").glob("*.css"))
        for deck in batch.deck_ids:
            assert (work / output / f"{deck}.html").read_bytes() == (work / "orden" / f"{deck}.html").read_bytes()


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="hace falta pdftoppm (poppler-utils) para comparar páginas")
def test_pdf_pages_look_exactly_like_the_marp_commands(staged):
    """The converter prints once fonts and images are loaded instead of after 500 ms of network silence:
    every page must still come out pixel for pixel as the command prints it."""
    from pypdf import PdfReader

    root, work, themes, config, batches = staged
    batch = batches["pdf"]
    _run_command(root, _command(root, batch, themes, config, work / "orden"))
    live = LiveMarp.start(root, work)
    try:
        code, output = live.run(_command(root, batch, themes, config, work / "viva")[1:]).result(timeout=300)
    finally:
        live.close()
    assert code == 0, output
    for deck in batch.deck_ids:
        ours, theirs = work / "viva" / f"{deck}.pdf", work / "orden" / f"{deck}.pdf"
        assert [p.extract_text() for p in PdfReader(ours).pages] == [p.extract_text() for p in PdfReader(theirs).pages]
        images = {}
        for name, pdf in (("viva", ours), ("orden", theirs)):
            folder = work / f"png-{name}-{deck}"
            folder.mkdir()
            subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(folder / "p")], check=True)
            images[name] = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
        assert images["viva"].keys() == images["orden"].keys() and len(images["viva"]) >= 1
        assert images["viva"] == images["orden"], deck


def test_each_batch_gets_its_own_warnings(staged, tmp_path):
    root, work, themes, config, batches = staged
    not_a_theme = tmp_path / "no-es-tema.css"
    not_a_theme.write_text("section { color: red; }\n", encoding="utf-8")
    live = LiveMarp.start(root, work)
    try:
        bad = Batch(FORMATS["html"], batches["html"].input_dir, work / "mala", batches["html"].deck_ids)
        good = Batch(FORMATS["html"], batches["html"].input_dir, work / "buena", batches["html"].deck_ids)
        with pytest.raises(MarpError) as err:
            start_batches(root, [bad], [*themes, not_a_theme], work, converter=live).wait()
        start_batches(root, [good], themes, work, converter=live).wait()  # same process, no stray warning
    finally:
        live.close()
    message = str(err.value)
    assert message.startswith("marp-cli falló al generar HTML (avisos que cambian el resultado: [  WARN ] ")
    assert "no-es-tema.css" in message and "Salida de marp-cli:" in message
    assert all((work / "buena" / f"{d}.html").is_file() for d in good.deck_ids)


def test_pdf_batches_share_one_browser_and_nothing_is_left_behind(staged):
    root, work, themes, config, batches = staged
    live = LiveMarp.start(root, work)
    profiles = live.profiles
    try:
        for output in ("una", "otra"):
            code, text = live.run(_command(root, batches["pdf"], themes, config, work / output)[1:]).result(timeout=300)
            assert code == 0, text
            browsers = [line for line in _our_processes(str(profiles)) if "--type=" not in line and "node" not in line]
            assert len(browsers) == 1, browsers  # the second batch found the first one's Chromium open
    finally:
        live.close()
    assert not profiles.exists()
    deadline = time.monotonic() + 10
    while _our_processes(str(profiles)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _our_processes(str(profiles)) == []


def test_a_converter_that_dies_fails_its_conversions_in_spanish(staged):
    root, work, themes, config, batches = staged
    live = LiveMarp.start(root, work)
    live.ready.wait(timeout=60)
    pending = live.run(_command(root, batches["pdf"], themes, config, work / "nunca")[1:])
    live.terminate()
    code, output = pending.result(timeout=30)
    assert code == 1 and output.startswith("[ ERROR ] Node terminó antes de acabar la conversión")
    assert not live.alive()


def test_no_converter_when_marp_cli_is_given_as_a_command(make_course, tmp_path, monkeypatch):
    monkeypatch.setenv("MARP_CLI", str(tmp_path / "otro-marp"))
    assert LiveMarp.start(make_course(), tmp_path) is None
