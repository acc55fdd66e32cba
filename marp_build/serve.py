"""`marp-build serve`: live preview on 127.0.0.1 — edit a template, partial, theme or data file and the
browser reloads.

We watch the sources with watchfiles rather than using marp-cli's own server: marp-cli would watch the
generated Markdown, not the Jinja templates, course.yaml or the data files the slides quote, and it would
skip our checks. Every change goes through two steps:

1. The preview, at once: render only the decks the change can affect (the Jinja environment and the
   course stay loaded), convert the ones whose Markdown changed with the marp-cli kept running in Node
   (`livemarp`), and serve the new HTML. The HTML goes into the same content-addressed cache the build
   uses, under the same key, so it is byte for byte what `build` publishes.
2. The build, in the background: the normal incremental build (it finds that HTML in the cache), which
   makes the PDFs if asked for (with the same Node process and browser), the landing page, the reports, and
   replaces dist/ under the project lock.

Pages learn about changes through Server-Sent Events (no polling, no network): each page is told the hash
of its own content, and reloads (keeping the slide in the address) only when that changes.
"""

from __future__ import annotations

import hashlib
import html
import json
import threading
import time
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from marp_build._console import ISSUES_HINT, debugging
from marp_build.errors import MarpBuildError

__all__ = ["LiveServer", "WATCHED", "RELOAD_SCRIPT"]

WATCHED = ("course.yaml", "decks", "partials", "themes", "data_templates", "hechos")
_EVENTS_PATH = "/__marp-build/eventos"
_STATE_PATH = "/__marp-build/estado"
# Injected into served HTML only (never written to dist/): reload when this page changes, show build errors.
# location.reload() keeps the address, and Marp keeps the slide number in it (#12): the reload stays there.
RELOAD_SCRIPT = """
<script>
(() => {
  const box = document.createElement('div');
  box.setAttribute('role', 'alert');
  box.style.cssText = 'position:fixed;left:0;right:0;bottom:0;z-index:99999;background:#b3261e;color:#fff;'
    + 'font:16px/1.4 monospace;padding:12px 16px;white-space:pre-wrap;display:none';
  document.addEventListener('DOMContentLoaded', () => document.body.appendChild(box));
  let seen;
  const events = new EventSource('EVENTOS?pagina=' + encodeURIComponent(location.pathname));
  events.onmessage = (event) => {
    const state = JSON.parse(event.data);
    if (state.error) { box.textContent = 'Error al construir:\\n' + state.error; box.style.display = 'block'; return; }
    box.style.display = 'none';
    if (seen !== undefined && state.pagina !== seen) location.reload();
    seen = state.pagina;
  };
})();
</script>
""".replace("EVENTOS", _EVENTS_PATH)


class _State:
    """The latest outcome, shared between the watcher, the background build and request threads."""

    def __init__(self) -> None:
        self.version = 0
        self.preview_error = ""
        self.build_error = ""
        self.changed = threading.Condition()

    @property
    def error(self) -> str:
        return self.preview_error or self.build_error

    def publish(self, *, preview: str | None = None, build: str | None = None, new_content: bool = True) -> None:
        with self.changed:
            if preview is not None:
                self.preview_error = preview
            if build is not None:
                self.build_error = build
            if new_content:
                self.version += 1
            self.changed.notify_all()

    def snapshot(self) -> dict:
        return {"version": self.version, "error": self.error}


