"""`marp-build serve`: live preview on 127.0.0.1 — edit a template, partial, theme or data file and the
browser reloads.

We watch the sources with watchfiles and rebuild through the normal (incremental) build rather than using
marp-cli's own server: marp-cli would watch the generated Markdown, not the Jinja templates, course.yaml or
the data files the slides quote, and it would skip our checks. A rebuild re-converts only the decks whose
rendered Markdown changed, and pages learn about it through Server-Sent Events (no polling, no network).
"""

from __future__ import annotations

import html
import json
import threading
import time
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from marp_build._console import ISSUES_HINT, debugging
from marp_build.errors import MarpBuildError

__all__ = ["LiveServer", "WATCHED", "RELOAD_SCRIPT"]

WATCHED = ("course.yaml", "decks", "partials", "themes", "data_templates")
_EVENTS_PATH = "/__marp-build/eventos"
_STATE_PATH = "/__marp-build/estado"
# Injected into served HTML only (never written to dist/): reload on a new build, show build errors.
RELOAD_SCRIPT = """
<script>
(() => {
  const box = document.createElement('div');
  box.setAttribute('role', 'alert');
  box.style.cssText = 'position:fixed;left:0;right:0;bottom:0;z-index:99999;background:#b3261e;color:#fff;'
    + 'font:16px/1.4 monospace;padding:12px 16px;white-space:pre-wrap;display:none';
  document.addEventListener('DOMContentLoaded', () => document.body.appendChild(box));
  let version = null;
  const events = new EventSource('%s');
  events.onmessage = (event) => {
    const state = JSON.parse(event.data);
    if (state.error) { box.textContent = 'Error al construir:\\n' + state.error; box.style.display = 'block'; return; }
    box.style.display = 'none';
    if (version !== null && state.version !== version) location.reload();
    version = state.version;
  };
})();
</script>
""" % _EVENTS_PATH


class _State:
    """The latest build outcome, shared between the watcher thread and request threads."""

    def __init__(self) -> None:
        self.version = 0
        self.error = ""
        self.changed = threading.Condition()

    def publish(self, error: str = "") -> None:
        with self.changed:
            if not error:
                self.version += 1
            self.error = error
            self.changed.notify_all()

    def snapshot(self) -> dict:
        return {"version": self.version, "error": self.error}


