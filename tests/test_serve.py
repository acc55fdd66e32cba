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
    macros.write_text(macros.read_text(encoding="utf-8").replace(">Idea clave<", ">Para no olvidar<"), encoding="utf-8")
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


def _status(url: str) -> int:
    import urllib.error

    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


@pytest.mark.parametrize(("broken", "expected"), [
    (("course.yaml", 'revisado: "2026-11-30"', 'revisado: "2026-02-30"'),
     "course.yaml:3: revisado: la fecha '2026-02-30' no existe en el calendario"),
    (("decks/01-prueba.md.j2", "## Los tokens de una frase", "## Los tokens de una frase\n\n{{ extracto(\"ejemplo.csv\", \"2\") }}"),
     "decks/01-prueba.md.j2:15: extracto(): 'desde' debe ser un número entero"),
    (("decks/01-prueba.md.j2", "## Los tokens de una frase", "## Los tokens de una frase\n\n{{ 1 / 0 }}"),
     "decks/01-prueba.md.j2:15: división por cero"),
])
def test_serve_survives_a_bad_save_and_recovers_on_the_fix(live, broken, expected):
    server, root, messages = live
    name, old, new = broken
    path = root / name
    good = path.read_text(encoding="utf-8")
    version = state(server)["version"]
    path.write_text(good.replace(old, new, 1), encoding="utf-8")
    error = wait_for(lambda: state(server)["error"])
    assert expected in error
    assert "Traceback" not in error and not any("Traceback" in m for m in messages)
    # The port stays open and the last good build is still served, with the error overlay script.
    assert _status(server.url + "01-prueba.html") == 200
    path.write_text(good, encoding="utf-8")
    wait_for(lambda: not state(server)["error"] and state(server)["version"] > version)
    assert "Los tokens de una frase" in fetch(server.url + "01-prueba.html")


def test_serve_survives_our_own_bugs(live, monkeypatch):
    server, root, messages = live
    import marp_build.build as build_module

    def broken(*_args, **_kwargs):
        raise RuntimeError("fallo de prueba")

    monkeypatch.setattr(build_module, "build", broken)
    server.rebuild("prueba")
    assert "error interno de marp-build (RuntimeError: fallo de prueba)" in state(server)["error"]
    assert _status(server.url) == 200
    monkeypatch.undo()
    server.rebuild("arreglado")
    assert not state(server)["error"]


@pytest.mark.parametrize("path", ["img/", "%00", "01-prueba.html%00.txt", "a%2F..%2F..%2Fetc%2Fpasswd",
                                  "..%2F..%2Fcourse.yaml", "guias/", "#", "?x=%00", "datos/"])
def test_odd_requests_get_a_404_never_a_listing_or_a_traceback(live, path, capfd):
    server, _, _ = live
    status = _status(server.url + path)
    assert status in (200, 404)
    if status == 200:  # "#" and "?…" are the landing page itself
        assert "Curso mínimo de prueba" in fetch(server.url + path)
    else:
        import urllib.error

        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(server.url + path, timeout=10)
        assert "Directory listing" not in err.value.read().decode("utf-8", "replace")
    assert "Traceback" not in capfd.readouterr().err
    assert _status(server.url + "01-prueba.html") == 200  # still serving
