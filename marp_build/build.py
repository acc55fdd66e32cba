"""Orchestration: load → validate → model → render → convert → bundle → publish into dist/.

Everything is gathered and converted in a staging folder first; dist/ is replaced only at the end, so a
failed or interrupted build leaves the previous dist/ whole. Conversions are cached by a hash of their
inputs (rendered Markdown, themes, linked images, marp-cli version, format), so a rebuild re-converts
only the decks whose inputs changed, and a rebuild with nothing changed starts neither Node nor a browser.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from marp_build import bundle, design, facts, measures, publish, quick
from marp_build.browser import _MEASURE_JS
from marp_build.diagrams import copy_images
from marp_build.doctor import marp_version
from marp_build.errors import BrowserNotFoundError, Issue, RemoteRequestError, TemplateError, UsageError
from marp_build.layout import IMAGES_DIR, generated_files, output_name
from marp_build.layout import formats_for as _formats_for
from marp_build.livemarp import LiveMarp
from marp_build.load import load_course
from marp_build.marp import (
    FORMATS,
    Batch,
    Format,
    finish_html,
    prepare_themes,
    presenter_script,
    stage_inputs,
    start_batches,
    warm_up_browser,
)
from marp_build.model import Course, build_course, schedule_issues
from marp_build.quick import digest
from marp_build.rehearse import rehearse, render_report, write_scripts
from marp_build.render import DATA_DIR, RenderedDeck, forget_tokenizers, locate, render_decks
from marp_build.schema import validate
from marp_build.sources import refuse_outside_links

__all__ = ["BuildResult", "Progress", "build", "load", "DEFAULT_FORMATS", "output_name"]

DEFAULT_FORMATS = ("html", "pdf", "notas")
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


def load(root: Path) -> Course:
    """course.yaml → validated course model (stages 1–3)."""
    source = load_course(root)
    validate(source)
    return build_course(source, root)


def _tree_digest(paths: Iterable[Path], base: Path) -> str:
    return digest(*(f"{p.relative_to(base).as_posix()}\0".encode() + p.read_bytes() for p in sorted(paths)))


def build(
    root: Path,
    dist: Path | None = None,
    formats: Iterable[str] = DEFAULT_FORMATS,
    only: Iterable[str] | None = None,
    force: bool = False,
    report: Reporter | None = None,
    progress: Progress | None = None,
    converter: LiveMarp | None = None,
) -> BuildResult:
    """Build the whole course into `dist/`.

    `converter`: a running marp-cli (`serve` keeps one); without it the build starts its own once it knows
    something changed, and ends it.

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
    publish.check_output_folder(root, dist)
    cache = quick.cache_folder(root)
    with publish.project_lock(cache, say):
        publish.remove_leftovers(dist)
        return _build(root, dist, cache, formats, only, force, say, progress, started, converter)


def _build(root: Path, dist: Path, cache: Path, formats: list[str], only: Iterable[str] | None, force: bool,
           say: Reporter, progress: Progress | None, started: float, converter: LiveMarp | None) -> BuildResult:
    """`build` once the output folder is known to be safe and the project lock is held."""

    # 0. Nothing changed since the last complete build? Then start nothing (no rendering, no Node).
    if not force and not only and quick.up_to_date(root, dist, cache, formats):  # from stamps, nothing read
        say("nada cambió: dist/ ya está al día")
        return BuildResult(dist=dist, up_to_date=True, seconds=time.perf_counter() - started)
    manifest_path = dist / publish.MANIFEST
    previous = publish.read_json(manifest_path)
    state = quick.inputs_state(root, formats)  # every input stamped, then hashed, before anything reads it
    # A build of some decks only (--solo) may leave others out: the next full build must not take it as done.
    inputs = state.digest if not only else f"{state.digest}:solo:{','.join(sorted(only))}"
    if (not force and not only and isinstance(previous, dict) and previous.get("entradas") == inputs
            and publish.intact(cache, root, dist)):
        quick.write_inputs(cache, root, dist, state)
        say("nada cambió: dist/ ya está al día")
        return BuildResult(dist=dist, up_to_date=True, seconds=time.perf_counter() - started)

    # Something changed: start Node and marp-cli now, so they load while Python renders; and Chromium too,
    # when PDFs are wanted and the change can touch them.
    own = (LiveMarp.adopt(root) or LiveMarp.start(root, cache)) if converter is None else None
    if (own is not None and not own.browser_asked and any(FORMATS[f].needs_browser for f in formats)
            and (force or quick.may_change_pdfs(root, dist, cache, formats))):
        warm_up_browser(own)
    finished = False
    try:
        result = _build_changed(root, dist, cache, formats, only, force, say, progress, started, state, inputs,
                                converter or own, own is not None)
        finished = True
        return result
    finally:
        if own is not None:
            own.close() if finished else own.terminate()


