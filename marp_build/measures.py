"""Slide and diagram measurements, made once and shared: `build` takes them from the pages it prints, `check`
reads them (and measures in its own browser only what nobody measured yet).

Printing a PDF already loads every slide in Chromium with the course's fonts and layout; measuring there costs
one script run per deck. `check` after a build then needs no browser at all. A measurement is stored under a
key of everything its result depends on (the deck's converted Markdown, themes, images, marp-cli version and
the measuring script), in the course's cache folder: `medidas/<key>.json`.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from marp_build.browser import _MEASURE_JS, SlideBox
from marp_build.marp import image_data_uri
from marp_build.quick import cache_folder, digest

__all__ = ["memo_folder", "printed_key", "boxes_from_raw", "write_slides", "read_slides", "from_printed",
           "image_names"]

_SHA1_PREFIX = "data-sha1:"  # how livemarp.js reports a long data: URL (see `shortSources` there)


def memo_folder(root: Path) -> Path:
    return cache_folder(root) / "medidas"


def printed_key(pdf_key: str) -> str:
    """The measurement of the deck whose PDF conversion has cache key `pdf_key`."""
    return digest(pdf_key, _MEASURE_JS, "impreso")


def boxes_from_raw(raw: list[dict]) -> list[SlideBox]:
    """SlideBoxes from what `_MEASURE_JS` returns in the page."""
    return [
        SlideBox(r["width"], r["height"], r["bottom"], r["right"], r["paddingBottom"], r["paddingRight"],
                 tuple(r["clipped"]), tuple(r["empty"]), tuple(tuple(x) for x in r["texts"]), r["text"],
                 tuple(tuple(x) for x in r["images"]), r["last"])
        for r in raw
    ]


def write_slides(path: Path, boxes: list[SlideBox], blocked: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"boxes": [asdict(b) for b in boxes], "blocked": blocked}), encoding="utf-8")
    os.replace(tmp, path)  # never half-written for a `check` reading at the same time


def _tuples(value):
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def read_slides(path: Path) -> tuple[list[SlideBox], list[str]] | None:
    """A stored measurement, or None when there is none (or it is unreadable: it is then made again)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        boxes = [SlideBox(**{k: _tuples(v) for k, v in b.items()}) for b in data["boxes"]]
        return boxes, list(data["blocked"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def image_names(images: Path) -> dict[str, str]:
    """For each image embedded into the printed Markdown (`marp.embed_images`), the name the HTML links it by:
    {"data-sha1:<SHA-1 of its data: URL>": "img/<name>"}."""
    names = {}
    if not images.is_dir():
        return names
    for path in sorted(images.rglob("*")):
        uri = image_data_uri(path) if path.is_file() else None
        if uri is None:
            continue
        sha1 = hashlib.sha1(uri.encode("ascii"), usedforsecurity=False).hexdigest()  # a name, not a signature
        names[f"{_SHA1_PREFIX}{sha1}"] = f"{images.name}/{path.relative_to(images).as_posix()}"
    return names


def from_printed(raw_file: Path, names: dict[str, str]) -> tuple[list[SlideBox], list[str]] | None:
    """A measurement livemarp.js wrote while printing, with embedded images named as the HTML links them."""
    try:
        data = json.loads(raw_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None

    def rename(value):
        if isinstance(value, str):
            return names.get(value, value)
        if isinstance(value, list):
            return [rename(v) for v in value]
        return snap(value)

    def snap(value):
        # Printing scales a guide's page: positions come with float noise (938.2500531 for 938.25). Chromium
        # lays out in 1/64 px, so rounding to that gives back the values the HTML page measures.
        return round(value * 64) / 64 if isinstance(value, float) else value

    try:
        raw = [{**{k: snap(v) for k, v in box.items()}, "empty": rename(box["empty"]), "images": rename(box["images"])}
               for box in data["boxes"]]
        return boxes_from_raw(raw), list(data.get("blocked") or [])
    except (KeyError, TypeError):
        return None
