"""Stage 6: what attendees download, next to the converted decks: data files, the zip, the landing page."""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from marp_build.errors import MarpBuildError
from marp_build.load import load_yaml
from marp_build.marp import page_css
from marp_build.model import Course
from marp_build.render import DATA_DIR, make_environment, template_error

__all__ = ["Download", "LandingInfo", "write_zip", "copy_data", "load_catalog", "render_landing", "human_size",
           "ZIP_NAME", "catalog_downloads", "fixed_epoch", "source_date_epoch", "stamp_pdf", "bundled_files"]

ZIP_NAME = "datos-curso.zip"
_SKIP_NAMES = {"__pycache__", ".ipynb_checkpoints", ".DS_Store"}
_ZIP_EPOCH_MIN = 315532800  # 1980-01-01, the earliest date a zip entry can carry


def fixed_epoch() -> int:
    """The timestamp written into archives: SOURCE_DATE_EPOCH when set, else 1980-01-01 (reproducible)."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    return max(int(value), _ZIP_EPOCH_MIN) if value.isdigit() else _ZIP_EPOCH_MIN


def source_date_epoch(root: Path) -> int:
    """The date written into PDFs: SOURCE_DATE_EPOCH, else the last commit's date, else course.yaml's mtime-free
    fallback (1980-01-01). The same sources then give byte-identical PDFs."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "")
    if value.isdigit():
        return int(value)
    import subprocess

    try:
        done = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True,
                              timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return _ZIP_EPOCH_MIN
    text = done.stdout.strip()
    return int(text) if done.returncode == 0 and text.isdigit() else _ZIP_EPOCH_MIN


def stamp_pdf(source: Path, target: Path, epoch: int) -> None:
    """Copy a PDF with its creation/modification dates fixed to `epoch` (Chromium writes the current time).

    qpdf (through pikepdf) rewrites the file in milliseconds and with a deterministic /ID, so the same
    slides give the same bytes.
    """
    import time

    import pikepdf

    date = time.strftime("D:%Y%m%d%H%M%SZ", time.gmtime(epoch))
    tmp = target.with_name(target.name + ".tmp")
    with pikepdf.open(source) as pdf:
        pdf.docinfo["/CreationDate"] = date
        pdf.docinfo["/ModDate"] = date
        pdf.save(tmp, deterministic_id=True)
    os.replace(tmp, target)


def bundled_files(data_dir: Path) -> list[Path]:
    """Every file of data_templates/, sorted, without hidden files or caches."""
    files = []
    for path in sorted(data_dir.rglob("*")):
        relative = path.relative_to(data_dir)
        if any(part.startswith(".") or part in _SKIP_NAMES for part in relative.parts):
            continue
        # Defence in depth: a link leading outside the project is never bundled (the build refuses it first).
        if path.is_file() and path.resolve().is_relative_to(data_dir.resolve().parent):
            files.append(path)
    return files


def write_zip(data_dir: Path, target: Path, extra: dict[str, bytes] | None = None) -> Path:
    """Zip data_templates/ (plus `extra` files) with sorted entries and fixed timestamps.

    Two builds of the same files give the same bytes, so a published download never changes by accident.
    """
    import time

    stamp = time.gmtime(fixed_epoch())[:6]
    entries: dict[str, bytes] = {p.relative_to(data_dir).as_posix(): p.read_bytes() for p in bundled_files(data_dir)}
    entries.update(extra or {})
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(f"datos-curso/{name}", date_time=stamp)
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[name])
    return target


def copy_data(data_dir: Path, target: Path, extra: dict[str, bytes] | None = None) -> None:
    """data_templates/ as loose files too, so the landing page can link each dataset."""
    for path in bundled_files(data_dir):
        out = target / path.relative_to(data_dir)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, out)
    for name, content in (extra or {}).items():
        out = target / name
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(content)