def _build_changed(root: Path, dist: Path, cache: Path, formats: list[str], only: Iterable[str] | None,
                   force: bool, say: Reporter, progress: Progress | None, started: float,
                   state: quick.InputState, inputs: str, converter: LiveMarp | None, owned: bool) -> BuildResult:
    """`_build` once it knows that something changed: render, convert, assemble, publish."""
    since = time.time()  # cache entries written after this (by `serve`'s preview) are never pruned here

    # 1. Gather: everything that can fail on the user's sources fails here, before any file is written.
    refuse_outside_links(root)
    course = load(root)
    selected = set(only) if only else None
    if selected:
        missing = selected - {d.id for d in course.decks}
        if missing:
            known = ", ".join(d.id for d in course.decks)
            raise UsageError(f"no existe la presentación {', '.join(sorted(missing))} en course.yaml (hay: {known})")
    rendered = render_decks(course)
    forget_tokenizers()
    _check_images(root, rendered)
    say(f"{len(rendered)} documentos generados desde las plantillas")
    themes = prepare_themes(root / "themes", cache / "temas")
    images = root / "decks" / IMAGES_DIR

    # 2. Plan: one job per (deck, format); its cache key covers every input of that conversion.
    # Keys for every format, so outputs of formats not built now are published from the cache when they
    # match the current sources, and left out when they do not (never a stale PDF next to a new HTML).
    all_jobs = _plan_jobs(root, rendered, list(FORMATS), _tree_digest(themes, cache / "temas"), marp_version(root))
    jobs = [job for job in all_jobs if job[1].name in formats]
    result = BuildResult(dist=dist, slides={i.deck.id: len(i.slides) for i in rendered})

    # 3. Convert what the cache does not have: one marp-cli batch per format, all at once, as soon as the
    # plan is known (the rest of the sources are read while marp-cli works).
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
    # Browser formats first: they are the longest, and the converter's single JavaScript thread then renders
    # their Markdown before the HTML's, so Chromium gets to work sooner.
    order = sorted(todo, key=lambda name: not FORMATS[name].needs_browser)
    batches = [_stage_batch(cache, FORMATS[name], todo[name], images) for name in order]
    progress = progress or Progress()
    for batch in batches:
        progress.converting(batch.fmt.name, list(batch.deck_ids))
    on_done = lambda batch, seconds: progress.converted(batch.fmt.name, seconds)  # noqa: E731
    # The printed pages are measured for `check` as they are printed (see measures.py): PDF only, once per deck.
    printed = {item.deck.id: key for item, fmt, key in jobs if fmt.name == "pdf"}
    memo = measures.memo_folder(root)

    def measure(batch: Batch, deck_id: str):
        if batch.fmt.name != "pdf" or (memo / f"{measures.printed_key(printed[deck_id])}.json").is_file():
            return None
        return _MEASURE_JS, batch.output_dir / f"{deck_id}.medidas.json"

    no_browser: BrowserNotFoundError | None = None
    try:
        conversion = start_batches(root, batches, themes, cache, on_done, converter=converter, measure=measure)
    except BrowserNotFoundError as err:
        # HTML needs no browser: publish it so the instructor can still present, then report the PDFs.
        batches = [b for b in batches if not b.fmt.needs_browser]
        if not batches:
            raise
        no_browser = err
        conversion = start_batches(root, batches, themes, cache, on_done, converter=converter, measure=measure)
    diagrams = _measure_diagrams(converter, batches, memo)
    try:
        catalog = bundle.load_catalog(root)
        extra_files = generated_files()
        for issue in schedule_issues(course):
            say(f"aviso: {issue.format()}")
        manifest = _manifest(root, inputs, jobs, course, catalog, extra_files)
    except BaseException:
        conversion.terminate()  # the data or the schedule are wrong: nothing is published
        raise

    # 4. While marp-cli works, assemble the rest of the new dist/ next to the old one; swap at the end.
    staging = publish.new_staging(dist)
    finished = False
    try:
        info = _stage_static(course, rendered, staging, catalog, extra_files)
        converting = {(i.deck.id, name) for name, items in todo.items() for i, _ in items}
        copied = _copy_outputs(rendered, [j for j in all_jobs if (j[0].deck.id, j[1].name) not in converting],
                               outputs, staging, course)  # the unchanged ones, while marp-cli works
        try:
            conversion.wait()
            if owned and converter is not None:
                converter.close(wait=None)  # Node closes its browser while we assemble dist/
        except BrowserNotFoundError as err:  # marp-cli could not open the browser it was given
            batches = [b for b in batches if not b.fmt.needs_browser]
            if not batches:
                raise
            no_browser = err
        except RemoteRequestError as err:
            raise _located(root, rendered, err) from err
        todo = {b.fmt.name: todo[b.fmt.name] for b in batches}
        _keep_measures(batches, printed, memo, diagrams, since if "pdf" in formats else None)
        _store(batches, todo, outputs)
        result.converted = {name: [i.deck.id for i, _ in items] for name, items in todo.items()}
        _list_outputs(info, rendered, _copy_outputs(rendered, all_jobs, outputs, staging, course, copied), course)
        write_scripts(course, rendered, staging)  # instructor scripts show the slides from the built HTML
        bundle.render_landing(course, info, staging / "index.html")
        publish.finish_staging(staging)
        stamps = publish.file_stamps(staging)
        manifest["archivos"] = sorted(stamps)
        manifest_path_new = staging / publish.MANIFEST
        manifest_path_new.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        publish.swap(staging, dist)
        publish.write_stamps(cache, root, dist, stamps)
        quick.write_inputs(cache, root, dist, None if selected else state)
        finished = True
    finally:
        if not finished:
            conversion.terminate()  # marp-cli and its browser die with the build
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    if no_browser is not None:
        msg = f"dist/ tiene las presentaciones en HTML, pero no los PDF: {no_browser}"
        raise BrowserNotFoundError(msg)
    _prune(outputs, {p.name for _, f, k in jobs for p in outputs.glob(f"{k}.{f.name}*")}, {f.name for _, f, _ in jobs},
           since)
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
            extra = presenter_script() if fmt.name == "html" else ""  # added to the HTML after marp-cli
            key = digest(version, fmt.name, " ".join(fmt.flags), theme_digest, image_digest, extra, item.markdown)
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
        "extra": digest(*extra_files.values()),
        # The landing page and the rehearsal report depend on the partials, the course and the catalog.
        "pagina": digest(
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
                             images if images.is_dir() else None, embed=fmt.needs_browser)
    out_dir = cache / f"salida-{fmt.name}"
    if out_dir.exists():
        shutil.rmtree(out_dir)
    return Batch(fmt, input_dir, out_dir, tuple(i.deck.id for i, _ in items))


