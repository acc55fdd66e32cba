"""marp-cli kept running in one Node process (see livemarp.js): conversions without starting Node each time.

Starting Node and loading marp-cli takes longer than converting a deck. A build starts one `LiveMarp` as soon
as it knows something changed, so Node loads while Python renders, and sends it every batch (HTML, PDF,
notes) at once; the batches' PDFs share one Chromium. `serve` keeps one for the whole session, so an edit
costs only the conversion itself. The argument lists are the ones the `marp` command would get
(`marp.marp_command`), run by marp-cli's own command-line function: the files are the same.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections import deque
from concurrent.futures import Future
from pathlib import Path

__all__ = ["LiveMarp", "SCRIPT"]

SCRIPT = Path(__file__).with_name("livemarp.js")
_PROFILES = "marp-build-navegador-"
_PREFIX = "@@livemarp "


class LiveMarp:
    """One Node process running marp-cli; `run(argv)` returns a future of (exit code, what it printed)."""

    def __init__(self, root: Path, node: str, cli_dir: Path, workdir: Path):
        env = dict(os.environ)
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            env["CHROME_NO_SANDBOX"] = "1"  # Chromium refuses to start as root with its sandbox on
        # marp-cli gives each browser a profile folder in the temporary folder and never removes it: here they
        # go to a folder of this converter, removed when it ends (or by the next one, if it was killed). It
        # stays in the system's temporary folder: Chromium's socket path there must be short.
        _remove_stale_profiles(Path(tempfile.gettempdir()))
        self.profiles = Path(tempfile.mkdtemp(prefix=f"{_PROFILES}{os.getpid()}-"))
        env["TMPDIR"] = str(self.profiles)
        self.process = subprocess.Popen(
            # The course's cache closes the line only to tell, in `ps`, which course a converter works for.
            [node, str(SCRIPT), str(cli_dir), str(self.profiles), str(workdir)], cwd=root, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace", bufsize=1,
            start_new_session=os.name == "posix",  # its own process group: `terminate` stops its browser too
        )
        self.pid = self.process.pid
        self._lock = threading.Lock()
        self._next = 1
        self._pending: dict[int, Future] = {}
        self._stderr: deque[str] = deque(maxlen=40)
        self.ready = threading.Event()
        self.browser_asked = False
        threading.Thread(target=self._read, name="livemarp-salida", daemon=True).start()
        threading.Thread(target=self._drain, name="livemarp-errores", daemon=True).start()

    @classmethod
    def start(cls, root: Path, workdir: Path) -> LiveMarp | None:
        """A running converter for the course at `root` (whose cache is `workdir`), or None when
        marp-cli must run as a command.

        None when MARP_CLI names another marp-cli (it is then run as given) or when the project's marp-cli
        or Node is missing (the command path reports that in Spanish).
        """
        if os.environ.get("MARP_CLI"):
            return None
        cli_dir = root / "node_modules" / "@marp-team" / "marp-cli"
        node = shutil.which("node")
        if node is None or not (cli_dir / "lib" / "marp-cli.js").is_file() or not SCRIPT.is_file():
            return None
        try:
            return cls(root, node, cli_dir.resolve(), workdir)
        except OSError:
            return None

    # --- started early ----------------------------------------------------------------------------------

    def hand_over(self, root: Path) -> None:
        """Keep this converter for the build of `root` that this process is about to run (see `adopt`).

        `marp-build build` starts it as soon as it knows something changed, before importing the rest of
        marp-build; ended when the process exits if no build takes it.
        """
        global _WAITING
        _WAITING = (root.resolve(), self)
        atexit.register(_end_waiting)

    @classmethod
    def adopt(cls, root: Path) -> LiveMarp | None:
        """The converter handed over for `root`, if it is still running."""
        global _WAITING
        waiting, _WAITING = _WAITING, None
        if waiting is not None and waiting[0] == root.resolve() and waiting[1].alive():
            return waiting[1]
        if waiting is not None:
            waiting[1].terminate()
        return None

    # --- requests ---------------------------------------------------------------------------------------

    def run(self, argv: list[str], measure: tuple[str, Path] | None = None) -> Future:
        """Run marp-cli with `argv` (without the program name); the future gives (code, printed text), and
        once done its `blocked` attribute lists the URLs the printed page asked the network for (refused).

        `measure`: (a JavaScript function, a JSON file): the page printed for this request (one input file)
        is measured with the function before printing, and the result written to the file.
        """
        request: dict = {"argv": argv}
        if measure is not None:
            request["medir"] = {"js": measure[0], "salida": str(measure[1])}
        return self._request(request)

    def open_browser(self, browser: Path, timeout: int) -> Future:
        """Open `browser` now, as marp-cli would for a PDF: the PDF batches sent later find it running."""
        self.browser_asked = True
        return self._request({"cmd": "navegador", "ruta": str(browser), "espera": timeout})

    def diagrams(self, files: list[Path], js: str) -> Future:
        """Open each SVG file in the running browser; the future gives (code, JSON list of {fonts, medida})."""
        return self._request({"cmd": "diagramas", "archivos": [str(f) for f in files], "js": js})

    def _request(self, message: dict) -> Future:
        future: Future = Future()
        future.blocked = []  # type: ignore[attr-defined]
        with self._lock:
            number = self._next
            self._next += 1
            self._pending[number] = future
            try:
                self._send({"id": number, **message})
            except OSError:
                self._pending.pop(number, None)
                future.set_result((1, self._died()))
        return future

    def _send(self, message: dict) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

    def alive(self) -> bool:
        return self.process.poll() is None

    # --- output -----------------------------------------------------------------------------------------

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if not line.startswith(_PREFIX):
                continue
            try:
                message = json.loads(line[len(_PREFIX):])
            except ValueError:
                continue
            if message.get("ready"):
                self.ready.set()
                continue
            with self._lock:
                future = self._pending.pop(message.get("id"), None)
            if future is not None:
                future.blocked = [str(u) for u in message.get("bloqueadas") or ()]  # type: ignore[attr-defined]
                future.set_result((int(message.get("code", 1)), str(message.get("output", ""))))
        # Node ended: whatever was still converting failed.
        self.process.wait()
        with self._lock:
            pending, self._pending = self._pending, {}
        for future in pending.values():
            future.set_result((1, self._died()))
        self.ready.set()

    def _drain(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._stderr.append(line.rstrip("\n"))

    def _died(self) -> str:
        tail = "\n".join(self._stderr)
        return f"[ ERROR ] Node terminó antes de acabar la conversión (código {self.process.poll()})" + (
            f"\n{tail}" if tail else "")

    # --- ending -----------------------------------------------------------------------------------------

    def close(self, wait: float | None = 10.0) -> None:
        """Let running conversions finish, close the browser and end Node (kill it after `wait` seconds)."""
        if self.alive():
            try:
                with self._lock:
                    self._send({"id": 0, "cmd": "exit"})
                    assert self.process.stdin is not None
                    self.process.stdin.close()
            except (OSError, ValueError):
                pass
        if wait is None:
            return
        try:
            self.process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            self.terminate()
        shutil.rmtree(self.profiles, ignore_errors=True)

    def terminate(self) -> None:
        """Stop Node and the browser it started, now (the whole process group, even if Node already ended)."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, sig)
            except (ProcessLookupError, PermissionError, AttributeError):
                if self.process.poll() is None:
                    self.process.terminate() if sig == signal.SIGTERM else self.process.kill()
            try:
                self.process.wait(timeout=5)
                break
            except subprocess.TimeoutExpired:
                continue
        shutil.rmtree(self.profiles, ignore_errors=True)


_WAITING: tuple[Path, LiveMarp] | None = None


def _end_waiting() -> None:
    global _WAITING
    waiting, _WAITING = _WAITING, None
    if waiting is not None:
        waiting[1].terminate()


def _remove_stale_profiles(temporary: Path) -> None:
    """Profile folders of converters that were killed (named after the Python process that started them)."""
    for folder in temporary.glob(f"{_PROFILES}*"):
        try:
            pid = int(folder.name[len(_PROFILES):].split("-")[0])
        except ValueError:
            continue
        if not folder.is_dir() or folder.is_symlink():
            continue
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (PermissionError, OSError):
            continue