class _Handler(SimpleHTTPRequestHandler):
    state: _State
    stopping: threading.Event
    site: LiveServer

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
        path = self.path.split("?")[0]
        if self.path == _STATE_PATH:
            self._send(HTTPStatus.OK, "application/json", json.dumps(self.state.snapshot()).encode())
        elif path == _EVENTS_PATH:
            self._events()
        elif path.endswith((".html", "/")):
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
        root = Path(self.directory).resolve()
        if not path.resolve().is_relative_to(root):
            self._not_found()
            return
        data = self.site.page(path.resolve().relative_to(root).as_posix())
        if data is None:
            error = self.state.error
            body = (f"<!DOCTYPE html><meta charset='utf-8'><title>Sin construir</title><pre>"
                    f"{html.escape(error or 'Todavía no hay nada construido en esta ruta.')}</pre>{RELOAD_SCRIPT}")
            self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", body.encode())
            return
        text = data.decode("utf-8", "replace")
        text = text.replace("</body>", RELOAD_SCRIPT + "</body>", 1) if "</body>" in text else text + RELOAD_SCRIPT
        self._send(HTTPStatus.OK, "text/html; charset=utf-8", text.encode())

    def _events(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        page = _page_name(query.get("pagina", ["/"])[0])
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        last = None
        try:
            while not self.stopping.is_set():
                with self.state.changed:
                    snapshot = self.state.snapshot()
                snapshot["pagina"] = self.site.page_digest(page) if page else None
                if snapshot != last:
                    self.wfile.write(f"data: {json.dumps(snapshot)}\n\n".encode())
                    self.wfile.flush()
                    last = snapshot
                with self.state.changed:
                    if self.state.snapshot() == {k: snapshot[k] for k in ("version", "error")}:
                        self.state.changed.wait(timeout=1.0)
        except (BrokenPipeError, ConnectionResetError):
            pass


def _page_name(pathname: str) -> str | None:
    """'/guias/x.html' → 'guias/x.html', '/' → 'index.html'; None for anything odd."""
    name = unquote(pathname).lstrip("/")
    if not name or name.endswith("/"):
        name += "index.html"
    parts = name.split("/")
    if "\0" in name or "\\" in name or any(p in ("", ".", "..") for p in parts):
        return None
    return name


class _Preview:
    """What step 1 keeps between changes: the course, the Jinja environment and the HTML it served."""

    def __init__(self) -> None:
        self.course_bytes: bytes | None = None
        self.course = None
        self.env = None
        self.rendered: dict[str, object] = {}  # deck id → RenderedDeck
        self.themes: list[Path] | None = None
        self.pages: dict[str, bytes] = {}  # dist-relative path → HTML newer than what dist/ holds


class LiveServer:
    """Serve dist/ on 127.0.0.1; on every change to the sources show the new HTML at once, then rebuild."""

    def __init__(self, root: Path, port: int = 8000, formats: tuple[str, ...] = ("html",),
                 say: Callable[[str], None] = lambda _m: None):
        self.root = root.resolve()
        self.dist = self.root / "dist"
        self.formats = formats
        self.say = say
        self.state = _State()
        self.stopping = threading.Event()
        self._preview = _Preview()
        self._pages_lock = threading.Lock()
        self._live = None
        self._live_lock = threading.Lock()
        self._build_wanted = threading.Condition()
        self._build_reason: str | None = None
        self._builder: threading.Thread | None = None
        handler = type("Handler", (_Handler,), {"state": self.state, "stopping": self.stopping, "site": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(self.dist)))
        self.httpd.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    # --- what is served -------------------------------------------------------------------------------

    def page(self, name: str) -> bytes | None:
        """The current content of a page: the preview's HTML if newer than dist/, else dist/'s file."""
        with self._pages_lock:
            data = self._preview.pages.get(name)
        if data is not None:
            return data
        try:
            return (self.dist / name).read_bytes()
        except OSError:
            return None

    def page_digest(self, name: str) -> str | None:
        data = self.page(name)
        return hashlib.sha256(data).hexdigest()[:16] if data is not None else None

    # --- the marp-cli kept running ----------------------------------------------------------------------

    def converter(self):
        """The session's running marp-cli (started, or started again after a failure); None if unavailable."""
        from marp_build import quick
        from marp_build.livemarp import LiveMarp

        with self._live_lock:
            if self._live is None or not self._live.alive():
                cache = quick.cache_folder(self.root)
                self._live = None if self.stopping.is_set() else LiveMarp.start(self.root, cache)
            return self._live

    # --- step 2: the build ------------------------------------------------------------------------------

    def rebuild(self, reason: str = "") -> bool:
        """One full build; errors are shown in the terminal and in the open pages, and the server goes on."""
        from marp_build.build import build

        started = time.perf_counter()
        try:
            result = build(self.root, formats=self.formats, converter=self.converter())
        except MarpBuildError as err:
            if not self.stopping.is_set():  # stopping kills the converter: the build that fails is not news
                self.say(f"error{(' tras ' + reason) if reason else ''}:\n{err}")
                self.state.publish(build=str(err), new_content=False)
            return False
        except Exception as err:  # noqa: BLE001 - serve survives our bugs too: report, keep serving
            if debugging():
                import traceback

                traceback.print_exc()
            message = f"error interno de marp-build ({type(err).__name__}: {err}). {ISSUES_HINT}"
            self.say(f"error{(' tras ' + reason) if reason else ''}:\n{message}")
            self.state.publish(build=message, new_content=False)
            return False
        with self._pages_lock:  # dist/ now holds the preview's pages (or newer ones): serve them from there
            for name, data in list(self._preview.pages.items()):
                try:
                    if (self.dist / name).read_bytes() == data:
                        del self._preview.pages[name]
                except OSError:
                    pass
        converted = sum(len(v) for v in result.converted.values())
        if not result.up_to_date:
            what = f"dist/ completo en {_seconds(time.perf_counter() - started)}"
            self.say(what + (f" ({reason}; {_conversions(converted)})" if reason else ""))
        self.state.publish(build="")
        return True

    def _request_build(self, reason: str) -> None:
        with self._build_wanted:
            self._build_reason = reason
            self._build_wanted.notify_all()

    def _build_loop(self) -> None:
        while not self.stopping.is_set():
            with self._build_wanted:
                while self._build_reason is None and not self.stopping.is_set():
                    self._build_wanted.wait(timeout=1.0)
                reason, self._build_reason = self._build_reason, None
            if reason is not None and not self.stopping.is_set():
                self.rebuild(reason)

    # --- step 1: the preview ----------------------------------------------------------------------------

    def preview(self, changed: list[str], reason: str = "") -> bool:
        """Render the decks `changed` can affect, convert what changed, serve it; False if it failed."""
        started = time.perf_counter()
        try:
            converted = self._preview_decks(changed)
        except MarpBuildError as err:
            self.say(f"error{(' tras ' + reason) if reason else ''}:\n{err}")
            self.state.publish(preview=str(err), new_content=False)
            return False
        except Exception as err:  # noqa: BLE001 - as in rebuild
            if debugging():
                import traceback

                traceback.print_exc()
            message = f"error interno de marp-build ({type(err).__name__}: {err}). {ISSUES_HINT}"
            self.say(f"error{(' tras ' + reason) if reason else ''}:\n{message}")
            self.state.publish(preview=message, new_content=False)
            return False
        if converted:
            self.say(f"vista previa en {_seconds(time.perf_counter() - started)} ({reason}; "
                     f"{', '.join(converted)})")
        self.state.publish(preview="")
        return True

    def _preview_decks(self, changed: list[str]) -> list[str]:
        from marp_build import build as b
        from marp_build.marp import FORMATS, stage_inputs, start_batches
        from marp_build.render import make_environment, render_deck
        from marp_build.sources import refuse_outside_links

        preview = self._preview
        root = self.root
        refuse_outside_links(root)
        course_bytes = (root / "course.yaml").read_bytes()
        if preview.course is None or course_bytes != preview.course_bytes or any(
                not (root / d.template).is_file() for d in preview.course.decks):
            preview.course = b.load(root)  # the build's own checks: schema, ids, templates that exist
            preview.course_bytes = course_bytes
            preview.rendered = {}
        course = preview.course
        if preview.env is None or any(name.startswith("hechos/") for name in changed):
            preview.env = make_environment(root)  # facts are bound when the environment is made
            preview.rendered = {}
        # A deck's own template changed: only that deck. Anything else (partials, course, data, facts): all.
        templates = {d.template: d.id for d in course.decks}
        only = {templates[name] for name in changed if name in templates}
        wanted = [d for d in course.decks
                  if d.id not in preview.rendered or not only or len(only) < len(changed) or d.id in only]
        fresh = [render_deck(preview.env, course, deck) for deck in wanted]
        b._check_images(root, fresh)
        for item in fresh:
            preview.rendered[item.deck.id] = item
        rendered = [preview.rendered[d.id] for d in course.decks]

        cache = b.quick.cache_folder(root)
        if preview.themes is None or any(name.startswith("themes/") for name in changed):
            # Its own copy of the themes: a build running at the same time rewrites the build's copy.
            preview.themes = b.prepare_themes(root / "themes", cache / "vista" / "temas")
        themes = preview.themes
        html = FORMATS["html"]
        jobs = b._plan_jobs(root, rendered, ["html"], b._tree_digest(themes, cache / "vista" / "temas"),
                            b.marp_version(root))
        outputs = cache / "salidas"
        outputs.mkdir(parents=True, exist_ok=True)
        todo = [(item, key) for item, _fmt, key in jobs if not b._cached(outputs, key, html).is_file()]
        if todo:
            images = root / "decks" / b.IMAGES_DIR
            input_dir = stage_inputs(cache / "vista" / "entrada-html", {i.deck.id: i.markdown for i, _ in todo},
                                     images if images.is_dir() else None)
            output_dir = cache / "vista" / "salida-html"
            batch = b.Batch(html, input_dir, output_dir, tuple(i.deck.id for i, _ in todo))
            start_batches(root, [batch], themes, cache, converter=self.converter()).wait()
            b._store([batch], {"html": todo}, outputs)
        pages = {}
        for item, _fmt, key in jobs:
            try:
                pages[b.output_name(item.deck, html)] = b._cached(outputs, key, html).read_bytes()
            except OSError:
                continue  # pruned by a build that just finished: dist/ has it, or the next build makes it
        with self._pages_lock:
            for name, data in pages.items():
                try:
                    on_disk = (self.dist / name).read_bytes()
                except OSError:
                    on_disk = None
                if on_disk == data:
                    preview.pages.pop(name, None)
                else:
                    preview.pages[name] = data
        return [item.deck.id for item, _ in todo]

    # --- watching ---------------------------------------------------------------------------------------

    def changed(self, names: list[str]) -> None:
        """Sources changed: preview now, build in the background."""
        reason = "cambió " + ", ".join(names[:3]) + ("…" if len(names) > 3 else "")
        if self.preview(names, reason):
            self._request_build(reason)

    def watch(self) -> None:
        """Block, previewing and rebuilding on changes, until `stop()`."""
        from watchfiles import watch

        if self._builder is None:
            self._builder = threading.Thread(target=self._build_loop, name="marp-build-construccion", daemon=True)
            self._builder.start()
        paths = [self.root / name for name in WATCHED if (self.root / name).exists()]
        # step: how long to wait for more events once one arrived (an editor's save is a few at once).
        for changes in watch(*paths, stop_event=self.stopping, debounce=150, step=20,
                             watch_filter=lambda _change, path: "__pycache__" not in path
                             and not Path(path).name.startswith((".", "~")) and not path.endswith((".swp", "~"))):
            names = sorted({Path(p).relative_to(self.root).as_posix() for _, p in changes})
            self.changed(names)

    def start(self) -> None:
        """Serve in a background thread (the first build must have run)."""
        threading.Thread(target=self.httpd.serve_forever, name="marp-build-http", daemon=True).start()

    def stop(self) -> None:
        self.stopping.set()
        with self.state.changed:
            self.state.changed.notify_all()
        with self._build_wanted:
            self._build_wanted.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()
        with self._live_lock:
            live, self._live = self._live, None
        if live is not None:
            live.terminate()  # a build still running fails and leaves dist/ as it was
        if self._builder is not None:
            self._builder.join(timeout=30)


def _seconds(value: float) -> str:
    return f"{value:.2f} s".replace(".", ",")


def _conversions(count: int) -> str:
    return f"{count} conversión nueva" if count == 1 else f"{count} conversiones nuevas"
