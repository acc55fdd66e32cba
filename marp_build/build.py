"""Orchestration: load → validate → model → render → convert → bundle → publish into dist/.

Everything is gathered and converted in a staging folder first; dist/ is replaced only at the end, so a
failed or interrupted build leaves the previous dist/ whole. Conversions are cached by a hash of their
inputs (rendered Markdown, themes, linked images, marp-cli version, format), so a rebuild re-converts
only the decks whose inputs changed, and a rebuild with nothing changed starts neither Node nor a browser.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from marp_build import bundle, facts
from marp_build.doctor import marp_version
from marp_build.errors import BrowserNotFoundError, TemplateError, UsageError
from marp_build.load import load_course
from marp_build.marp import FORMATS, Batch, Format, prepare_themes, stage_inputs, start_batches
from marp_build.model import Course, Deck, build_course
from marp_build.render import DATA_DIR, RenderedDeck, render_decks
from marp_build.rehearse import rehearse, render_report, render_script
from marp_build.schema import validate

__all__ = ["BuildResult", "Progress", "build", "load", "DEFAULT_FORMATS", "output_name"]

DEFAULT_FORMATS = ("html", "pdf", "notas")
IMAGES_DIR = "img"  # decks/img: diagrams linked from the decks, published as dist/img
_IMAGE_RE = re.compile(r"""(?:\]\(|src=["'])(img/[^)"'\s]+)""")
Reporter = Callable[[str], None]


class Progress:
    """What a build tells a progress display; the default shows nothing (the CLI draws it with Rich)."""

    def converting(self, fmt: str, deck_ids: list[str]) -> None:
        """A marp-cli process for `fmt` started on these decks."""

    def converted(self, fmt: str, seconds: float) -> None:
        """That process ended after `seconds`."""


@dataclass
class BuildResult:
    """What a build did, for the CLI summary and for tests."""

    dist: Path
    converted: dict[str, list[str]] = field(default_factory=dict)  # format → deck ids converted now
    reused: int = 0
    slides: dict[str, int] = field(default_factory=dict)
    up_to_date: bool = False
    seconds: float = 0.0
    rendered: list[RenderedDeck] = field(default_factory=list)


def load(root: Path) -> Course:
    """course.yaml → validated course model (stages 1–3)."""
    source = load_course(root)
    validate(source)
    return build_course(source, root)


def output_name(deck: Deck, fmt: Format) -> str:
    """Where each output lives inside dist/."""
    if deck.kind == "guia":
        return f"guias/{deck.id}{fmt.suffix}"
    if fmt.name == "notas":
        return f"instructor/{deck.id}-notas{fmt.suffix}"
    return f"{deck.id}{fmt.suffix}"


def _digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def _formats_for(deck: Deck, formats: Iterable[str]) -> list[Format]:
    if deck.kind == "guia":  # printable guides: PDF (and HTML, which `check` measures); no notes or PPTX
        return [FORMATS[f] for f in formats if f in ("html", "pdf")]
    return [FORMATS[f] for f in formats]


def _tree_digest(paths: Iterable[Path], base: Path) -> str:
    return _digest(*(f"{p.relative_to(base).as_posix()}\0".encode() + p.read_bytes() for p in sorted(paths)))


def build(
    root: Path,
    dist: Path | None = None,
    formats: Iterable[str] = DEFAULT_FORMATS,
    only: Iterable[str] | None = None,
    force: bool = False,
    report: Reporter | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build the whole course into `dist/`.

    Raises:
        CourseFileError, SchemaError, TemplateError: problems in the sources (nothing is written).
        MarpNotFoundError, BrowserNotFoundError, MarpError: conversion failed (dist/ is left untouched).
        UsageError: an unknown deck id or format.
    """
    started = time.perf_counter()
    say = report or (lambda _msg: None)
    root = root.resolve()
    dist = (dist or root / "dist").resolve()
    formats = list(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"formato desconocido: {', '.join(unknown)}; usa {', '.join(FORMATS)}")

    # 0. Nothing changed since the last complete build? Then start nothing (no rendering, no Node).
    manifest_path = dist / ".marp-build.json"
    previous = _read_json(manifest_path)
    inputs = _inputs_digest(root, formats)
    if (not force and not only and isinstance(previous, dict) and previous.get("entradas") == inputs
            and _complete(dist, previous)):
        say("nada cambió: dist/ ya está al día")
        return BuildResult(dist=dist, up_to_date=True, seconds=time.perf_counter() - started)

    # 1. Gather: everything that can fail on the user's sources fails here, before any file is written.
    course = load(root)
    selected = set(only) if only else None
    if selected:
        missing = selected - {d.id for d in course.decks}
        if missing:
            known = ", ".join(d.id for d in course.decks)
            raise UsageError(f"no existe la presentación {', '.join(sorted(missing))} en course.yaml (hay: {known})")
    rendered = render_decks(course)
    _check_images(root, rendered)
    say(f"{len(rendered)} documentos generados desde las plantillas")
    catalog = bundle.load_catalog(root)
    extra_files = _extra_bundle_files(root)

    cache = Path(os.environ.get("MARP_BUILD_CACHE") or root / ".cache" / "marp-build")
    themes = prepare_themes(root / "themes", cache / "temas")
    images = root / "decks" / IMAGES_DIR

    # 2. Plan: one job per (deck, format); its cache key covers every input of that conversion.
    jobs = _plan_jobs(root, rendered, formats, _tree_digest(themes, cache / "temas"), marp_version(root))
    manifest = _manifest(root, inputs, jobs, course, catalog, extra_files)
    result = BuildResult(dist=dist, rendered=rendered, slides={i.deck.id: len(i.slides) for i in rendered})
    if not force and not selected and previous == manifest and _complete(dist, manifest):
        result.up_to_date = True
        result.seconds = time.perf_counter() - started
        say("nada cambió: dist/ ya está al día")
        return result

    # 3. Convert what the cache does not have: one marp-cli process per format, all at once.
    outputs = cache / "salidas"
    outputs.mkdir(parents=True, exist_ok=True)
    todo: dict[str, list[tuple[RenderedDeck, str]]] = {}
    for item, fmt, key in jobs:
        wanted = selected is None or item.deck.id in selected
        cached = _cached(outputs, key, fmt)
        if wanted and (force or not cached.is_file()):
            todo.setdefault(fmt.name, []).append((item, key))
        elif cached.is_file():
            result.reused += 1
    batches = [_stage_batch(cache, FORMATS[name], items, images) for name, items in todo.items()]
    progress = progress or Progress()
    for batch in batches:
        progress.converting(batch.fmt.name, list(batch.deck_ids))
    on_done = lambda batch, seconds: progress.converted(batch.fmt.name, seconds)  # noqa: E731
    no_browser: BrowserNotFoundError | None = None
    try:
        conversion = start_batches(root, batches, themes, cache, on_done)
    except BrowserNotFoundError as err:
        # HTML needs no browser: publish it so the instructor can still present, then report the PDFs.
        batches = [b for b in batches if not b.fmt.needs_browser]
        if not batches:
            raise
        no_browser = err
        conversion = start_batches(root, batches, themes, cache, on_done)

    # 4. While marp-cli works, assemble the rest of the new dist/ next to the old one; swap at the end.
    staging = dist.parent / f".{dist.name}-nuevo-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    try:
        info = _stage_static(course, rendered, staging, catalog, extra_files)
        try:
            conversion.wait()
        except BrowserNotFoundError as err:  # marp-cli could not open the browser it was given
            batches = [b for b in batches if not b.fmt.needs_browser]
            if not batches:
                raise
            no_browser = err
        todo = {b.fmt.name: todo[b.fmt.name] for b in batches}
        _store(batches, todo, outputs)
        result.converted = {name: [i.deck.id for i, _ in items] for name, items in todo.items()}
        _stage_outputs(info, rendered, jobs, outputs, dist, staging, selected, course)
        bundle.render_landing(course, info, staging / "index.html")
        manifest_path_new = staging / ".marp-build.json"
        manifest_path_new.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        _swap(staging, dist)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    if no_browser is not None:
        msg = f"dist/ tiene las presentaciones en HTML, pero no los PDF: {no_browser}"
        raise BrowserNotFoundError(msg)
    _prune(outputs, {p.name for _, f, k in jobs for p in outputs.glob(f"{k}.{f.name}*")}, {f.name for _, f, _ in jobs})
    result.seconds = time.perf_counter() - started
    return result


def _plan_jobs(root: Path, rendered: list[RenderedDeck], formats: list[str], theme_digest: str,
               version: str) -> list[tuple[RenderedDeck, Format, str]]:
    """One conversion per (deck, format), keyed by a hash of everything that conversion reads."""
    jobs = []
    for item in rendered:
        linked = sorted({root / "decks" / m for m in _IMAGE_RE.findall(item.markdown)})
        for fmt in _formats_for(item.deck, formats):
            # HTML links its images; PDF and PPTX embed them, so their bytes are part of the key.
            image_digest = _tree_digest(linked, root) if fmt.needs_browser else ""
            key = _digest(version, fmt.name, " ".join(fmt.flags), theme_digest, image_digest, item.markdown)
            jobs.append((item, fmt, key))
    return jobs


def _manifest(root: Path, inputs: str, jobs, course: Course, catalog: list[dict], extra_files: dict[str, bytes]) -> dict:
    """What dist/ was built from: equal manifests mean an equal dist/."""
    images = root / "decks" / IMAGES_DIR
    data = root / DATA_DIR
    return {
        "entradas": inputs,
        "salidas": {output_name(i.deck, f): k for i, f, k in jobs},
        "datos": _tree_digest(bundle.bundled_files(data), root) if data.is_dir() else "",
        "extra": _digest(*extra_files.values()),
        # The landing page and the rehearsal report depend on the partials, the course and the catalog.
        "pagina": _digest(
            _tree_digest([p for p in (root / "partials").glob("*") if p.is_file()], root),
            _tree_digest(list((root / "themes").glob("*.css")), root),
            json.dumps(course.data, sort_keys=True, ensure_ascii=False),
            json.dumps(catalog, sort_keys=True, ensure_ascii=False, default=str),
            _tree_digest(list(images.glob("*")), root) if images.is_dir() else "",
            _tree_digest(list((root / facts.FACTS_DIR).glob("*.y*ml")), root),  # hechos.html lists every fact
        ),
    }


def _stage_batch(cache: Path, fmt: Format, items: list[tuple[RenderedDeck, str]], images: Path) -> Batch:
    """Fresh input and output folders for one marp-cli process."""
    input_dir = stage_inputs(cache / f"entrada-{fmt.name}", {i.deck.id: i.markdown for i, _ in items},
                             images if images.is_dir() else None)
    out_dir = cache / f"salida-{fmt.name}"
    if out_dir.exists():
        shutil.rmtree(out_dir)
    return Batch(fmt, input_dir, out_dir, tuple(i.deck.id for i, _ in items))


def _check_images(root: Path, rendered: list[RenderedDeck]) -> None:
    """Every image a deck links must exist (marp-cli would only warn, and silently drop it from the PDF).

    Raises:
        TemplateError: naming the template line that links the missing image.
    """
    problems = []
    for item in rendered:
        template = (root / item.deck.template).read_text(encoding="utf-8").splitlines()
        for ref in dict.fromkeys(_IMAGE_RE.findall(item.markdown)):
            if not (root / "decks" / ref).is_file():
                line = next((n for n, text in enumerate(template, 1) if ref in text), 1)
                problems.append(
                    f"{item.deck.template}:{line}: la imagen {ref} no existe en decks/{IMAGES_DIR}/; "
                    "revisa el nombre o agrega el archivo"
                )
    if problems:
        raise TemplateError("\n".join(problems))


def _extra_bundle_files(root: Path) -> dict[str, bytes]:
    """Files generated into the bundle: the stand-alone validator for attendees (same code as ours)."""
    validator = Path(__file__).with_name("validate_data.py")
    if not validator.is_file():
        return {}
    source = validator.read_text(encoding="utf-8")
    converter = validator.with_name("convert_data.py").read_text(encoding="utf-8")
    # Next to the validator, the converter imports it under its bundled name.
    converter = converter.replace("from marp_build.validate_data import", "from validar_datos import")
    return {
        "codigo/validar_datos.py": source.encode("utf-8"),
        "codigo/convertir_hoja.py": converter.encode("utf-8"),
        "codigo/validar_datos_colab.ipynb": bundle.validator_notebook(source, converter),
    }


def _store(batches: list[Batch], todo: dict[str, list[tuple[RenderedDeck, str]]], outputs: Path) -> None:
    """Move fresh conversions into the content-addressed cache."""
    for batch in batches:
        for item, key in todo[batch.fmt.name]:
            produced = batch.output_dir / f"{item.deck.id}{batch.fmt.suffix}"
            os.replace(produced, _cached(outputs, key, batch.fmt))


def _stage_static(course, rendered, staging, catalog, extra_files) -> bundle.LandingInfo:
    """Everything in dist/ that does not come from marp-cli: images, data, zip, rehearsal report."""
    info = bundle.LandingInfo()
    images = course.root / "decks" / IMAGES_DIR
    if images.is_dir():
        shutil.copytree(images, staging / IMAGES_DIR)
        if any(item.deck.kind == "guia" for item in rendered):
            # Guides' HTML lives in guias/ and links img/… relative to itself, like the decks do.
            shutil.copytree(images, staging / "guias" / IMAGES_DIR)
    data_dir = course.root / DATA_DIR
    if data_dir.is_dir():
        bundle.copy_data(data_dir, staging / "datos", extra_files)
        zip_path = bundle.write_zip(data_dir, staging / bundle.ZIP_NAME, extra_files)
        info.zip = bundle.Download("Datos y plantillas", bundle.ZIP_NAME, bundle.human_size(zip_path.stat().st_size))
        info.datasets, info.code = _catalog_downloads(catalog, staging)
    # The instructor's rehearsal report: not linked from the attendees' page.
    (staging / "instructor").mkdir(exist_ok=True)
    report = render_report(course, rehearse(course, rendered))
    (staging / "instructor" / "ensayo.html").write_text(report, encoding="utf-8")
    for item in rendered:
        if item.deck.kind == "presentacion":
            script = render_script(course, item)
            (staging / "instructor" / f"{item.deck.id}-guion.html").write_text(script, encoding="utf-8")
    facts.write_pages(course, rendered, staging)  # fuentes.html and instructor/hechos.html
    return info


def _stage_outputs(info, rendered, jobs, outputs, dist, staging, selected, course) -> None:
    """The converted decks and guides (from the cache, or kept from the previous dist/), listed in `info`."""
    by_deck: dict[str, dict[str, bundle.Download]] = {}
    keys = {(item.deck.id, fmt.name): key for item, fmt, key in jobs}
    epoch = bundle.source_date_epoch(course.root) if any(f.suffix == ".pdf" for _, f, _ in jobs) else 0
    for item in rendered:
        for fmt in _formats_for(item.deck, FORMATS):
            name = output_name(item.deck, fmt)
            key = keys.get((item.deck.id, fmt.name))
            cached = _cached(outputs, key, fmt) if key else None
            target = staging / name
            if cached is not None and cached.is_file():
                source = cached
                if fmt.suffix == ".pdf":
                    # PDFs get fixed dates; the stamped copy is cached per date, so it is made once.
                    source = cached.with_name(f"{key}.{fmt.name}.{epoch}{fmt.suffix}")
                    if not source.is_file():
                        bundle.stamp_pdf(cached, source, epoch)
            elif (dist / name).is_file() and (key is None or selected is not None):
                source = dist / name  # a format or deck not built this time: keep its previous output
            else:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(source, target)
            size = bundle.human_size(target.stat().st_size)
            by_deck.setdefault(item.deck.id, {})[fmt.name] = bundle.Download(item.deck.title, name, size)
    subsections = {s["id"]: s for s in course.data["secciones"]}
    for item in rendered:
        deck, files = item.deck, by_deck.get(item.deck.id, {})
        if deck.kind == "guia":
            if "pdf" in files:
                d = files["pdf"]
                info.guides.append(bundle.Download(deck.title, d.href, d.size, deck.description, "guia"))
            continue
        sections = [subsections[s["id"]] for s in deck.sections]
        schedule = ", ".join(f"{s['hora_inicio']}–{s['hora_fin']}" for s in sections)
        info.presentations.append({
            "titulo": deck.title, "descripcion": deck.description, "diapositivas": len(item.slides),
            "horario": schedule, "html": files.get("html"), "pdf": files.get("pdf"), "notas": files.get("notas"),
        })


_ROLE_NAMES = {"entrenamiento": "entrenamiento", "validacion": "validación"}
_FORMAT_NAMES = {
    "jsonl-chat": "JSONL (chat)",
    "csv-clasificador": "CSV (texto, etiqueta)",
    "csv-hoja": "CSV (hoja de cálculo)",
}


def _catalog_downloads(catalog: list[dict], staging: Path) -> tuple[list[dict], list[dict]]:
    datasets, code = [], []
    for entry in catalog:
        files = entry.get("archivos", {})
        downloads = []
        for role, relative in files.items():
            path = staging / "datos" / relative
            if path.is_file():
                label = Path(relative).name
                downloads.append(bundle.Download(label, f"datos/{relative}", bundle.human_size(path.stat().st_size),
                                                 _ROLE_NAMES.get(role, role)))
        item = dict(entry, descargas=downloads, formato_legible=_FORMAT_NAMES.get(entry.get("formato", ""), entry.get("formato", "")))
        (code if entry.get("tarea") == "codigo" else datasets).append(item)
    validator = [
        bundle.Download(Path(name).name, f"datos/{name}", bundle.human_size((staging / "datos" / name).stat().st_size))
        for name in ("codigo/validar_datos_colab.ipynb", "codigo/validar_datos.py", "codigo/convertir_hoja.py")
        if (staging / "datos" / name).is_file()
    ]
    if validator:
        code.insert(0, {
            "id": "codigo-validador",
            "titulo": "Validador de datos",
            "descripcion": "Revisa tu JSONL o CSV antes de entrenar, y convierte una hoja de ejemplos en JSONL: abre "
                           "el cuaderno en Google Colab y elige tu archivo, o ejecuta «python validar_datos.py "
                           "archivo» en tu computadora.",
            "descargas": validator,
        })
    return datasets, code


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _swap(staging: Path, dist: Path) -> None:
    """Replace dist/ by the staged folder: two renames, so dist/ is never half-written."""
    old = dist.parent / f".{dist.name}-anterior-{os.getpid()}"
    if dist.exists():
        os.replace(dist, old)
    os.replace(staging, dist)
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


def _cached(outputs: Path, key: str, fmt: Format) -> Path:
    """The cache file of one conversion: content hash, then the format (so pruning can tell formats apart)."""
    return outputs / f"{key}.{fmt.name}{fmt.suffix}"


def _prune(outputs: Path, keep: set[str], formats: set[str]) -> None:
    """Drop cached conversions of the formats just built that no current deck uses.

    Without it the cache grows with every edit; formats not built this time keep their entries.
    """
    for path in outputs.iterdir():
        fmt = path.name.split(".")[1] if path.name.count(".") >= 2 else ""
        if fmt in formats and path.name not in keep:
            path.unlink(missing_ok=True)


def _inputs_digest(root: Path, formats: list[str]) -> str:
    """One hash over every file a build reads, the code that reads them and the tools it runs.

    It lets a rebuild with nothing changed stop before rendering; any doubt falls through to the full build,
    which compares the rendered outputs themselves.
    """
    sources = [root / "course.yaml"]
    for folder in ("decks", "partials", "themes", DATA_DIR, facts.FACTS_DIR):
        if (root / folder).is_dir():
            sources += [p for p in (root / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    package = Path(__file__).parent
    code = [p for p in package.rglob("*") if p.suffix in (".py", ".json") and "__pycache__" not in p.parts]
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "") or str(_git_head(root))
    return _digest(
        _tree_digest([p for p in sources if p.exists()], root),
        _tree_digest(code, package),
        marp_version(root), " ".join(formats), epoch,
    )


def _git_head(root: Path) -> str:
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


def _read_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _complete(dist: Path, manifest: dict) -> bool:
    return (dist / "index.html").is_file() and all((dist / name).is_file() for name in manifest["salidas"])
