"""The validator's entry points: which format a file is, whether it can be read, and the full check."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from datacheck.chat import check_chat_line
from datacheck.classifier import ClassifierFile
from datacheck.findings import Report
from datacheck.jsonl import JsonlFile
from datacheck.preference import check_preference_line
from datacheck.textio import UTF8_BOM, json_loads
from datacheck.tokens import DEFAULT_MAX_TOKENS

FORMATS = ("chat", "preferencias", "clasificador")


def input_problem(path: Any) -> str | None:
    """A Spanish usage message when `path` cannot be validated at all (missing, a folder, unreadable)."""
    p = Path(path)
    if not p.exists():
        return f"{p}: no existe el archivo; revisa el nombre y la carpeta (el comando se ejecuta en {Path.cwd()})"
    if p.is_dir():
        return f"{p}: es una carpeta; indica un archivo .jsonl o .csv"
    if not os.access(p, os.R_OK):
        return f"{p}: no tengo permiso para leer el archivo; revisa sus permisos"
    return None


def detect_format(path: Any) -> str:
    """"chat", "preferencias" (DPO) or "clasificador", from the extension and the first non-blank line."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return "clasificador"
    first = b""
    with open(p, "rb") as f:
        for _ in range(1000):
            raw = f.readline(1 << 16)
            if not raw:
                break
            if raw.startswith(UTF8_BOM):
                raw = raw[3:]
            raw = raw.strip()
            if raw:
                first = raw
                break
    if suffix not in (".jsonl", ".json", ".ndjson") and first and not first.startswith((b"{", b"[")):
        return "clasificador"
    text = first.decode("utf-8", "replace")
    try:
        obj = json_loads(text)
    except (ValueError, RecursionError):
        obj = None
    if type(obj) is dict:
        if "preferred_output" in obj or "non_preferred_output" in obj or ("input" in obj and "messages" not in obj):
            return "preferencias"
        return "chat"
    if '"preferred_output"' in text or '"non_preferred_output"' in text:
        return "preferencias"
    return "chat"


def validate_path(
    path: Any,
    fmt: str | None = None,
    *,
    validation: Any = None,
    text_column: str = "text",
    label_column: str = "target",
    max_tokens: int = DEFAULT_MAX_TOKENS,
) -> Report:
    """Validate a training file (and optionally its validation file) and return everything found.

    Raises:
        OSError: the file cannot be opened (missing, a folder, no permission); see `input_problem`.
        ValueError: `fmt` is not one of FORMATS or `max_tokens` is not positive.
    """
    if fmt is None:
        fmt = detect_format(path)
    if fmt not in FORMATS:
        raise ValueError(f"formato desconocido {fmt!r}; usa uno de: {', '.join(FORMATS)}")
    if max_tokens < 1:
        raise ValueError("max_tokens debe ser un número positivo")
    display = str(path)
    if fmt == "clasificador":
        train_csv = ClassifierFile(Path(path), display, text_column, label_column, "training")
        train_csv.run()
        findings, stats = train_csv.finish()
        if validation is not None:
            val_csv = ClassifierFile(Path(validation), str(validation), text_column, label_column, "validation",
                                     train_csv)
            val_csv.run()
            val_findings, stats["validation"] = val_csv.finish()
            findings += val_findings
        return Report(display, fmt, findings, stats)
    check_line = check_chat_line if fmt == "chat" else check_preference_line
    train = JsonlFile(Path(path), display, fmt, max_tokens, "training", check_line)
    train.run()
    findings, stats = train.finish()
    if validation is not None:
        val = JsonlFile(Path(validation), str(validation), fmt, max_tokens, "validation", check_line, train)
        val.run()
        val_findings, stats["validation"] = val.finish()
        findings += val_findings
    return Report(display, fmt, findings, stats)
