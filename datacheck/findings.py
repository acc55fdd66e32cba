"""Findings: the record of one problem, the catalog's types, the per-file collector and Spanish value formatting.

Every code a finding can carry is declared once, in `catalog.py`, as a `Code` (code, level, how to fix it)
with one or more `Message`s (the Spanish text, a `string.Template` whose `$fields` the checks fill in).
A check never writes a code or a message itself: it calls `Findings.add(line, MESSAGE, field=value, …)`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from string import Template
from typing import Any

ERROR = "error"
WARNING = "warning"
MAX_FINDINGS_PER_CODE = 20  # a broken 1 GB file must not produce millions of lines (or of objects in memory)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a data file, with the physical line (1-based) where it is, when there is one."""

    file: str
    line: int | None
    column: int | None
    code: str  # short stable id from the catalog, e.g. "rol-invalido"
    message: str  # Spanish, says how to fix it
    level: str  # ERROR | WARNING
    count: int = 1  # how many findings this line stands for (more than 1 for "hay N casos más …")

    def format(self) -> str:
        """`datos.jsonl:17: error: el mensaje 2 tiene el rol "bot"; usa system, user o assistant`."""
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        level = "aviso" if self.level == "warning" else self.level  # Spanish on screen; JSON keeps "warning"
        return f"{where}: {level}: {self.message}"


@dataclass(frozen=True, slots=True, eq=False)  # one object per code: hashed by identity
class Code:
    """A finding code of the catalog: its level and, in Spanish, how to fix what it reports."""

    code: str
    level: str
    fix: str

    def message(self, template: str) -> Message:
        """A message of this code; `template` uses `$name` / `${name}` for the values a check fills in."""
        return Message(self, Template(template))


@dataclass(frozen=True, slots=True, eq=False)
class Message:
    """One wording of a code: the code (and so its level) plus the Spanish template."""

    code: Code
    template: Template

    def text(self, fields: dict[str, Any]) -> str:
        return self.template.substitute(fields)


# Said once per code that overflowed MAX_FINDINGS_PER_CODE; not a finding code of its own.
_OVERFLOW = Template("hay ${hidden} de «${code}» que no se muestran; corrige los anteriores y vuelve a validar")


class Findings:
    """Collects the findings of one file, keeping at most MAX_FINDINGS_PER_CODE of each code.

    A message is formatted only when it is kept, so a file with a million broken lines stays fast.
    """

    __slots__ = ("file", "items", "counts", "n_errors", "limit")

    def __init__(self, file: str):
        self.file = file
        self.items: list[tuple[int | None, int | None, Message, dict[str, Any]]] = []
        self.counts: dict[Code, int] = {}
        self.n_errors = 0
        self.limit = MAX_FINDINGS_PER_CODE

    def add(self, line: int | None, message: Message, /, **fields: Any) -> None:
        """Record `message` at `line` (None: the file as a whole), its template filled with `fields`."""
        self.add_at(line, None, message, **fields)

    def add_at(self, line: int | None, column: int | None, message: Message, /, **fields: Any) -> None:
        code = message.code
        n = self.counts.get(code, 0) + 1
        self.counts[code] = n
        if code.level == ERROR:
            self.n_errors += 1
        if n <= self.limit:
            self.items.append((line, column, message, fields))

    def add_lines(self, lines: list[int], total: int, message: Message, **fields: Any) -> None:
        """The same finding on `lines` (the first ones a check kept) out of `total` lines that have it."""
        for line in lines:
            self.add(line, message, **fields)
        hidden = total - len(lines)
        if hidden > 0:
            self.counts[message.code] = self.counts.get(message.code, 0) + hidden
            if message.code.level == ERROR:
                self.n_errors += hidden

    def close(self) -> list[Finding]:
        """The findings sorted by line (file-level ones last), plus one line per code that overflowed."""
        kept = sorted(self.items, key=lambda item: (item[0] is None, item[0] or 0))
        out = [
            Finding(self.file, line, column, message.code.code, message.text(fields), message.code.level)
            for line, column, message, fields in kept
        ]
        for code, n in self.counts.items():
            if n > self.limit:
                hidden = plural(n - self.limit, "caso más", "casos más")
                text = _OVERFLOW.substitute(hidden=hidden, code=code.code)
                out.append(Finding(self.file, None, None, code.code, text, code.level, n - self.limit))
        return out


@dataclass
class Report:
    """Everything found in a file (and in its validation file, when given)."""

    path: str
    format: str
    findings: list[Finding] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == WARNING]

    @property
    def n_errors(self) -> int:
        """Every error found, also those a capped list does not show one by one."""
        return sum(f.count for f in self.errors)

    @property
    def n_warnings(self) -> int:
        return sum(f.count for f in self.warnings)

    @property
    def ok(self) -> bool:
        return not any(f.level == ERROR for f in self.findings)


# --------------------------------------------------------------------------------------------------------
# Values as a Spanish reader sees them in messages and in the summary


def num(n: int) -> str:
    """Spanish digit grouping (RAE): a space every three digits from five digits on; 4-digit numbers stay whole."""
    return f"{n:,}".replace(",", " ") if abs(n) >= 10_000 else str(n)


def size_text(n_bytes: int) -> str:
    return f"{n_bytes // (1024 * 1024)} MB" if n_bytes >= 1024 * 1024 else f"{n_bytes // 1024} KB"


def plural(n: int, one: str, many: str) -> str:
    return f"{num(n)} {one if n == 1 else many}"


def kind(value: Any) -> str:
    """The JSON type of a value, in Spanish, for messages like 'el content es un número'."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "un valor true/false"
    if isinstance(value, (int, float)):
        return "un número"
    if isinstance(value, str):
        return "un texto"
    if isinstance(value, list):
        return "una lista"
    if isinstance(value, dict):
        return "un objeto"
    return "un valor desconocido"


def show(value: Any, limit: int = 40) -> str:
    """A user's value quoted for a message: short, one line, printable even with lone surrogates."""
    if not isinstance(value, str):
        return kind(value)
    short = value if len(value) <= limit else value[: limit - 1] + "…"
    quoted = json.dumps(short, ensure_ascii=False)
    return quoted.encode("utf-8", "backslashreplace").decode("utf-8")


def and_list(items: list[str]) -> str:
    """"a", "a y b", "a, b y c"."""
    return " y ".join(items) if len(items) <= 2 else ", ".join(items[:-1]) + " y " + items[-1]
