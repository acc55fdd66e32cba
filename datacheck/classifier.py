"""The rules for a classifier CSV (a text column and a class column), streamed row by row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from datacheck.catalog import (
    BLANK_CSV_LINE,
    CLASS_NOT_VALIDATED,
    CONTRADICTION,
    DUPLICATE_TEXT,
    EMPTY_CSV,
    EXTRA_COLUMN,
    EXTRA_COLUMNS,
    HEADER_CASE,
    HEADER_COLUMNS,
    HEADER_IS_SHEET,
    IMBALANCE,
    LABEL_EMPTY,
    LABEL_EMPTY_HINT,
    LABEL_VARIANT,
    MANY_CLASSES,
    NO_COLUMNS,
    NO_ROWS_CSV,
    ONE_CLASS,
    OVERLAP_TEXT,
    ROW_CELLS,
    ROW_EMPTY,
    SEPARATOR_NAMES,
    SMALL_CLASS,
    TEXT_EMPTY,
    TOO_FEW_ROWS,
    TOO_MANY_CLASSES,
    UNKNOWN_CLASS,
)
from datacheck.findings import Finding, Findings, and_list, num, plural, show
from datacheck.summary import Running
from datacheck.textio import CsvSource, sheet_row_note, sniff_binary

# A class with less than a fifth of the examples of the largest one is usually ignored by a small fine-tuned
# encoder (it scores well on accuracy by never predicting it), so we warn there; below 5 examples a class
# cannot even appear in a sensible train/validation split.
IMBALANCE_RATIO = 5
MIN_PER_CLASS = 5
MIN_CSV_ROWS = 10
MAX_CLASSES = 1000  # more distinct labels than this means the label column holds free text
# Header names of a spreadsheet of chat examples (see sheet.py), to say "convert it" instead of "rename".
_SHEET_COLUMNS = frozenset(("sistema", "pregunta", "respuesta", "system", "user", "assistant"))


class ClassifierFile:
    """Validates a classifier CSV (text, target) streaming; `train` is the training file of a validation file."""

    def __init__(
        self,
        path: Path,
        display: str,
        text_column: str,
        label_column: str,
        role: str,
        train: ClassifierFile | None = None,
    ):
        self.path = path
        self.display = display
        self.text_column = text_column
        self.label_column = label_column
        self.role = role
        self.train = train
        self.out = Findings(display)
        self.keys: dict[int, int] = {}  # hash of the normalised text -> (line << 10) | class index
        self.classes: dict[str, list[int]] = {}  # label -> [count, first line, index]
        self.variants: dict[str, str] = {}  # casefolded label -> first spelling seen
        self.rows = 0
        self.duplicates = 0
        self.overlap = 0
        self.lengths = Running()
        self.encoding = "utf-8"
        self.delimiter = ","
        self.header_ok = False
        self.too_many_classes = False
        self.text_index = self.label_index = self.width = 0

    def run(self) -> None:
        with open(self.path, "rb") as f:
            binary = sniff_binary(f.read(4096))
            if binary is not None:
                self.out.add(1, binary)
                return
            f.seek(0)
            source = CsvSource(f, self.out)
            for line, row_number, cells in source.rows():
                if not self.header_ok and not self._check_header(source):
                    break
                self._check_row(line, row_number, cells, source.delimiter)
            else:
                if source.header is not None and not self.header_ok and not source.failed:
                    self._check_header(source)  # header only, no rows
            self.encoding = source.encoding
            self.delimiter = source.delimiter
            if source.header is None and not source.failed and self.out.n_errors == 0:
                self.out.add(None, EMPTY_CSV, text_column=self.text_column, label_column=self.label_column)

    def _check_header(self, source: CsvSource) -> bool:
        header = source.header or []
        line = source.header_line
        if self.text_column in header and self.label_column in header:
            self.header_ok = True
            self.text_index = header.index(self.text_column)
            self.label_index = header.index(self.label_column)
            self.width = len(header)
            extra = [h for h in header if h not in (self.text_column, self.label_column)]
            if extra:
                columns = ", ".join(show(h) for h in extra)
                self.out.add(line, EXTRA_COLUMN if len(extra) == 1 else EXTRA_COLUMNS, columns=columns)
            return True
        found = ", ".join(show(h) for h in header) or NO_COLUMNS
        lowered = {h.lower(): h for h in header}
        want = (self.text_column, self.label_column)
        if all(w.lower() in lowered for w in want):
            renames = and_list([f'{show(lowered[w.lower()])} → "{w}"' for w in want if lowered[w.lower()] != w])
            self.out.add(line, HEADER_CASE, renames=renames)
        elif {h.lower() for h in header} & _SHEET_COLUMNS and not {w.lower() for w in want} & set(lowered):
            self.out.add(line, HEADER_IS_SHEET, found=found, file=self.display)
        else:
            self.out.add(line, HEADER_COLUMNS, found=found, text_column=self.text_column,
                         label_column=self.label_column)
        return False

    def _check_row(self, line: int, row_number: int, cells: list[str], delimiter: str) -> None:
        add = self.out.add
        note = sheet_row_note(line, row_number)
        if not cells:
            add(line, BLANK_CSV_LINE)
            return
        if not any(c.strip() for c in cells):
            add(line, ROW_EMPTY, note=note)
            return
        self.rows += 1
        if len(cells) != self.width:
            add(line, ROW_CELLS, note=note, cells=plural(len(cells), "celda", "celdas"), width=self.width,
                separator=SEPARATOR_NAMES[delimiter])
            return
        text = cells[self.text_index].strip()
        label = cells[self.label_index]
        bad = False
        if not text:
            add(line, TEXT_EMPTY, column=self.text_column, note=note)
            bad = True
        if not label.strip():
            known = ", ".join(list(self.classes)[:5])
            if known:
                add(line, LABEL_EMPTY_HINT, column=self.label_column, note=note, known=known)
            else:
                add(line, LABEL_EMPTY, column=self.label_column, note=note)
            bad = True
        if bad:
            return
        self.lengths.add(len(text))
        entry = self.classes.get(label)
        if entry is None:
            entry = self._new_class(label, line)
            if entry is None:
                return
        entry[0] += 1
        key = hash(" ".join(text.split()).casefold())
        packed = self.keys.get(key)
        if packed is not None:
            first_line, first_class = packed >> 10, packed & 1023
            if first_class == entry[2]:
                self.duplicates += 1
                add(line, DUPLICATE_TEXT, first=first_line)
            else:
                first_label = next(k for k, v in self.classes.items() if v[2] == first_class)
                add(line, CONTRADICTION, first=first_line, first_label=show(first_label), label=show(label))
        else:
            # Packing line and class into one int keeps the index at about 100 bytes per row.
            self.keys[key] = (line << 10) | entry[2]
        if self.train is not None:
            packed = self.train.keys.get(key)
            if packed is not None:
                self.overlap += 1
                add(line, OVERLAP_TEXT, train=self.train.display, train_line=packed >> 10)

    def _new_class(self, label: str, line: int) -> list[int] | None:
        """Register a class seen for the first time; None when there are already too many."""
        if len(self.classes) >= MAX_CLASSES:
            if not self.too_many_classes:
                self.too_many_classes = True
                self.out.add(line, TOO_MANY_CLASSES, maximum=MAX_CLASSES, column=self.label_column)
            return None
        entry = [0, line, len(self.classes)]
        self.classes[label] = entry
        folded = " ".join(label.split()).casefold()
        other = self.variants.get(folded)
        if other is None:
            self.variants[folded] = label
        else:
            self.out.add(line, LABEL_VARIANT, label=show(label), other=show(other))
        return entry

    def finish(self) -> tuple[list[Finding], dict[str, Any]]:
        counts = {label: entry[0] for label, entry in self.classes.items()}
        if self.header_ok and not self.too_many_classes:
            if self.rows == 0:
                self.out.add(None, NO_ROWS_CSV, minimum=MIN_CSV_ROWS)
            elif self.role == "training":
                self._training_checks(counts)
            if self.rows:
                self._balance_checks(counts)
            if self.train is not None and self.rows:
                self._validation_checks()
        stats: dict[str, Any] = {
            "path": self.display,
            "format": "clasificador",
            "examples": self.rows,
            "classes": dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
            "text_length": self.lengths.as_dict(),
            "duplicates": self.duplicates,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "text_column": self.text_column,
            "label_column": self.label_column,
        }
        if self.role == "validation":
            stats["overlap"] = self.overlap
        return self.out.close(), stats

    def _training_checks(self, counts: dict[str, int]) -> None:
        if self.rows < MIN_CSV_ROWS:
            self.out.add(None, TOO_FEW_ROWS, rows=plural(self.rows, "fila", "filas"), minimum=MIN_CSV_ROWS)
        if len(counts) == 1:
            self.out.add(None, ONE_CLASS, label=show(next(iter(counts))))

    def _balance_checks(self, counts: dict[str, int]) -> None:
        for label, n in counts.items():
            if n < MIN_PER_CLASS and self.role == "training":
                self.out.add(self.classes[label][1], SMALL_CLASS, label=show(label),
                             examples=plural(n, "ejemplo", "ejemplos"), minimum=MIN_PER_CLASS)
        if len(counts) > 1:
            big_label, big = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
            small_label, small = min(counts.items(), key=lambda kv: (kv[1], kv[0]))
            if small * IMBALANCE_RATIO < big:
                self.out.add(None, IMBALANCE, small_label=show(small_label), small=plural(small, "ejemplo", "ejemplos"),
                             big_label=show(big_label), big=num(big))
        if self.rows >= 20 and len(counts) * 2 > self.rows:
            self.out.add(None, MANY_CLASSES, classes=len(counts), rows=self.rows, text_column=self.text_column,
                         label_column=self.label_column)

    def _validation_checks(self) -> None:
        assert self.train is not None
        train_classes = self.train.classes
        for label, entry in self.classes.items():
            if train_classes and label not in train_classes:
                self.out.add(entry[1], UNKNOWN_CLASS, label=show(label))
        missing = [label for label in train_classes if label not in self.classes]
        if missing:
            self.out.add(None, CLASS_NOT_VALIDATED, labels=", ".join(show(label) for label in missing))
