"""Stage 3: the validated course.yaml turned into what templates and the bundle need (agenda, decks)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from marp_build.errors import Issue, SchemaError
from marp_build.load import CourseSource

__all__ = ["Course", "Deck", "build_course", "spanish_date"]

_MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)


def spanish_date(iso: str) -> str:
    """'2026-11-30' → '30 de noviembre de 2026'."""
    day = date.fromisoformat(iso)
    return f"{day.day} de {_MONTHS[day.month - 1]} de {day.year}"


@dataclass(frozen=True)
class Deck:
    """One Marp document to build: a section deck (16:9) or a printable guide (A4)."""

    id: str
    template: str
    title: str
    kind: str  # "presentacion" | "guia"
    description: str
    sections: tuple[dict[str, Any], ...]
    line: int  # line of its entry in course.yaml

    @property
    def markdown_name(self) -> str:
        return f"{self.id}.md"


@dataclass(frozen=True)
class Course:
    """The course as templates see it: `data` is course.yaml plus clock times; decks in build order."""

    root: Path
    data: dict[str, Any]
    decks: tuple[Deck, ...]
    source: CourseSource

    @property
    def presentations(self) -> tuple[Deck, ...]:
        return tuple(d for d in self.decks if d.kind == "presentacion")

    @property
    def guides(self) -> tuple[Deck, ...]:
        return tuple(d for d in self.decks if d.kind == "guia")

    def deck(self, deck_id: str) -> Deck:
        return next(d for d in self.decks if d.id == deck_id)


def _clock(start: datetime, minutes: int) -> str:
    return (start + timedelta(minutes=minutes)).strftime("%H:%M")


def _add_clock_times(data: dict[str, Any]) -> None:
    """Give every section and subsection `inicio`/`fin` clock times, in order, from `inicio`."""
    start = datetime.strptime(data["inicio"], "%H:%M")
    elapsed = 0
    for section in data["secciones"]:
        section["hora_inicio"] = _clock(start, elapsed)
        sub_elapsed = elapsed
        for sub in section["subsecciones"]:
            sub["hora_inicio"] = _clock(start, sub_elapsed)
            sub_elapsed += sub["minutos"]
            sub["hora_fin"] = _clock(start, sub_elapsed)
            sub["seccion"] = section["id"]
        elapsed += section["minutos"]
        section["hora_fin"] = _clock(start, elapsed)
    data["hora_fin"] = _clock(start, elapsed)


def build_course(source: CourseSource, root: Path) -> Course:
    """Cross-field checks the schema cannot express, then the model.

    Raises:
        SchemaError: duplicate ids, a deck naming an unknown section, a template that does not exist.
    """
    data = source.data
    issues: list[tuple[int, str]] = []

    def issue(path: tuple[str | int, ...], what: str) -> None:
        dotted = ".".join(map(str, path))
        issues.append((source.line_of(path), Issue("course.yaml", source.line_of(path), f"{dotted}: {what}", "esquema")))

    sections = {}
    for i, section in enumerate(data["secciones"]):
        if section["id"] in sections:
            issue(("secciones", i, "id"), f"la sección '{section['id']}' está repetida; cada sección necesita su propio id")
        sections[section["id"]] = section
        for j, sub in enumerate(section["subsecciones"]):
            if not sub["id"].startswith(section["id"] + "."):
                issue(
                    ("secciones", i, "subsecciones", j, "id"),
                    f"la subsección '{sub['id']}' no pertenece a la sección '{section['id']}'; usa {section['id']}.N",
                )

    decks = []
    seen_ids: set[str] = set()
    for key, kind in (("presentaciones", "presentacion"), ("guias", "guia")):
        for i, entry in enumerate(data.get(key, [])):
            if entry["id"] in seen_ids:
                issue((key, i, "id"), f"el id '{entry['id']}' está repetido; los archivos generados se pisarían")
            seen_ids.add(entry["id"])
            for k, section_id in enumerate(entry.get("secciones", [])):
                if section_id not in sections:
                    known = ", ".join(sections)
                    issue((key, i, "secciones", k), f"la sección '{section_id}' no existe (hay: {known})")
            if not (root / entry["plantilla"]).is_file():
                issue((key, i, "plantilla"), f"no existe el archivo {entry['plantilla']}; crea la plantilla o corrige la ruta")
            decks.append(
                Deck(
                    id=entry["id"],
                    template=entry["plantilla"],
                    title=entry["titulo"],
                    kind=kind,
                    description=entry.get("descripcion", ""),
                    sections=tuple(sections[s] for s in entry.get("secciones", []) if s in sections),
                    line=source.line_of((key, i)),
                )
            )
    if issues:
        raise SchemaError([issue for _, issue in sorted(issues, key=lambda pair: pair[0])])

    _add_clock_times(data)
    data["fecha_revision"] = spanish_date(data["revisado"])
    return Course(root=root, data=data, decks=tuple(decks), source=source)
