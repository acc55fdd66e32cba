"""Turns a spreadsheet of examples (CSV `sistema,pregunta,respuesta`) into chat JSONL.

Attendees write their examples in Excel or Google Sheets, one row per example; this writes the
`{"messages": [...]}` lines that the platforms and `validate_data` expect. An empty `sistema` cell means
"the same system prompt as the row above". All-or-nothing: with any bad row nothing is written.
"""

from __future__ import annotations

import json
import os
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, TextIO, Tuple

from marp_build.validate_data import CsvSource, Finding, _Findings, _sheet_row_note, _show, _sniff_binary

__all__ = ["Conversion", "convert_sheet", "default_output"]

# Header names accepted for each role, compared without accents and case.
_ALIASES: Dict[str, str] = {
    "sistema": "system",
    "system": "system",
    "pregunta": "user",
    "usuario": "user",
    "user": "user",
    "respuesta": "assistant",
    "asistente": "assistant",
    "assistant": "assistant",
}


@dataclass
class Conversion:
    """What a conversion did: the rows it turned into examples and the problems it found."""

    source: str
    output: str
    examples: int = 0
    findings: List[Finding] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not any(f.level == "error" for f in self.findings)


def default_output(source: Path) -> Path:
    """hoja.csv → hoja.jsonl, next to it."""
    return source.with_suffix(".jsonl")


def _normalise(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def convert_sheet(source: Path, output: Path) -> Conversion:
    """Convert the spreadsheet CSV `source` into chat JSONL at `output` (replaced atomically).

    Raises:
        OSError: `source` cannot be read or `output` cannot be written.
    """
    source, output = Path(source), Path(output)
    display = str(source)
    findings = _Findings(display)
    result = Conversion(display, str(output))
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out, open(source, "rb") as f:
            binary = _sniff_binary(f.read(4096))
            if binary is not None:
                findings.add(1, "error", binary[0], binary[1])
            else:
                f.seek(0)
                result.examples = _convert_rows(CsvSource(f, findings), findings, out)
        result.findings = findings.close()
        if result.ok:
            os.chmod(tmp_name, 0o644)  # mkstemp creates 0600; the JSONL is an ordinary document
            os.replace(tmp_name, output)
            result.written = True
    finally:
        if not result.written and os.path.exists(tmp_name):
            os.unlink(tmp_name)
    return result


def _convert_rows(source: CsvSource, findings: _Findings, out: TextIO) -> int:
    columns: Optional[Dict[str, int]] = None
    names: Dict[str, str] = {}
    system: Optional[str] = None
    examples = 0
    for line, row_number, cells in source.rows():
        if columns is None:
            columns, names = _columns(source, findings)
            if columns is None:
                return 0
        note = _sheet_row_note(line, row_number)
        if not any(c.strip() for c in cells):
            continue  # spreadsheets export trailing empty rows (",,"): nothing to convert, nothing wrong
        width = len(source.header or [])
        if any(c.strip() for c in cells[width:]):
            sep = "punto y coma" if source.delimiter == ";" else "comas"
            findings.add(
                line,
                "error",
                "fila-columnas",
                f"la fila{note} tiene texto en más celdas que el encabezado ({width} columnas); si un texto lleva "
                f"{sep}, enciérralo entre comillas dobles, o borra las celdas sobrantes",
            )
            continue
        user, assistant = _cell(cells, columns, "user"), _cell(cells, columns, "assistant")
        bad = False
        if not user:
            findings.add(
                line,
                "error",
                "pregunta-vacia",
                f"la celda {names['user']}{note} está vacía; escribe la pregunta del usuario o borra la fila",
            )
            bad = True
        if not assistant:
            findings.add(
                line,
                "error",
                "respuesta-vacia",
                f"la celda {names['assistant']}{note} está vacía; escribe la respuesta que el modelo debe "
                "aprender o borra la fila",
            )
            bad = True
        new_system = _cell(cells, columns, "system")
        if new_system:
            system = new_system  # an empty cell keeps the system prompt of the rows above
        if bad:
            continue
        messages = [{"role": "system", "content": system}] if system else []
        messages += [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
        out.write(json.dumps({"messages": messages}, ensure_ascii=False) + "\n")
        examples += 1
    if columns is None and source.header is not None and not source.failed:
        columns, names = _columns(source, findings)  # a header and no rows
    if source.header is None and not source.failed and findings.n_errors == 0:
        findings.add(
            None,
            "error",
            "archivo-vacio",
            "el archivo está vacío; la primera fila debe ser el encabezado sistema,pregunta,respuesta y después "
            "una fila por ejemplo",
        )
    elif columns is not None and examples == 0 and findings.n_errors == 0:
        findings.add(
            None,
            "error",
            "sin-filas",
            "la hoja no tiene filas de ejemplos debajo del encabezado; agrega una fila por ejemplo (al menos 10)",
        )
    return examples


def _cell(cells: List[str], columns: Dict[str, int], role: str) -> str:
    index = columns.get(role)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _columns(source: CsvSource, findings: _Findings) -> Tuple[Optional[Dict[str, int]], Dict[str, str]]:
    """Map each role to its column index; report a header that lacks the question or answer column."""
    header = source.header or []
    columns: Dict[str, int] = {}
    names: Dict[str, str] = {}
    for index, name in enumerate(header):
        role = _ALIASES.get(_normalise(name))
        if role and role not in columns:
            columns[role] = index
            names[role] = name
    if "user" in columns and "assistant" in columns:
        return columns, names
    found = ", ".join(_show(h) for h in header) or "ninguna"
    missing = [want for role, want in (("user", "pregunta"), ("assistant", "respuesta")) if role not in columns]
    findings.add(
        source.header_line,
        "error",
        "encabezado",
        f"{'falta la columna' if len(missing) == 1 else 'faltan las columnas'} {' y '.join(missing)} en el "
        f"encabezado; encontré: "
        f"{found}. La primera fila debe ser sistema,pregunta,respuesta (o system,user,assistant): renombra las "
        "columnas o agrega esa fila al principio",
    )
    return None, names
