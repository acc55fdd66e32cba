"""Reading a user's file as text: binary sniffing, streaming lines, BOM, JSON lines, and spreadsheet CSV.

Everything streams: a 1 GB file is read line by line and a line is never longer in memory than
MAX_LINE_BYTES. The CSV reader accepts what spreadsheets export (UTF-8 with or without BOM, else
Windows-1252; `,`, `;` or tab) and reports each physical line, also when a cell spans several lines.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from datacheck.catalog import (
    BINARY_NUL,
    BINARY_PDF,
    BINARY_XLS,
    BINARY_XLSX,
    BLANK_BEFORE_HEADER,
    CP1252,
    CSV_FIELD_TOO_LONG,
    CSV_MALFORMED,
    CSV_NUL,
    JSON_COLON,
    JSON_COMMA,
    JSON_CONTROL,
    JSON_ESCAPE,
    JSON_EXTRA,
    JSON_KEY_QUOTES,
    JSON_OTHER,
    JSON_PLAIN,
    JSON_UNICODE_ESCAPE,
    JSON_UNTERMINATED,
    JSON_VALUE,
    LONG_CSV_LINE,
    SEMICOLON,
    SHEET_ROW,
    TAB,
    UTF16,
)
from datacheck.findings import Findings, Message, num, size_text

MAX_LINE_BYTES = 32 * 1024 * 1024  # far above any example a platform accepts; caps memory per line
UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def sniff_binary(head: bytes) -> Message | None:
    """Recognise files that are not text at all (spreadsheets, PDFs, UTF-16) from their first bytes."""
    if head.startswith(_UTF16_BOMS) or (len(head) >= 4 and head[1:4:2] == b"\x00\x00" and head[0:1] != b"\x00"):
        return UTF16
    if head.startswith(b"PK\x03\x04"):
        return BINARY_XLSX
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return BINARY_XLS
    if head.startswith(b"%PDF"):
        return BINARY_PDF
    if b"\x00" in head:
        return BINARY_NUL
    return None


def long_line_size() -> str:
    """MAX_LINE_BYTES as a reader sees it ("32 MB"), for the message about a line that long."""
    return size_text(MAX_LINE_BYTES)


def physical_lines(f: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """Yield (line number, bytes with end of line) streaming; None for a line longer than MAX_LINE_BYTES."""
    limit = MAX_LINE_BYTES
    readline = f.readline
    lineno = 0
    while True:
        raw = readline(limit)
        if not raw:
            return
        lineno += 1
        if len(raw) == limit and not raw.endswith(b"\n"):
            # Skip the rest of the giant line in chunks so memory stays bounded.
            while True:
                chunk = readline(1 << 20)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield lineno, None
            continue
        yield lineno, raw


# --------------------------------------------------------------------------------------------------------
# JSON lines


class NonStandardJSON(ValueError):
    """NaN / Infinity: Python accepts them, JSON (and the platforms) do not."""


def _reject_constant(name: str) -> Any:
    raise NonStandardJSON(name)


_decoder = json.JSONDecoder(parse_constant=_reject_constant)
json_loads = _decoder.decode
_scan_once = _decoder.scan_once


def parse_line(text: str) -> Any:
    """json.loads for one JSONL line, calling the C scanner directly in the usual case (a line starting
    with `{` and ending in whitespace); any other case goes through the full decoder for its error message."""
    try:
        obj, end = _scan_once(text, 0)
    except StopIteration:
        return json_loads(text)
    if end == len(text) or text[end:].isspace():
        return obj
    return json_loads(text)


# json's English messages, most specific first, and the Spanish message for each.
_JSON_HINTS = (
    ("Expecting property name enclosed in double quotes", JSON_KEY_QUOTES),
    ("Expecting ',' delimiter", JSON_COMMA),
    ("Expecting ':' delimiter", JSON_COLON),
    ("Expecting value", JSON_VALUE),
    ("Unterminated string", JSON_UNTERMINATED),
    ("Invalid control character", JSON_CONTROL),
    ("Invalid \\uXXXX escape", JSON_UNICODE_ESCAPE),
    ("Invalid \\escape", JSON_ESCAPE),
    ("Extra data", JSON_EXTRA),
)


def json_problem(text: str) -> tuple[Message, int | None]:
    """Why `text` (a line json rejected) is not JSON: the message and the column, parsed again without the end
    of line, so an unclosed string is not reported as a control character (the newline) but as what it is."""
    try:
        json_loads(text.rstrip("\r\n"))
    except json.JSONDecodeError as err:
        for prefix, message in _JSON_HINTS:
            if err.msg.startswith(prefix):
                return message, err.colno
        return JSON_OTHER, err.colno
    except (ValueError, RecursionError):
        return JSON_PLAIN, None
    return JSON_PLAIN, None


# --------------------------------------------------------------------------------------------------------
# CSV exported from a spreadsheet


def sheet_row_note(line: int, row: int) -> str:
    """Mention the spreadsheet row only when it differs from the file line (cells with line breaks)."""
    return "" if line == row else SHEET_ROW.substitute(row=row)


def guess_delimiter(header: str) -> str:
    """The separator that splits the header into the most columns (comma wins ties)."""
    best, best_n = ",", 0
    for delimiter in (",", ";", "\t"):
        try:
            n = len(next(csv.reader([header], delimiter=delimiter)))
        except (csv.Error, StopIteration):
            continue
        if n > best_n:
            best, best_n = delimiter, n
    return best


class CsvSource:
    """Streams a CSV exported from a spreadsheet: UTF-8 (else Windows-1252), `,` `;` or tab, line numbers.

    Read by the classifier check and by the spreadsheet converter.
    """

    def __init__(self, f: BinaryIO, findings: Findings):
        self._f = f
        self._findings = findings
        self.encoding = "utf-8"
        self.delimiter = ","
        self.line = 0
        self.header: list[str] | None = None
        self.header_line = 0
        self.failed = False

    def _lines(self) -> Iterator[str]:
        add = self._findings.add
        for lineno, raw in physical_lines(self._f):
            self.line = lineno
            if raw is None:
                add(lineno, LONG_CSV_LINE, size=long_line_size())
                self.failed = True
                return
            if lineno == 1 and raw.startswith(UTF8_BOM):
                # Excel's "CSV UTF-8" always writes a BOM and every CSV reader strips it: no warning, since
                # that is the very export we recommend.
                raw = raw[3:]
            if self.encoding == "utf-8":
                try:
                    yield raw.decode("utf-8")
                    continue
                except UnicodeDecodeError:
                    self.encoding = "windows-1252"
                    add(lineno, CP1252)
            try:
                yield raw.decode("cp1252")
            except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
                yield raw.decode("latin-1")

    def rows(self) -> Iterator[tuple[int, int, list[str]]]:
        """Yield (first line, spreadsheet row, cells) per data row; sets header/delimiter first."""
        add = self._findings.add
        lines = self._lines()
        header_text = None
        for text in lines:
            if text.strip():
                header_text = text
                break
            add(self.line, BLANK_BEFORE_HEADER)
        if header_text is None:
            return
        self.header_line = self.line
        self.delimiter = guess_delimiter(header_text)
        if self.delimiter == ";":
            add(self.line, SEMICOLON)
        elif self.delimiter == "\t":
            add(self.line, TAB)
        reader = csv.reader(itertools.chain([header_text], lines), delimiter=self.delimiter)
        try:
            self.header = [cell.strip() for cell in next(reader)]
        except csv.Error as err:
            self._csv_error(err)
            return
        end = self.line
        row_number = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as err:
                self._csv_error(err)
                return
            start, end = end + 1, self.line
            row_number += 1
            yield start, row_number, cells
            if self.failed:
                return

    def _csv_error(self, err: csv.Error) -> None:
        text = str(err)
        if "field larger than field limit" in text:
            self._findings.add(self.line, CSV_FIELD_TOO_LONG, limit=num(csv.field_size_limit()))
        elif "NUL" in text:
            self._findings.add(self.line, CSV_NUL)
        else:
            self._findings.add(self.line, CSV_MALFORMED)
        self.failed = True
