"""Turns a spreadsheet of examples (CSV `sistema,pregunta,respuesta`) into chat JSONL.

Attendees write their examples in Excel or Google Sheets, one row per example; this writes the
`{"messages": [...]}` lines that the platforms and the validator expect. An empty `sistema` cell means
"the same system prompt as the row above". All-or-nothing: with any bad row nothing is written.
"""

from __future__ import annotations

import json
import os
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from datacheck.catalog import (
    ANSWER_EMPTY,
    EMPTY_SHEET,
    NO_COLUMNS,
    NO_ROWS_SHEET,
    QUESTION_EMPTY,
    SEPARATOR_NAMES,
    SHEET_HEADER_BOTH,
    SHEET_HEADER_ONE,
    SHEET_ROW_CELLS,
)
from datacheck.findings import ERROR, Finding, Findings, show
from datacheck.textio import CsvSource, sheet_row_note, sniff_binary

# Header names accepted for each role, compared without accents and case.
_ALIASES: dict[str, str] = {
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
class SheetConversion:
    """What a conversion did: the rows it turned into examples and the problems it found."""

    source: str
    output: str
    examples: int = 0
    findings: list[Finding] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not any(f.level == ERROR for f in self.findings)


def default_output(source: Path) -> Path:
    """hoja.csv → hoja.jsonl, next to it."""
    return Path(source).with_suffix(".jsonl")


def _normalise(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def looks_like_sheet(path: Path) -> bool:
    """True when the first line of `path` names a question and an answer column (a sheet to convert)."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as f:
            first = f.readline(1 << 16)
    except OSError:
        return False
    cells = first.replace(";", ",").replace("\t", ",").split(",")
    roles = {_ALIASES.get(_normalise(cell.strip().strip('"'))) for cell in cells}
    return {"user", "assistant"} <= roles


def convert_sheet(source: Path, output: Path) -> SheetConversion:
    """Convert the spreadsheet CSV `source` into chat JSONL at `output` (replaced atomically).

    Raises:
        OSError: `source` cannot be read or `output` cannot be written.
    """
    source, output = Path(source), Path(output)
    display = str(source)
    findings = Findings(display)
    result = SheetConversion(display, str(output))
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out, open(source, "rb") as f:
            binary = sniff_binary(f.read(4096))
            if binary is not None:
                findings.add(1, binary)
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


def _convert_rows(source: CsvSource, findings: Findings, out: TextIO) -> int:
    columns: dict[str, int] | None = None
    names: dict[str, str] = {}
    system: str | None = None
    examples = 0
    for line, row_number, cells in source.rows():
        if columns is None:
            columns, names = _columns(source, findings)
            if columns is None:
                return 0
        note = sheet_row_note(line, row_number)
        if not any(c.strip() for c in cells):
            continue  # spreadsheets export trailing empty rows (",,"): nothing to convert, nothing wrong
        width = len(source.header or [])
        if any(c.strip() for c in cells[width:]):
            findings.add(line, SHEET_ROW_CELLS, note=note, width=width, separator=SEPARATOR_NAMES[source.delimiter])
            continue
        user, assistant = _cell(cells, columns, "user"), _cell(cells, columns, "assistant")
        bad = False
        if not user:
            findings.add(line, QUESTION_EMPTY, column=names["user"], note=note)
            bad = True
        if not assistant:
            findings.add(line, ANSWER_EMPTY, column=names["assistant"], note=note)
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
        findings.add(None, EMPTY_SHEET)
    elif columns is not None and examples == 0 and findings.n_errors == 0:
        findings.add(None, NO_ROWS_SHEET)
    return examples


def _cell(cells: list[str], columns: dict[str, int], role: str) -> str:
    index = columns.get(role)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _columns(source: CsvSource, findings: Findings) -> tuple[dict[str, int] | None, dict[str, str]]:
    """Map each role to its column index; report a header that lacks the question or answer column."""
    header = source.header or []
    columns: dict[str, int] = {}
    names: dict[str, str] = {}
    for index, name in enumerate(header):
        role = _ALIASES.get(_normalise(name))
        if role and role not in columns:
            columns[role] = index
            names[role] = name
    if "user" in columns and "assistant" in columns:
        return columns, names
    found = ", ".join(show(h) for h in header) or NO_COLUMNS
    if "user" not in columns and "assistant" not in columns:
        findings.add(source.header_line, SHEET_HEADER_BOTH, found=found)
    else:
        findings.add(source.header_line, SHEET_HEADER_ONE, found=found,
                     missing="pregunta" if "user" not in columns else "respuesta")
    return None, names
