"""`serve`'s preview: an edit is served at once, byte for byte what `build` writes; only its page reloads,
on the same slide; the rest (PDFs, landing page) follows in the background."""

from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.request

import pytest

from marp_build.build import build
from marp_build.serve import RELOAD_SCRIPT, LiveServer

pytestmark = pytest.mark.e2e


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("no ocurrió a tiempo")


class Events(threading.Thread):
    """An open page's event stream."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.received: list[dict] = []

    def run(self) -> None:
        try:
            with urllib.request.urlopen(self.url, timeout=120) as response:
                for raw in response:
                    line = raw.decode("utf-8").strip()
                    if line.startswith("data: "):
                        self.received.append(json.loads(line[6:]))
        except OSError:
            pass

    def pages(self) -> list:
        return [event.get("pagina") for event in self.received]


@pytest.fixture
def live(built_copy, tmp_path, monkeypatch):
    def start(formats=("html",)):
        messages: list[str] = []
        server = LiveServer(built_copy, port=0, formats=formats, say=messages.append)
        server.rebuild()
        server.start()
        watcher = threading.Thread(target=server.watch, daemon=True)
        watcher.start()
        time.sleep(0.5)
        started.append((server, watcher))
        return server, built_copy, messages

    started: list = []
    yield start
    for server, watcher in started:
        server.stop()
        watcher.join(timeout=10)


def edit(root, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_preview_serves_exactly_what_build_writes(live, tmp_path, monkeypatch):
    server, root, messages = live()
    edit(root, "decks/01-prueba.md.j2", "Los tokens de una frase", "Los tokens de esta frase")
    served = wait_for(lambda: (page := fetch(server.url + "01-prueba.html")) and "Los tokens de esta frase" in page
                      and page)
    assert any(m.startswith("vista previa en ") and "01-prueba" in m for m in messages)
    # The same sources built from scratch, with another cache: marp-cli run as a command, nothing reused.
    copy = tmp_path / "aparte"
    shutil.copytree(root, copy, symlinks=True, ignore=shutil.ignore_patterns(".cache", "dist"))
    monkeypatch.setenv("MARP_BUILD_CACHE", str(tmp_path / "otra-cache"))
    monkeypatch.setenv("MARP_CLI", str(root / "node_modules" / ".bin" / "marp"))
    result = build(copy, formats=["html"])
    assert result.converted["html"] == ["01-prueba", "guia-prueba"]
    built = (copy / "dist" / "01-prueba.html").read_text(encoding="utf-8")
    assert served.replace(RELOAD_SCRIPT, "", 1) == built
    # And the background build publishes the same file.
    wait_for(lambda: (root / "dist" / "01-prueba.html").read_text(encoding="utf-8") == built)


def test_only_the_page_that_changed_is_told_to_reload(live):
    server, root, messages = live()
    deck = Events(server.url + "__marp-build/eventos?pagina=/01-prueba.html")
    guide = Events(server.url + "__marp-build/eventos?pagina=/guias/guia-prueba.html")
    deck.start()
    guide.start()
    wait_for(lambda: deck.received and guide.received)
    edit(root, "decks/01-prueba.md.j2", "Los tokens de una frase", "Los tokens de otra frase")
    wait_for(lambda: len(set(deck.pages())) == 2)
    wait_for(lambda: any(m.startswith("dist/ completo en ") for m in messages))
    time.sleep(1.5)  # the background build is published: no second reload for either page
    assert len(set(deck.pages())) == 2
    assert len(set(guide.pages())) == 1 and guide.pages()[0] is not None


def test_the_reload_keeps_the_slide_being_shown(live):
    from marp_build.browser import open_browser

    server, root, _ = live()
    with open_browser() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(server.url + "01-prueba.html#2", wait_until="load")
        shown = "() => document.querySelector('svg.bespoke-marp-active > foreignObject > section').id"
        page.wait_for_function(f"({shown})() === '2'")
        page.wait_for_timeout(500)  # the page's event stream is open
        with page.expect_navigation(timeout=60_000):
            edit(root, "decks/01-prueba.md.j2", "Los tokens de una frase", "Los tokens, ahora en otra frase")
        page.wait_for_load_state("load")
        assert page.evaluate("location.hash") == "#2"
        page.wait_for_function(f"({shown})() === '2'")
        assert "Los tokens, ahora en otra frase" in page.content()


def test_pdfs_follow_in_the_background_after_the_html(live):
    from pypdf import PdfReader

    server, root, messages = live(("html", "pdf"))
    before = len(messages)
    edit(root, "decks/guia-prueba.md.j2", "Ejecuta todo", "Ejecuta cada celda")
    wait_for(lambda: "Ejecuta cada celda" in fetch(server.url + "guias/guia-prueba.html"))
    wait_for(lambda: any(m.startswith("dist/ completo en ") for m in messages[before:]), timeout=120)
    after = messages[before:]
    preview = next(i for i, m in enumerate(after) if m.startswith("vista previa en "))
    complete = next(i for i, m in enumerate(after) if m.startswith("dist/ completo en "))
    assert preview < complete and "1 conversión nueva" in after[complete]  # the PDF; the HTML was there
    text = PdfReader(root / "dist" / "guias" / "guia-prueba.pdf").pages[0].extract_text()
    assert "Ejecuta cada celda" in text