def _measure_diagrams(converter: LiveMarp | None, batches: list[Batch], memo: Path):
    """Have the converter's browser measure the diagrams `check` has no measurement of (see design.py).

    Returns (future, SVG files sent), or None when nothing is sent: no converter, no PDF, all measured.
    """
    pdf = next((b for b in batches if b.fmt.name == "pdf"), None)
    if converter is None or pdf is None or not converter.alive():
        return None
    svgs = [svg for svg in sorted((pdf.input_dir / IMAGES_DIR).glob("*.svg"))
            if not (memo / f"{design.diagram_key(svg.read_bytes())}.json").is_file()]
    return (converter.diagrams(svgs, design.SVG_JS), svgs) if svgs else None


def _keep_measures(batches: list[Batch], printed: dict[str, str], memo: Path, diagrams, since: float | None) -> None:
    """Store what the converter measured while printing, for `check` (a missing measurement is made there).

    `since`: when the build started, if it built the PDFs. Once every deck's printed page is measured, the
    older measurements (of earlier versions, or those `check` made on the HTML) are removed, or the folder
    would grow with every edit.
    """
    pdf = next((b for b in batches if b.fmt.name == "pdf"), None)
    if pdf is None:
        return
    names = measures.image_names(pdf.input_dir / IMAGES_DIR)
    for deck_id in pdf.deck_ids:
        raw = pdf.output_dir / f"{deck_id}.medidas.json"
        measured = measures.from_printed(raw, names) if raw.is_file() else None
        if measured is not None:
            measures.write_slides(memo / f"{measures.printed_key(printed[deck_id])}.json", *measured)
    svgs = sorted((pdf.input_dir / IMAGES_DIR).glob("*.svg"))
    if diagrams is not None:
        future, sent = diagrams
        try:
            code, output = future.result(timeout=60)
            results = json.loads(output) if code == 0 else None
        except (TimeoutError, ValueError):
            results = None
        if isinstance(results, list) and len(results) == len(sent):
            for svg, result in zip(sent, results):
                design.write_diagram(memo / f"{design.diagram_key(svg.read_bytes())}.json", result)
    keep = {f"{measures.printed_key(key)}.json" for key in printed.values()}
    keep |= {f"{design.diagram_key(svg.read_bytes())}.json" for svg in svgs}
    if since is None or not all((memo / name).is_file() for name in keep):
        return  # some deck is still measured by `check` on its HTML (a PDF cached before measuring existed)
    for old in memo.glob("*.json"):
        try:
            if old.name not in keep and old.stat().st_mtime < since:
                old.unlink()
        except OSError:
            continue


