"""Stage 3: the validated course.yaml turned into what templates and the bundle need (agenda, decks)."""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from marp_build.errors import Issue, SchemaError
from marp_build.load import CourseSource

__all__ = ["Course", "Deck", "build_course", "placeholder_contacts", "spanish_date", "URL_ENV"]

# The GitHub Pages workflow sets this to the address it publishes (https://OWNER.github.io/REPO/), so the
# published build carries the QR code and the short address even while course.yaml leaves url_publica empty.
URL_ENV = "MARP_BUILD_URL_PUBLICA"

_MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)


def spanish_date(iso: str) -> str:
    """'2026-11-30' → '30 de noviembre de 2026'."""
    day = date.fromisoformat(iso)
    return f"{day.day} de {_MONTHS[day.month - 1]} de {day.year}"


@dataclass(frozen=True)
class Break:
    """A pause in the schedule, after a section or subsection (`after`), with its clock times."""

    title: str
    minutes: int
    after: str
    start: str
    end: str


@dataclass(frozen=True)
class Block:
    """A subsection of the program: the unit of the agenda, the dividers and the rehearsal."""

    id: str
    title: str
    minutes: int
    start: str
    end: str
    section: str
    pause: Break | None = None  # the break right after it, if any


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    minutes: int
    start: str
    end: str
    blocks: tuple[Block, ...]
    pause: Break | None = None


@dataclass(frozen=True)
class Deck:
    """One Marp document to build: a section deck (16:9) or a printable guide (A4)."""

    id: str
    template: str
    title: str
    kind: str  # "presentacion" | "guia"
    description: str
    sections: tuple[dict[str, Any], ...]  # as templates see them (course.yaml plus clock times)

    @property
    def section_ids(self) -> tuple[str, ...]:
        return tuple(s["id"] for s in self.sections)


@dataclass(frozen=True)
class Course:
    """The course: typed sections, blocks and breaks for the code; `data` (course.yaml plus clock times, a
    copy: the loaded YAML is never changed) for the templates; decks in build order."""

    root: Path
    data: dict[str, Any]
    decks: tuple[Deck, ...]
    source: CourseSource
    sections: tuple[Section, ...] = ()
    breaks: tuple[Break, ...] = ()

    @property
    def blocks(self) -> tuple[Block, ...]:
        return tuple(block for section in self.sections for block in section.blocks)

    def block(self, block_id: str | None) -> Block | None:
        return next((b for b in self.blocks if b.id == block_id), None)

    def pause_after(self, place: str | None) -> Break | None:
        return next((b for b in self.breaks if b.after == place), None)

    @property
    def duration(self) -> int:
        return int(self.data["duracion_minutos"])


def _clock(start: datetime, minutes: int) -> str:
    return (start + timedelta(minutes=minutes)).strftime("%H:%M")


def _add_clock_times(data: dict[str, Any]) -> None:
    """Give every section, subsection and break `hora_inicio`/`hora_fin` clock times, in order, from `inicio`.

    Breaks (`descansos`) take their minutes from the course's duration, not from a block: the clock moves on
    by their minutes after the section or subsection they follow. A section or subsection carries the break
    that comes right after it in `descanso` (None when there is none), so templates need no lookups.
    """
    start = datetime.strptime(data["inicio"], "%H:%M")
    breaks = {b["despues_de"]: b for b in data.get("descansos", [])}
    elapsed = 0

    def take_break(pause: dict[str, Any] | None) -> dict[str, Any] | None:
        nonlocal elapsed
        if pause is not None:
            pause.setdefault("titulo", "Descanso")
            pause["hora_inicio"] = _clock(start, elapsed)
            elapsed += pause["minutos"]
            pause["hora_fin"] = _clock(start, elapsed)
        return pause

    for section in data["secciones"]:
        section["hora_inicio"] = _clock(start, elapsed)
        section_start = elapsed
        inner_breaks = 0
        last = section["subsecciones"][-1]
        for sub in section["subsecciones"]:
            sub["hora_inicio"] = _clock(start, elapsed)
            elapsed += sub["minutos"]
            sub["hora_fin"] = _clock(start, elapsed)
            sub["seccion"] = section["id"]
            # A break after the section's last subsection is the break after the section (below).
            pause = take_break(breaks.get(sub["id"])) if sub is not last else None
            sub["descanso"] = pause
            inner_breaks += pause["minutos"] if pause else 0
        # The section's own minutes set its end (check reports subsections that do not add up).
        elapsed = section_start + section["minutos"] + inner_breaks
        section["hora_fin"] = _clock(start, elapsed)
        section["descanso"] = take_break(breaks.get(section["id"]) or breaks.get(last["id"]))
    data["hora_fin"] = _clock(start, elapsed)


def _check_breaks(data: dict[str, Any], issue) -> None:
    """Each break follows a known section or subsection, one break per place, none after the course ends."""
    sections = data["secciones"]
    places: dict[str, str] = {}  # id → the place it stands for (a last subsection is its section's end)
    for section in sections:
        places[section["id"]] = section["id"]
        for sub in section["subsecciones"]:
            places[sub["id"]] = section["id"] if sub is section["subsecciones"][-1] else sub["id"]
    last_section = sections[-1]["id"] if sections else ""
    seen: dict[str, int] = {}
    for i, pause in enumerate(data.get("descansos", [])):
        where = pause["despues_de"]
        if where not in places:
            known = ", ".join(places)
            issue(("descansos", i, "despues_de"), f"no existe la sección o subsección '{where}' (hay: {known})")
            continue
        place = places[where]
        if place == last_section:
            issue(("descansos", i, "despues_de"),
                  f"un descanso después de '{where}' queda fuera del curso, que termina ahí; quítalo o ponlo antes")
        elif place in seen:
            issue(("descansos", i, "despues_de"),
                  f"ya hay un descanso en ese lugar (descansos.{seen[place]}); junta los dos en uno")
        seen.setdefault(place, i)


