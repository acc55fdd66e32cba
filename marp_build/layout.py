"""The dist/ layout: where each output lives, shared by the build (which writes it) and `check` (which
resolves links against it without building)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from marp_build.marp import FORMATS, Format
from marp_build.model import Course, Deck
from marp_build.render import DATA_DIR, RenderedDeck

__all__ = ["IMAGES_DIR", "output_name", "formats_for", "generated_files", "published_names"]

IMAGES_DIR = "img"  # decks/img: diagrams linked from the decks, published as dist/img (and dist/guias/img)


def output_name(deck: Deck, fmt: Format) -> str:
    """Where each output lives inside dist/."""
    if deck.kind == "guia":
        return f"guias/{deck.id}{fmt.suffix}"
    if fmt.name == "notas":
        return f"instructor/{deck.id}-notas{fmt.suffix}"
    return f"{deck.id}{fmt.suffix}"


def formats_for(deck: Deck, formats: Iterable[str]) -> list[Format]:
    """The formats a deck is built in: printable guides get PDF (and HTML, which `check` measures) only."""
    if deck.kind == "guia":
        return [FORMATS[f] for f in formats if f in ("html", "pdf")]
    return [FORMATS[f] for f in formats]


def generated_files() -> dict[str, bytes]:
    """Files generated into the bundle: the attendees' validar_datos.py (joined from datacheck) and its notebook."""
    from datacheck.amalgamate import bundle_files

    return bundle_files()


def published_names(course: Course, rendered: list[RenderedDeck]) -> set[str]:
    """Every path a built dist/ holds, so local links can be resolved without building."""
    names = {"index.html", "datos-curso.zip", "fuentes.html"}
    for item in rendered:
        names |= {output_name(item.deck, f) for f in formats_for(item.deck, FORMATS)}
    data = course.root / DATA_DIR
    if data.is_dir():
        names |= {f"datos/{p.relative_to(data).as_posix()}" for p in data.rglob("*") if p.is_file()}
        names |= {f"datos/{name}" for name in generated_files()}
    images: Path = course.root / "decks" / IMAGES_DIR
    if images.is_dir():
        names |= {f"{IMAGES_DIR}/{p.name}" for p in images.iterdir()}
        names |= {f"guias/{IMAGES_DIR}/{p.name}" for p in images.iterdir()}
    return names
