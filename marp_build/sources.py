"""The course's source folders as the build may read them: nothing outside the project gets in.

A symbolic link under decks/, partials/, themes/ or data_templates/ that points outside the project would
put that file (say /etc/passwd or a private key) into dist/, the zip or a slide. Such links are refused by
name; links that stay inside the project are harmless and followed.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["SOURCE_FOLDERS", "outside_links", "refuse_outside_links", "LinkProblem"]

SOURCE_FOLDERS = ("decks", "partials", "themes", "data_templates")


class LinkProblem(tuple):
    """(relative path, message) of one refused link."""

    __slots__ = ()

    @property
    def file(self) -> str:
        return self[0]

    @property
    def message(self) -> str:
        return self[1]


def outside_links(root: Path) -> list[LinkProblem]:
    """Every symbolic link in the source folders (or course.yaml itself) that leads outside `root`."""
    root = root.resolve()
    found: list[LinkProblem] = []
    candidates = [root / "course.yaml"]
    for folder in SOURCE_FOLDERS:
        base = root / folder
        if base.is_symlink():
            candidates.append(base)
            continue
        if not base.is_dir():
            continue
        for current, dirs, files in os.walk(base, followlinks=False):
            for name in [*dirs, *files]:
                path = Path(current) / name
                if path.is_symlink():
                    candidates.append(path)
    for path in candidates:
        if not path.is_symlink():
            continue
        target = path.resolve()
        if not target.is_relative_to(root):
            relative = path.relative_to(root).as_posix()
            found.append(LinkProblem((
                relative,
                f"es un enlace simbólico a {target}, fuera del proyecto; marp-build no lee ni publica "
                "archivos de fuera: copia el archivo dentro del curso y borra el enlace",
            )))
    return found


def refuse_outside_links(root: Path) -> None:
    """Stop before reading anything when a source links outside the project (build and serve).

    Raises:
        UnsafeSourceError: one record per link, naming the file.
    """
    from marp_build.errors import Issue, UnsafeSourceError

    links = outside_links(root)
    if links:
        raise UnsafeSourceError(*(Issue(p.file, None, p.message, "enlace-simbolico") for p in links))
