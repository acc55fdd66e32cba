"""Publishing dist/: only into a folder the build may write, one build at a time, swapped in whole.

Nothing here deletes what marp-build did not create: the output folder is checked before anything is written,
staging folders carry a marker, and the previous dist/ is removed only when it holds nothing but what the last
build listed in its manifest.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from marp_build.errors import UnsafeOutputError

# The stamps are read by the no-op entry point too, which imports nothing but the standard library.
from marp_build.quick import MANIFEST, file_stamps, intact, read_json, stamps_path
from marp_build.render import DATA_DIR

__all__ = ["MANIFEST", "check_output_folder", "remove_leftovers", "project_lock", "new_staging", "finish_staging",
           "swap", "file_stamps", "write_stamps", "intact", "read_json"]

# Folder safety ---------------------------------------------------------------------------------------

_OURS = ".marp-build-temporal"  # marks a staging folder while it is being filled
_STAGING = "-nuevo-"
_PREVIOUS = "-anterior-"
SOURCE_NAMES = ("course.yaml", "decks", "partials", "themes", DATA_DIR, "marp_build", ".git")


def check_output_folder(root: Path, dist: Path) -> None:
    """Refuse any output folder a build could hurt: nothing is deleted to find out.

    Raises:
        UnsafeOutputError: `dist` is the course itself, contains or lies inside its sources, is a file, or is a
            non-empty folder that marp-build did not create.
    """
    root, dist = root.resolve(), dist.resolve()
    fix = "usa la carpeta por defecto (dist/) o una carpeta nueva con --salida"
    if dist == root or root.is_relative_to(dist):
        raise UnsafeOutputError(f"--salida {dist}: es la carpeta del curso (o la contiene) y se borraría al construir; {fix}")
    for name in SOURCE_NAMES:
        source = root / name
        if source.exists() and (dist.is_relative_to(source.resolve()) or source.resolve().is_relative_to(dist)):
            raise UnsafeOutputError(f"--salida {dist}: está dentro de {name} o lo contiene; {fix}")
    if dist.exists() or dist.is_symlink():
        if not dist.is_dir():
            raise UnsafeOutputError(f"--salida {dist}: ya existe y no es una carpeta; {fix}")
        if any(dist.iterdir()) and not (dist / MANIFEST).is_file():
            raise UnsafeOutputError(
                f"--salida {dist}: la carpeta tiene archivos y no la creó marp-build; para no borrar nada, {fix} "
                "(o vacíala tú)"
            )


def remove_leftovers(dist: Path) -> None:
    """Staging folders left by a build that was killed (only ours: named after dist/ and marked)."""
    parent = dist.parent
    if not parent.is_dir():
        return
    for pattern, marker in ((f".{dist.name}{_STAGING}*", _OURS), (f".{dist.name}{_PREVIOUS}*", MANIFEST)):
        for folder in parent.glob(pattern):
            if folder.is_dir() and not folder.is_symlink() and (folder / marker).is_file():
                shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def project_lock(cache: Path, say: Callable[[str], None]) -> Iterator[None]:
    """One build at a time per course: a second one waits for the first and says so."""
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / "construccion.lock", "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; builds are rarely concurrent there
            yield
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say("otra construcción de este curso está en marcha; espero a que termine…")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def new_staging(dist: Path) -> Path:
    """A fresh, marked staging folder next to dist/ (removed by `remove_leftovers` if the build dies)."""
    staging = dist.parent / f".{dist.name}{_STAGING}{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    (staging / _OURS).write_text("carpeta temporal de marp-build: se puede borrar\n", encoding="utf-8")
    return staging


def finish_staging(staging: Path) -> None:
    """The staging folder is complete: drop its temporary marker before it becomes dist/."""
    (staging / _OURS).unlink()


def swap(staging: Path, dist: Path) -> None:
    """Replace dist/ by the staged folder: two renames, so dist/ is never half-written.

    The previous dist/ is deleted only when it holds nothing but what marp-build wrote there.

    Raises:
        UnsafeOutputError: dist/ holds files the previous build did not write (they are left where they are).
    """
    foreign = _foreign_files(dist)
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" y {len(foreign) - 5} más" if len(foreign) > 5 else "")
        raise UnsafeOutputError(
            f"{dist}: tiene archivos que marp-build no creó ({shown}); muévelos a otra carpeta y vuelve a "
            "construir (marp-build no borra lo que no es suyo)"
        )
    old = dist.parent / f".{dist.name}{_PREVIOUS}{os.getpid()}"
    if dist.exists():
        os.replace(dist, old)
    os.replace(staging, dist)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def _foreign_files(dist: Path) -> list[str]:
    """Files in an existing dist/ that the build which wrote it did not list."""
    if not dist.is_dir():
        return []
    listed = read_json(dist / MANIFEST)
    known = set(listed.get("archivos", {})) if isinstance(listed, dict) else set()
    if not known:  # written before builds listed their files: trust the marker (see check_output_folder)
        return []
    known.add(MANIFEST)
    return [name for name in file_stamps(dist) if name not in known]


def write_stamps(cache: Path, root: Path, dist: Path, stamps: dict[str, list[int]]) -> None:
    path = stamps_path(cache, root, dist)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(stamps, sort_keys=True), encoding="utf-8")