def printed_measure_keys(root: Path, rendered: list[RenderedDeck]) -> dict[str, str]:
    """For each deck printed to PDF, the key of the measurement its printing leaves (see measures.py)."""
    themes = prepare_themes(root / "themes", quick.cache_folder(root) / "temas")
    jobs = _plan_jobs(root, rendered, ["pdf"], _tree_digest(themes, quick.cache_folder(root) / "temas"),
                      marp_version(root))
    return {item.deck.id: measures.printed_key(key) for item, _fmt, key in jobs}


def _located(root: Path, rendered: list[RenderedDeck], err: RemoteRequestError) -> RemoteRequestError:
    """The same error, each deck's record naming the template line its first refused URL comes from."""
    items = {item.deck.id: item for item in rendered}
    issues = []
    for deck, urls in err.blocked.items():
        item = items.get(deck)
        where: tuple[str, int | None] = ("", None)
        if item is not None:
            where = locate(root, item, next((u for u in urls if u in item.markdown), urls[0]))
        issues.append(Issue(*where, RemoteRequestError.message(deck, err.fmt, urls), err.code))
    return RemoteRequestError(err.blocked, err.fmt, *issues)


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
                problems.append(Issue(item.deck.template, line, f"la imagen {ref} no existe en decks/{IMAGES_DIR}/; "
                                      "revisa el nombre o agrega el archivo", "imagen-falta"))
    if problems:
        raise TemplateError(*problems)


def _store(batches: list[Batch], todo: dict[str, list[tuple[RenderedDeck, str]]], outputs: Path) -> None:
    """Move fresh conversions into the content-addressed cache."""
    for batch in batches:
        for item, key in todo[batch.fmt.name]:
            produced = batch.output_dir / f"{item.deck.id}{batch.fmt.suffix}"
            if batch.fmt.name == "html":
                finish_html(produced)
            os.replace(produced, _cached(outputs, key, batch.fmt))


