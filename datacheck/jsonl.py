"""One JSONL file of chat or preference examples, streamed: reading, the file-level state, statistics.

The rules for one line live in `chat.py` and `preference.py`; this module reads the lines, hands each parsed
object to the rule of the file's format, and keeps what spans lines: the index of examples (for duplicates
and overlap with the training file), token totals and the counts checked at the end of the file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from datacheck.catalog import (
    BLANK_JSONL_LINE,
    BOM,
    DUPLICATE_EXAMPLE,
    EMPTY_JSONL,
    FEW_EXAMPLES,
    JSON_ARRAY,
    JSON_BIG_NUMBER,
    JSON_MULTILINE,
    JSON_NESTED,
    JSON_NONSTANDARD,
    LONG_JSONL_LINE,
    NO_SYSTEM_ANY,
    NO_SYSTEM_SOME,
    OVERLAP_EXAMPLE,
    TOO_FEW_EXAMPLES,
    TOO_LONG,
    UTF8,
)
from datacheck.findings import Finding, Findings, num, plural
from datacheck.summary import Running
from datacheck.textio import (
    UTF8_BOM,
    NonStandardJSON,
    json_problem,
    long_line_size,
    parse_line,
    physical_lines,
    sniff_binary,
)
from datacheck.tokens import TokenCounter, default_epochs

MIN_EXAMPLES = 10  # OpenAI rejects a training file with fewer examples
RECOMMENDED_EXAMPLES = 50  # OpenAI: "start with 50 well-crafted demonstrations"

# A message as the statistics need it: (role, text, name, tool calls as JSON).
Msg = tuple[str, str, str, str]


class JsonlFile:
    """Validates one JSONL file of chat or preference examples, streaming; `check_line` is the format's rule."""

    def __init__(
        self,
        path: Path,
        display: str,
        fmt: str,
        max_tokens: int,
        role: str,
        check_line: Callable[[JsonlFile, Any, int, int], None],
        train: JsonlFile | None = None,
    ):
        self.path = path
        self.display = display
        self.fmt = fmt
        self.max_tokens = max_tokens
        self.role = role  # "training" | "validation"
        self.check_line = check_line
        self.train = train
        self.out = Findings(display)
        self.keys: dict[int, int] = {}  # hash of the example -> first line: duplicates and overlap
        self.examples = 0
        self.valid = 0
        self.duplicates = 0
        self.overlap = 0
        self.over_limit = 0
        self.billed_sum = 0
        self.messages = Running()
        self.tokens = Running()
        self.assistant_tokens = 0
        self.no_system_lines: list[int] = []
        self.no_system = 0
        self.counter: TokenCounter | None = None
        self.stopped = False  # the file is not JSONL at all (an array, pretty-printed JSON): counts are moot

    # -- reading ------------------------------------------------------------------------------------
    def run(self) -> None:
        add = self.out.add
        with open(self.path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            binary = sniff_binary(f.read(4096))
            if binary is not None:
                add(1, binary)
                return
            f.seek(0)
            self.counter = TokenCounter.for_file(size)
            check = self.check_line
            first = True
            for lineno, raw in physical_lines(f):
                if raw is None:
                    self.examples += 1
                    add(lineno, LONG_JSONL_LINE, size=long_line_size())
                    continue
                if lineno == 1 and raw.startswith(UTF8_BOM):
                    raw = raw[3:]
                    add(1, BOM)
                if not raw or raw.isspace():
                    add(lineno, BLANK_JSONL_LINE)
                    continue
                self.examples += 1
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as err:
                    add(lineno, UTF8, byte=f"{raw[err.start]:02X}", position=err.start + 1)
                    first = False
                    continue
                if first:
                    first = False
                    if self._whole_file_shape(text, lineno):
                        self.stopped = True
                        return
                try:
                    obj = parse_line(text)
                except json.JSONDecodeError:
                    message, column = json_problem(text)
                    self.out.add_at(lineno, column, message, column=column)
                    continue
                except NonStandardJSON as err:
                    add(lineno, JSON_NONSTANDARD, name=str(err))
                    continue
                except RecursionError:
                    add(lineno, JSON_NESTED)
                    continue
                except ValueError:  # e.g. an integer with thousands of digits
                    add(lineno, JSON_BIG_NUMBER)
                    continue
                try:
                    check(self, obj, lineno, len(raw))
                except RecursionError:
                    add(lineno, JSON_NESTED)

    def _whole_file_shape(self, text: str, lineno: int) -> bool:
        """A JSON array or a pretty-printed object instead of JSONL: say it once and stop reading."""
        stripped = text.strip()
        if stripped.startswith("["):
            self.out.add(lineno, JSON_ARRAY)
            return True
        # A valid JSONL line ends with "}"; "{", '{"messages": [' or a trailing comma mean an indented file.
        if stripped.startswith("{") and stripped.endswith(("[", "{", ",")):
            self.out.add(lineno, JSON_MULTILINE)
            return True
        return False

    # -- what the line rules report back --------------------------------------------------------------
    def no_system_message(self, line: int) -> None:
        """A valid chat example without a system message (reported at the end, depending on the others)."""
        self.no_system += 1
        if len(self.no_system_lines) < self.out.limit:
            self.no_system_lines.append(line)

    def record(self, msgs: list[Msg], extra: str, nbytes: int, line: int, ragged: bool) -> None:
        """Count the tokens of a valid example, add it to the statistics, and look for duplicates/overlap.

        `ragged`: a text of the example has spaces around it, which count as tokens but do not make a
        different example.
        """
        assert self.counter is not None
        total, assistant = self.counter.example(msgs, extra, self.valid, nbytes, self.max_tokens)
        if total > self.max_tokens:
            self.over_limit += 1
            self.out.add(line, TOO_LONG, tokens=num(total), limit=num(self.max_tokens))
            self.billed_sum += self.max_tokens
        else:
            self.billed_sum += total
        self.valid += 1
        self.messages.add(len(msgs))
        self.tokens.add(total)
        self.assistant_tokens += assistant
        if ragged:
            key = hash((extra, tuple((r, t.strip(), n, c) for r, t, n, c in msgs)))
        else:
            key = hash((extra, tuple(msgs)))
        first = self.keys.get(key)
        if first is not None:
            self.duplicates += 1
            self.out.add(line, DUPLICATE_EXAMPLE, first=first)
        else:
            self.keys[key] = line
        if self.train is not None:
            train_line = self.train.keys.get(key)
            if train_line is not None:
                self.overlap += 1
                self.out.add(line, OVERLAP_EXAMPLE, train=self.train.display, train_line=train_line)

    # -- end of file --------------------------------------------------------------------------------
    def finish(self) -> tuple[list[Finding], dict[str, Any]]:
        add = self.out.add
        if self.examples == 0 and self.out.n_errors == 0:
            add(None, EMPTY_JSONL)
        if self.no_system and self.fmt == "chat":
            if self.no_system == self.valid:
                add(None, NO_SYSTEM_ANY)
            else:
                self.out.add_lines(self.no_system_lines, self.no_system, NO_SYSTEM_SOME)
        if self.role == "training" and self.examples and not self.stopped:
            if self.examples < MIN_EXAMPLES:
                add(None, TOO_FEW_EXAMPLES, examples=plural(self.examples, "ejemplo", "ejemplos"),
                    minimum=MIN_EXAMPLES)
            elif self.examples < RECOMMENDED_EXAMPLES:
                add(None, FEW_EXAMPLES, examples=self.examples, recommended=RECOMMENDED_EXAMPLES)
        stats: dict[str, Any] = {
            "path": self.display,
            "format": self.fmt,
            "examples": self.examples,
            "valid_examples": self.valid,
            "messages_per_example": self.messages.as_dict(),
            "tokens_per_example": self.tokens.as_dict(),
            "total_tokens": self.tokens.total,
            "assistant_tokens": self.assistant_tokens,
            "max_tokens": self.max_tokens,
            "over_limit": self.over_limit,
            "duplicates": self.duplicates,
            "token_counting": self.counter.describe() if self.counter is not None else None,
        }
        if self.role == "training":
            epochs = default_epochs(self.valid)
            stats["epochs"] = epochs
            stats["billed_tokens"] = epochs * self.billed_sum
        else:
            stats["overlap"] = self.overlap
        return self.out.close(), stats
