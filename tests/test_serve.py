"""`marp-build serve` end to end: real builds, real HTTP, real file-system events."""

from __future__ import annotations

import json
import threading
import time
import urllib.request

import pytest

from marp_build.serve import LiveServer

pytestmark = pytest.mark.e2e


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("no ocurrió a tiempo")


@pytest.fixture
def live(built_copy):
    messages: list[str] = []
    server = LiveServer(built_copy, port=0, say=messages.append)
    server.rebuild()
    server.start()
    watcher = threading.Thread(target=server.watch, daemon=True)
    watcher.start()
    time.sleep(0.5)  # let the watcher register before the tests edit files
    yield server, built_copy, messages
    server.stop()
    watcher.join(timeout=5)
    assert not watcher.is_alive()


def state(server) -> dict:
    return json.loads(fetch(server.url + "__marp-build/estado"))


def test_serves_decks_with_the_reload_script_only_over_http(live):
    server, root, _ = live
    page = fetch(server.url + "01-prueba.html")
    assert "Los tokens de una frase" in page and "EventSource" in page
    assert "EventSource" not in (root / "dist" / "01-prueba.html").read_text(encoding="utf-8")
    assert "Curso mínimo de prueba" in fetch(server.url)


def test_edit_partial_then_break_and_fix_a_template(live):
    server, root, messages = live
    macros = root / "partials" / "macros.md.j2"
    started = time.monotonic()
    macros.write_text(macros.read_text(encoding="utf-8").replace("Para recordar", "Para no olvidar"), encoding="utf-8")
    wait_for(lambda: "Para no olvidar" in fetch(server.url + "01-prueba.html"))
    reload_seconds = time.monotonic() - started
    assert reload_seconds < 15, reload_seconds

    version = state(server)["version"]
    deck = root / "decks" / "01-prueba.md.j2"
    good = deck.read_text(encoding="utf-8")
    deck.write_text(good.replace("{{ m.portada() }}", "{{ m.portada( }}"), encoding="utf-8")
    error = wait_for(lambda: state(server)["error"])
    assert error.startswith("decks/01-prueba.md.j2:5: error de sintaxis de plantilla")
    assert "Para no olvidar" in fetch(server.url + "01-prueba.html")  # the last good build is still served
    assert any(m.startswith("error tras cambió decks/01-prueba.md.j2") for m in messages)

    deck.write_text(good, encoding="utf-8")
    wait_for(lambda: not state(server)["error"] and state(server)["version"] > version)