def _stage_static(course, rendered, staging, catalog, extra_files) -> bundle.LandingInfo:
    """Everything in dist/ that does not come from marp-cli: images, data, zip, rehearsal report."""
    info = bundle.LandingInfo()
    images = course.root / "decks" / IMAGES_DIR
    if images.is_dir():
        copy_images(images, staging / IMAGES_DIR)  # with the course font embedded in every SVG
        if any(item.deck.kind == "guia" for item in rendered):
            # Guides' HTML lives in guias/ and links img/… relative to itself, like the decks do.
            copy_images(images, staging / "guias" / IMAGES_DIR)
    data_dir = course.root / DATA_DIR
    if data_dir.is_dir():
        bundle.copy_data(data_dir, staging / "datos", extra_files)
        zip_path = bundle.write_zip(data_dir, staging / bundle.ZIP_NAME, extra_files)
        info.zip = bundle.Download("Datos y plantillas", bundle.ZIP_NAME, bundle.human_size(zip_path.stat().st_size))
        info.datasets, info.code = bundle.catalog_downloads(catalog, staging)
    # The instructor's rehearsal report: not linked from the attendees' page.
    (staging / "instructor").mkdir(exist_ok=True)
    report = render_report(course, rehearse(course, rendered))
    (staging / "instructor" / "ensayo.html").write_text(report, encoding="utf-8")
    facts.write_pages(course, rendered, staging)  # fuentes.html and instructor/hechos.html
    return info


def _copy_outputs(rendered, jobs, outputs, staging, course, copied: dict | None = None) -> dict:
    """Copy into `staging` the converted decks and guides that the cache holds for their current content.

    Returns {(deck id, format): Download}; `copied` (what an earlier call copied) is kept and not copied again:
    the build copies the unchanged decks while marp-cli converts the others, then those.
    """
    copied = dict(copied or {})
    keys = {(item.deck.id, fmt.name): key for item, fmt, key in jobs}
    epoch = bundle.source_date_epoch(course.root) if any(f.suffix == ".pdf" for _, f, _ in jobs) else 0
    for item in rendered:
        for fmt in _formats_for(item.deck, FORMATS):
            if (item.deck.id, fmt.name) in copied:
                continue
            name = output_name(item.deck, fmt)
            key = keys.get((item.deck.id, fmt.name))
            cached = _cached(outputs, key, fmt) if key else None
            if cached is None or not cached.is_file():
                continue  # never converted for its current content: not published (never a stale copy)
            source = cached
            if fmt.suffix == ".pdf":
                # PDFs get fixed dates; the stamped copy is cached per date, so it is made once.
                source = cached.with_name(f"{key}.{fmt.name}.{epoch}{fmt.suffix}")
                if not source.is_file():
                    bundle.stamp_pdf(cached, source, epoch)
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            # A copy, not a hard link: editing a file in dist/ must never change the cache.
            shutil.copyfile(source, target)
            copied[(item.deck.id, fmt.name)] = bundle.Download(item.deck.title, name, bundle.human_size(target.stat().st_size))
    return copied


def _list_outputs(info, rendered, copied: dict, course) -> None:
    """The landing page's cards for the decks and guides copied into the new dist/."""
    by_deck: dict[str, dict[str, bundle.Download]] = {}
    for (deck_id, fmt_name), download in copied.items():
        by_deck.setdefault(deck_id, {})[fmt_name] = download
    sections = {s.id: s for s in course.sections}
    for item in rendered:
        deck, files = item.deck, by_deck.get(item.deck.id, {})
        if deck.kind == "guia":
            if "pdf" in files:
                d = files["pdf"]
                info.guides.append(bundle.Download(deck.title, d.href, d.size, deck.description, "guia"))
            continue
        schedule = ", ".join(f"{sections[s].start}–{sections[s].end}" for s in deck.section_ids)
        info.presentations.append({
            "titulo": deck.title, "descripcion": deck.description, "diapositivas": len(item.slides),
            "horario": schedule, "html": files.get("html"), "pdf": files.get("pdf"), "notas": files.get("notas"),
        })


def _cached(outputs: Path, key: str, fmt: Format) -> Path:
    """The cache file of one conversion: content hash, then the format (so pruning can tell formats apart)."""
    return outputs / f"{key}.{fmt.name}{fmt.suffix}"


def _prune(outputs: Path, keep: set[str], formats: set[str], since: float = float("inf")) -> None:
    """Drop cached conversions of the formats just built that no current deck uses.

    Without it the cache grows with every edit; formats not built this time keep their entries, and so do
    entries written after `since` (the build started): `serve` converts newer edits while a build runs.
    """
    for path in outputs.iterdir():
        fmt = path.name.split(".")[1] if path.name.count(".") >= 2 else ""
        if fmt in formats and path.name not in keep:
            try:
                if path.stat().st_mtime >= since:
                    continue
            except OSError:
                continue
            path.unlink(missing_ok=True)