_PLACEHOLDER_DOMAIN_RE = re.compile(
    r"(^|\.)(example|ejemplo|exemplo|test|invalid|localhost|local)(\.[a-z]{2,})*$"
    r"|(^|[.-])(tu|mi|su)-?(dominio|empresa|curso)\.|(^|\.)dominio\.|(^|\.)(xxx+|placeholder|correo)\.",
    re.I,
)


def placeholder_contacts(contact: dict[str, Any]) -> dict[str, str]:
    """Support contacts that are examples, not real: field → why (in Spanish, for check and the landing page).

    A phone with a 555 exchange (reserved for fiction in North America), with letters or too few digits; an
    e-mail at a reserved example domain (RFC 2606: example.*, .test, .invalid, .localhost) or at an obvious
    placeholder such as ejemplo.com or tu-dominio.com.
    """
    found: dict[str, str] = {}
    phone = str(contact.get("whatsapp") or "")
    if phone:
        groups = re.split(r"[\s().\-/]+", phone.strip().lstrip("+"))
        digits = re.sub(r"\D", "", phone)
        if "555" in groups[1:3] or digits.startswith(("555", "1555")):
            found["whatsapp"] = "es un número 555, reservado para ficción"
        elif re.search(r"[A-Za-z]", phone):
            found["whatsapp"] = "tiene letras en lugar de cifras"
        elif len(digits) < 8 or len(set(digits)) == 1:
            found["whatsapp"] = "no parece un número completo"
    email = str(contact.get("email") or "")
    domain = email.rpartition("@")[2]
    if email and _PLACEHOLDER_DOMAIN_RE.search(domain):
        found["email"] = f"el dominio {domain} es de ejemplo"
    return found


def build_course(source: CourseSource, root: Path) -> Course:
    """Cross-field checks the schema cannot express, then the model.

    Raises:
        SchemaError: duplicate ids, a deck naming an unknown section, a template that does not exist.
    """
    # Templates get a copy: the loaded YAML stays as read, derived values (clock times…) live in the copy.
    data = copy.deepcopy(source.data)
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
                )
            )
    _check_breaks(data, issue)
    url_env = os.environ.get(URL_ENV, "").strip()
    if url_env and not data.get("url_publica"):
        if re.fullmatch(r"https://\S+", url_env):
            data["url_publica"] = url_env
        else:
            issue(("url_publica",), f"la variable de entorno {URL_ENV}={url_env!r} no es una dirección https://…; "
                                    "corrígela o déjala vacía")
    if issues:
        raise SchemaError([issue for _, issue in sorted(issues, key=lambda pair: pair[0])])

    _add_clock_times(data)
    data["contactos_de_ejemplo"] = placeholder_contacts(data["soporte"]["contacto"])
    data["fecha_revision"] = spanish_date(data["revisado"])
    typed_sections, typed_breaks = _typed(data)
    return Course(root=root, data=data, decks=tuple(decks), source=source, sections=typed_sections,
                  breaks=typed_breaks)


def _typed(data: dict[str, Any]) -> tuple[tuple[Section, ...], tuple[Break, ...]]:
    """The schedule as records, read once from the data the clock times were added to."""

    def pause(raw: dict[str, Any] | None) -> Break | None:
        if not raw:
            return None
        return Break(raw["titulo"], raw["minutos"], raw["despues_de"], raw["hora_inicio"], raw["hora_fin"])

    sections = tuple(
        Section(s["id"], s["titulo"], s["minutos"], s["hora_inicio"], s["hora_fin"], tuple(
            Block(b["id"], b["titulo"], b["minutos"], b["hora_inicio"], b["hora_fin"], s["id"], pause(b.get("descanso")))
            for b in s["subsecciones"]
        ), pause(s.get("descanso")))
        for s in data["secciones"]
    )
    breaks = tuple(pause(b) for b in data.get("descansos", []) if "hora_inicio" in b)
    return sections, breaks


def schedule_issues(course: Course) -> list[Issue]:
    """Minutes that do not add up (subsections → section; sections + breaks → course): the agenda's clock
    times would overlap or leave a gap. `check` reports them as errors, `build` as warnings."""
    found = []
    source = course.source
    total = 0
    for i, section in enumerate(course.data["secciones"]):
        total += section["minutos"]
        subs = sum(s["minutos"] for s in section["subsecciones"])
        if subs != section["minutos"]:
            found.append(Issue("course.yaml", source.line_of(("secciones", i, "minutos")),
                               f"las subsecciones de la sección {section['id']} suman {subs} minutos, pero la "
                               f"sección dice {section['minutos']}: la agenda se solaparía; ajusta los minutos para "
                               "que coincidan", "minutos"))
    breaks = sum(b["minutos"] for b in course.data.get("descansos", []))
    if total + breaks != course.data["duracion_minutos"]:
        what = f"las secciones suman {total} minutos" + (f" y los descansos {breaks}" if breaks else "")
        found.append(Issue("course.yaml", source.line_of(("duracion_minutos",)),
                           f"{what}, pero duracion_minutos dice {course.data['duracion_minutos']}; ajusta los "
                           "minutos (o los descansos) para que coincidan", "minutos"))
    return found