class _Handler(SimpleHTTPRequestHandler):
    state: _State
    stopping: threading.Event

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass  # the terminal shows builds, not every request

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        # Whatever a browser (or anyone on this machine) sends, the answer is a page or a 404: never a
        # directory listing, never a traceback in the terminal, never a closed server.
        try:
            if not self._acceptable():
                self._not_found()
                return
            self._get()
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception:  # noqa: BLE001 - a request must not take the server down
            try:
                self._not_found()
            except OSError:
                pass

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
        try:
            if not self._acceptable():
                self._not_found()
                return
            super().do_HEAD()
        except Exception:  # noqa: BLE001 - as in do_GET
            try:
                self._not_found()
            except OSError:
                pass

    def _acceptable(self) -> bool:
        raw = self.path.split("?", 1)[0].split("#", 1)[0]
        decoded = unquote(raw)
        return raw.startswith("/") and "\0" not in decoded and "\\" not in decoded and ".." not in decoded.split("/")

    def list_directory(self, path):  # noqa: ANN001, ANN201 - stdlib signature
        self._not_found()
        return None

    def _not_found(self) -> None:
        body = ("<!DOCTYPE html><meta charset='utf-8'><title>No encontrado</title>"
                "<p>No hay nada en esta dirección. Vuelve a la <a href='/'>página del curso</a>.</p>").encode()
        self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", body)

    def _get(self) -> None:
        if self.path == _STATE_PATH:
            self._send(HTTPStatus.OK, "application/json", json.dumps(self.state.snapshot()).encode())
        elif self.path == _EVENTS_PATH:
            self._events()
        elif self.path.split("?")[0].endswith((".html", "/")):
            self._html()
        else:
            super().do_GET()

    def _send(self, status: HTTPStatus, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _html(self) -> None:
        path = Path(self.translate_path(self.path.split("?")[0]))
        if path.is_dir():
            path = path / "index.html"
        if not path.resolve().is_relative_to(Path(self.directory).resolve()):
            self._not_found()
            return
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            error = self.state.error
            body = (f"<!DOCTYPE html><meta charset='utf-8'><title>Sin construir</title><pre>"
                    f"{html.escape(error or 'Todavía no hay nada construido en esta ruta.')}</pre>{RELOAD_SCRIPT}")
            self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", body.encode())
            return
        text = text.replace("</body>", RELOAD_SCRIPT + "</body>", 1) if "</body>" in text else text + RELOAD_SCRIPT
        self._send(HTTPStatus.OK, "text/html; charset=utf-8", text.encode())

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        last = None
        try:
            while not self.stopping.is_set():
                snapshot = self.state.snapshot()
                if snapshot != last:
                    self.wfile.write(f"data: {json.dumps(snapshot)}\n\n".encode())
                    self.wfile.flush()
                    last = snapshot
                with self.state.changed:
                    self.state.changed.wait(timeout=1.0)
        except (BrokenPipeError, ConnectionResetError):
            pass


class LiveServer:
    """Build, serve dist/ on 127.0.0.1, rebuild on every change to the sources."""

    def __init__(self, root: Path, port: int = 8000, formats: tuple[str, ...] = ("html",),
                 say: Callable[[str], None] = lambda _m: None):
        self.root = root.resolve()
        self.dist = self.root / "dist"
        self.formats = formats
        self.say = say
        self.state = _State()
        self.stopping = threading.Event()
        handler = type("Handler", (_Handler,), {"state": self.state, "stopping": self.stopping})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(self.dist)))
        self.httpd.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def rebuild(self, reason: str = "") -> None:
        """One build; errors are shown in the terminal and in the open pages, and the server goes on."""
        from marp_build.build import build

        started = time.perf_counter()
        try:
            result = build(self.root, formats=self.formats)
        except MarpBuildError as err:
            self.say(f"error{(' tras ' + reason) if reason else ''}:\n{err}")
            self.state.publish(str(err))
            return
        except Exception as err:  # noqa: BLE001 - serve survives our bugs too: report, keep serving
            if debugging():
                import traceback

                traceback.print_exc()
            message = f"error interno de marp-build ({type(err).__name__}: {err}). {ISSUES_HINT}"
            self.say(f"error{(' tras ' + reason) if reason else ''}:\n{message}")
            self.state.publish(message)
            return
        converted = sum(len(v) for v in result.converted.values())
        self.say(f"listo en {time.perf_counter() - started:.1f} s"
                 + (f" ({reason}; {converted} conversiones)" if reason else ""))
        self.state.publish()

    def watch(self) -> None:
        """Block, rebuilding on changes, until `stop()`."""
        from watchfiles import watch

        paths = [self.root / name for name in WATCHED if (self.root / name).exists()]
        for changes in watch(*paths, stop_event=self.stopping, debounce=150, step=50,
                             watch_filter=lambda _change, path: "__pycache__" not in path
                             and not Path(path).name.startswith((".", "~")) and not path.endswith((".swp", "~"))):
            names = sorted({Path(p).relative_to(self.root).as_posix() for _, p in changes})
            self.rebuild("cambió " + ", ".join(names[:3]) + ("…" if len(names) > 3 else ""))

    def start(self) -> None:
        """Serve in a background thread (the first build must have run)."""
        threading.Thread(target=self.httpd.serve_forever, name="marp-build-http", daemon=True).start()

    def stop(self) -> None:
        self.stopping.set()
        with self.state.changed:
            self.state.changed.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()