def load_catalog(root: Path) -> list[dict[str, Any]]:
    """Every entry of the catalog (data_templates/catalogo.yaml), validated: datasets first, then code
    templates (marked `tarea: codigo`). Empty when there is no catalog yet.

    Raises:
        SchemaError: the catalog does not follow marp_build/schemas/catalog.schema.json.
    """
    path = root / DATA_DIR / "catalogo.yaml"
    if not path.is_file():
        return []
    from marp_build.schema import validate

    source = load_yaml(path, f"{DATA_DIR}/catalogo.yaml")
    data = validate(source, "catalog", f"{DATA_DIR}/catalogo.yaml")
    return [*data["conjuntos"], *({**entry, "tarea": "codigo"} for entry in data.get("codigo", []))]


def human_size(size: int) -> str:
    """Bytes as a Spanish-readable size: '1,2 MB'."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            text = f"{value:.0f}" if unit == "B" else f"{value:.1f}"
            return f"{text.replace('.', ',')} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


@dataclass
class Download:
    """A file on the landing page."""

    label: str
    href: str
    size: str = ""
    description: str = ""
    kind: str = ""


@dataclass
class LandingInfo:
    """What the landing page lists, gathered by the build after conversion."""

    presentations: list[dict[str, Any]] = field(default_factory=list)
    guides: list[Download] = field(default_factory=list)
    datasets: list[dict[str, Any]] = field(default_factory=list)
    code: list[dict[str, Any]] = field(default_factory=list)
    zip: Download | None = None


def render_landing(course: Course, info: LandingInfo, target: Path) -> Path:
    """Write dist/index.html from partials/landing.html.j2 with the landing CSS inlined.

    Raises:
        TemplateError / BundleError: the template fails or is missing.
    """
    env = make_environment(course.root)
    env.autoescape = True  # HTML output: escape what course.yaml and the catalog say
    css = page_css(course.root)
    try:
        html = env.get_template("partials/landing.html.j2").render(
            curso=course.data, info=info, css=css, qr=bool(course.data.get("url_publica"))
        )
    except (jinja2.TemplateError, MarpBuildError) as err:
        raise template_error(course.root, "partials/landing.html.j2", err) from err
    target.write_text(html, encoding="utf-8")
    return target


_ROLE_NAMES = {"entrenamiento": "entrenamiento", "validacion": "validación"}
_FORMAT_NAMES = {
    "jsonl-chat": "JSONL (chat)",
    "csv-clasificador": "CSV (texto, etiqueta)",
    "csv-hoja": "CSV (hoja de cálculo)",
}


def catalog_downloads(catalog: list[dict], staging: Path) -> tuple[list[dict], list[dict]]:
    """The landing page's dataset and code cards: catalog entries with the files staged under datos/."""
    datasets, code = [], []
    for entry in catalog:
        files = entry.get("archivos", {})
        downloads = []
        for role, relative in files.items():
            path = staging / "datos" / relative
            if path.is_file():
                label = Path(relative).name
                downloads.append(Download(label, f"datos/{relative}", human_size(path.stat().st_size),
                                                 _ROLE_NAMES.get(role, role)))
        kind = entry.get("formato", "")
        item = dict(entry, descargas=downloads, formato_legible=_FORMAT_NAMES.get(kind, kind))
        (code if entry.get("tarea") == "codigo" else datasets).append(item)
    validator = [
        Download(Path(name).name, f"datos/{name}", human_size((staging / "datos" / name).stat().st_size))
        for name in ("codigo/validar_datos_colab.ipynb", "codigo/validar_datos.py")
        if (staging / "datos" / name).is_file()
    ]
    if validator:
        code.insert(0, {
            "id": "codigo-validador",
            "titulo": "Validador de datos",
            "descripcion": "Revisa tu JSONL o CSV antes de entrenar, y convierte una hoja de ejemplos en JSONL: abre "
                           "el cuaderno en Google Colab y elige tu archivo, o ejecuta «python validar_datos.py "
                           "archivo» (o «python validar_datos.py convertir hoja.csv») en tu computadora.",
            "descargas": validator,
        })
    return datasets, code
