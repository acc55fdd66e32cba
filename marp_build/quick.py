"""The no-op build answered from file stamps, with nothing but the standard library imported.

`marp-build build` with nothing changed must answer at once: Python itself starts in a few hundredths of a
second, and importing Jinja, YAML, jsonschema, Rich and Typer would take ten times that. So the console
script starts here. When this module can prove that dist/ is what the current sources would build, it says
so and exits; on any doubt it hands over to the full command line (`marp_build.cli`), which imports
everything and decides for itself.

The proof: every successful build records, next to the stamps of the files it wrote into dist/, the size,
modification time and SHA-256 of every file it read (sources, our code, the installed marp-cli). A later
call lists the same files again: the same names with the same stamps mean the same contents, except for
files modified within two seconds of the recording (a second edit within the file system's time
resolution would keep the stamp), whose contents are hashed again. Then dist/ must match its own stamps.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path

__all__ = ["MANIFEST", "InputState", "inputs_state", "unchanged", "up_to_date", "write_inputs", "main"]

MANIFEST = ".marp-build.json"  # written last into every dist/ a build makes: it marks the folder as ours
DEFAULT_FORMATS = ("html", "pdf", "notas")
KNOWN_FORMATS = ("html", "pdf", "notas", "pptx")
SOURCE_FOLDERS = ("decks", "partials", "themes", "data_templates", "hechos")
# Environment variables that change what a build writes (the PDF dates, the published address).
ENVIRONMENT = ("SOURCE_DATE_EPOCH", "MARP_BUILD_URL_PUBLICA")
_CODE_SUFFIXES = (".py", ".json", ".js")
_RACY_NS = 2_000_000_000
_LOCK = "construccion.lock"


def digest(*parts: bytes | str) -> str:
    """One SHA-256 over several parts, each length-prefixed (so ("ab", "c") and ("a", "bc") differ).
    The cache keys, the manifest and `check`'s remembered measurements all use it."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _walk(folder: Path, skip_dots: bool = False) -> list[Path]:
    found = []
    for base, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != "__pycache__" and not (skip_dots and d.startswith("."))]
        found += [Path(base, name) for name in files]
    return found


def _code_folders() -> list[tuple[str, Path]]:
    """Our own code: a change to the builder changes what it builds."""
    folders = [("codigo", Path(__file__).parent)]
    import importlib.util  # already imported by Python's start-up with an editable install

    for name in ("datacheck",):  # packages outside marp_build whose code ends up in dist/
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.submodule_search_locations:
            folders.append((name, Path(next(iter(spec.submodule_search_locations)))))
    return folders


def input_files(root: Path) -> dict[str, Path]:
    """Every file a build reads, by a stable name: sources, our code and the installed marp-cli."""
    files: dict[str, Path] = {}
    course = root / "course.yaml"
    if course.is_file():
        files["fuente:course.yaml"] = course
    for folder in SOURCE_FOLDERS:
        if (root / folder).is_dir():
            for path in _walk(root / folder):
                files[f"fuente:{path.relative_to(root).as_posix()}"] = path
    for label, folder in _code_folders():
        for path in _walk(folder, skip_dots=True):
            if path.suffix in _CODE_SUFFIXES:
                files[f"{label}:{path.relative_to(folder).as_posix()}"] = path
    marp_package = root / "node_modules" / "@marp-team" / "marp-cli" / "package.json"
    if marp_package.is_file():
        files["node:@marp-team/marp-cli/package.json"] = marp_package
    return files


def git_head(root: Path) -> str:
    """The current commit (PDF dates follow it), read from .git without starting git."""
    head = root / ".git" / "HEAD"
    try:
        ref = head.read_text(encoding="utf-8").strip()
        if ref.startswith("ref: "):
            target = root / ".git" / ref[5:]
            if target.is_file():
                return target.read_text(encoding="utf-8").strip()
            packed = (root / ".git" / "packed-refs").read_text(encoding="utf-8")
            return next((line.split()[0] for line in packed.splitlines() if line.endswith(ref[5:])), ref)
        return ref
    except OSError:
        return ""


def _setting(root: Path, formats: list[str]) -> dict:
    """What besides the files decides the outputs: the formats, the PDF date and the environment."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "") or git_head(root)
    return {"formatos": list(formats), "epoca": epoch, "entorno": {k: os.environ.get(k, "") for k in ENVIRONMENT}}


class InputState:
    """The files a build is about to read, stamped before reading and hashed: one digest for all."""

    def __init__(self, root: Path, formats: list[str]):
        self.setting = _setting(root, formats)
        self.recorded_at = time.time_ns()
        self.files: dict[str, list] = {}
        for name, path in sorted(input_files(root).items()):
            try:
                info = path.stat()  # stamp first: an edit while hashing makes the stamp differ next time
                self.files[name] = [info.st_size, info.st_mtime_ns, _sha(path)]
            except OSError:
                continue  # vanished while listing: the build reads what is there
        h = hashlib.sha256(json.dumps(self.setting, sort_keys=True).encode())
        for name, (_size, _mtime, sha) in self.files.items():
            h.update(f"{name}\0{sha}\n".encode())
        self.digest = h.hexdigest()

    def record(self) -> dict:
        return {"entradas": self.digest, **self.setting, "escrito": self.recorded_at, "archivos": self.files}


def inputs_state(root: Path, formats: list[str]) -> InputState:
    return InputState(root, formats)


def unchanged(root: Path, formats: list[str], recorded: object) -> bool:
    """True when every input file still has the contents `recorded` lists (see the module's docstring)."""
    if not isinstance(recorded, dict) or not isinstance(recorded.get("archivos"), dict):
        return False
    if {k: recorded.get(k) for k in ("formatos", "epoca", "entorno")} != _setting(root, formats):
        return False
    known = recorded["archivos"]
    current = input_files(root)
    if current.keys() != known.keys():
        return False
    racy_after = int(recorded.get("escrito", 0)) - _RACY_NS
    for name, path in current.items():
        try:
            size, mtime, sha = known[name]
            info = path.stat()
            if info.st_size != size:
                return False
            if (info.st_mtime_ns != mtime or mtime >= racy_after) and _sha(path) != sha:
                return False
        except (OSError, ValueError, TypeError):
            return False
    return True


def read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def file_stamps(folder: Path) -> dict[str, list[int]]:
    """Size and modification time of every file a build wrote, to notice later edits or deletions."""
    stamps = {}
    for path in sorted(_walk(folder)):
        if not path.is_symlink():
            info = path.stat()
            stamps[path.relative_to(folder).as_posix()] = [info.st_size, info.st_mtime_ns]
    return stamps


def _stamps_key(root: Path, dist: Path) -> str:
    where = dist.relative_to(root).as_posix() if dist.is_relative_to(root) else str(dist)
    return hashlib.sha256(where.encode()).hexdigest()[:16]


def stamps_path(cache: Path, root: Path, dist: Path) -> Path:
    # Kept in the cache, not in dist/: modification times would make two builds' dist/ differ.
    return cache / "sellos" / f"{_stamps_key(root, dist)}.json"


def inputs_path(cache: Path, root: Path, dist: Path) -> Path:
    return cache / "sellos" / f"{_stamps_key(root, dist)}.entradas.json"


def write_inputs(cache: Path, root: Path, dist: Path, state: InputState | None) -> None:
    """Record what the build that just wrote dist/ read (or forget it: `state` None)."""
    path = inputs_path(cache, root, dist)
    if state is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(state.record(), sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)


def intact(cache: Path, root: Path, dist: Path) -> bool:
    """dist/ is exactly what the last build left there: no file edited, deleted or added since."""
    expected = read_json(stamps_path(cache, root, dist))
    try:
        stamps = file_stamps(dist)
    except OSError:
        return False
    stamps.pop(MANIFEST, None)
    return isinstance(expected, dict) and stamps == expected


def cache_folder(root: Path) -> Path:
    return Path(os.environ.get("MARP_BUILD_CACHE") or root / ".cache" / "marp-build")


def up_to_date(root: Path, dist: Path, cache: Path, formats: list[str]) -> bool:
    """dist/ holds what the current sources build, proven from stamps (False on any doubt)."""
    recorded = read_json(inputs_path(cache, root, dist))
    if not isinstance(recorded, dict) or not unchanged(root, formats, recorded):
        return False
    manifest = read_json(dist / MANIFEST)
    return isinstance(manifest, dict) and manifest.get("entradas") == recorded.get("entradas") and intact(cache, root, dist)


# The console script ------------------------------------------------------------------------------------


def _parse_build(args: list[str]) -> tuple[Path, Path | None, list[str]] | None:
    """`build [--raiz R] [--salida S] [-f F]…`: the options a no-op can answer; anything else → None."""
    if not args or args[0] != "build":
        return None
    names = {"--raiz": "raiz", "--root": "raiz", "--salida": "salida", "--output": "salida",
             "--formato": "formato", "--format": "formato", "-f": "formato"}
    values: dict[str, list[str]] = {"raiz": [], "salida": [], "formato": []}
    rest = args[1:]
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg.startswith("--") and "=" in arg:
            name, value = arg.split("=", 1)
        elif arg.startswith("-f") and len(arg) > 2 and not arg.startswith("--"):
            name, value = "-f", arg[2:]
        elif arg in names and i + 1 < len(rest):
            name, value = arg, rest[i + 1]
            i += 1
        else:
            return None  # --solo, --forzar, --help, a typo: the full command line handles it
        if name not in names:
            return None
        values[names[name]].append(value)
        i += 1
    if len(values["raiz"]) > 1 or len(values["salida"]) > 1:
        return None
    formats = list(dict.fromkeys(values["formato"])) or list(DEFAULT_FORMATS)
    if any(f not in KNOWN_FORMATS for f in formats):
        return None
    root = Path(values["raiz"][0] if values["raiz"] else ".")
    return root, Path(values["salida"][0]) if values["salida"] else None, formats


def _safe_output(root: Path, dist: Path) -> bool:
    """The cheap part of `build.check_output_folder`: a folder we wrote, apart from the sources."""
    if dist == root or root.is_relative_to(dist) or dist.is_symlink() or not (dist / MANIFEST).is_file():
        return False
    for name in ("course.yaml", *SOURCE_FOLDERS, "marp_build", ".git"):
        source = root / name
        if source.exists() and (dist.is_relative_to(source.resolve()) or source.resolve().is_relative_to(dist)):
            return False
    prefix = f".{dist.name}-"
    return not any(name.startswith(prefix) for name in os.listdir(dist.parent))  # leftovers: the full build cleans


def quick_build(args: list[str]) -> bool:
    """Answer `marp-build build` when nothing changed (and print what the full command prints)."""
    started = time.perf_counter()
    parsed = _parse_build(args)
    if parsed is None:
        return False
    root, output, formats = parsed
    root = root.resolve()
    dist = (output or root / "dist").resolve()
    if not _safe_output(root, dist):
        return False
    cache = cache_folder(root)
    if not (cache / _LOCK).is_file():
        return False
    with open(cache / _LOCK, "a+b") as handle:
        try:
            import fcntl
        except ImportError:
            return False
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a build is running: the full command waits for it
        try:
            if not up_to_date(root, dist, cache, formats):
                return False
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    seconds = f"{time.perf_counter() - started:.2f} s".replace(".", ",")
    sys.stderr.write("· nada cambió: dist/ ya está al día\n")
    sys.stdout.write(f"{dist.name}/ al día ({seconds})\n")
    sys.stdout.flush()
    return True


def start_converter(args: list[str]) -> None:
    """Something changed: start Node with marp-cli (and Chromium, if PDFs will be printed) now, so they load
    while the rest of marp-build is imported; the build takes them over (`LiveMarp.adopt`)."""
    parsed = _parse_build(args)
    if parsed is None:
        return
    root, _output, formats = parsed
    root = root.resolve()
    if not (root / "course.yaml").is_file():
        return
    from marp_build.livemarp import LiveMarp
    from marp_build.marp import FORMATS, warm_up_browser

    converter = LiveMarp.start(root, cache_folder(root))
    if converter is None:
        return
    converter.hand_over(root)
    dist = (_output or root / "dist").resolve()
    if any(FORMATS[f].needs_browser for f in formats) and may_change_pdfs(root, dist, cache_folder(root), formats):
        warm_up_browser(converter)


def may_change_pdfs(root: Path, dist: Path, cache: Path, formats: list[str]) -> bool:
    """Whether the inputs that changed since the last build can change a PDF (data files alone rarely do)."""
    recorded = read_json(inputs_path(cache, root, dist))
    if not isinstance(recorded, dict) or not isinstance(recorded.get("archivos"), dict):
        return True
    if {k: recorded.get(k) for k in ("formatos", "epoca", "entorno")} != _setting(root, formats):
        return True
    known, current = recorded["archivos"], input_files(root)
    changed = known.keys() ^ current.keys()
    for name in known.keys() & current.keys():
        try:
            info = current[name].stat()
            if [info.st_size, info.st_mtime_ns] != known[name][:2] and _sha(current[name]) != known[name][2]:
                changed.add(name)
        except (OSError, ValueError, TypeError):
            return True
    return not changed or any(not name.startswith("fuente:data_templates/") for name in changed)


def main() -> int:
    """Entry point of the `marp-build` script: the no-op build here, everything else in `marp_build.cli`."""
    args = sys.argv[1:]
    try:
        done = quick_build(args)
    except Exception:  # noqa: BLE001 - any doubt goes to the full command line, which reports properly
        done = False
    if done:
        raise SystemExit(0)
    try:
        start_converter(args)
    except Exception:  # noqa: BLE001 - only a head start: the build starts its own converter otherwise
        pass
    from marp_build.cli import main as full_main

    return full_main()


if __name__ == "__main__":
    main()
