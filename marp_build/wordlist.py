"""The course word list (palabras.yaml): words to avoid and the register rule, over every text a person reads.

`scan(root)` reads the rules from `palabras.yaml` at the course root and returns one finding per word found,
with its file and line: slides and notes, guides, partials, the data READMEs and catalog, the text cells of
the notebooks and the messages (string literals) of the Python tools. Code (inline `…` and fenced blocks),
template expressions ({{ … }}, {% … %}, {# … #}) and web addresses are not prose and are skipped; the
register rule also skips quotations («…», "…"), where an example may speak another way.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

from marp_build.errors import MarpBuildError
from marp_build.findings import Finding
from marp_build.load import load_yaml

__all__ = ["WORDLIST_FILE", "Rule", "load_rules", "scan"]

WORDLIST_FILE = "palabras.yaml"

_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_JINJA_STRING = re.compile(r"\"([^\"\n]*)\"|'([^'\n]*)'")
_MASKS = [
    re.compile(r"`[^`\n]*`"),  # inline code
    re.compile(r"\bhttps?://\S+|\b[\w.-]+@[\w.-]+\.\w+"),  # addresses
]
_QUOTES = re.compile(r"«[^»\n]*»|“[^”\n]*”|\"[^\"\n]*\"")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class Rule:
    """One word (or pattern) to avoid, where it is looked for, and what to write instead."""

    pattern: re.Pattern[str]
    use: str
    reason: str
    files: tuple[str, ...]  # globs; empty = every scanned file
    code: str = "palabras"
    skip_quotes: bool = False


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def _jinja_prose(match: re.Match[str]) -> str:
    """A template expression keeps only its string literals: `m.idea_clave("…")` is prose, `curso.x` is not."""
    expression = match.group(0)
    if expression.startswith("{#"):
        return _blank(expression)
    kept = _blank(expression)
    for literal in _JINJA_STRING.finditer(expression):
        start, end = literal.span()
        kept = kept[: start + 1] + expression[start + 1 : end - 1] + kept[end - 1 :]
    return kept


def _mask(text: str, quotes: bool = False) -> str:
    """Blank out what is not prose (same length, so columns and line numbers stay)."""
    text = _JINJA.sub(_jinja_prose, text)
    for regex in _MASKS + ([_QUOTES] if quotes else []):
        text = regex.sub(lambda m: _blank(m.group(0)), text)
    return text


def _words_pattern(words: list[str]) -> str:
    forms = sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True)
    return r"(?<![\w-])(?:" + "|".join(forms) + r")(?![\w-])"


def load_rules(root: Path) -> tuple[list[str], list[Rule], list[Finding]]:
    """The globs to scan and the rules of palabras.yaml; problems in the file itself come back as errors."""
    path = root / WORDLIST_FILE
    if not path.is_file():
        return [], [], []
    try:
        source = load_yaml(path, WORDLIST_FILE)
    except MarpBuildError as err:  # the file itself is broken: its records, as findings
        return [], [], [Finding(WORDLIST_FILE, i.line or 1, "error", "palabras", i.message) for i in err.issues]
    data = source.data if isinstance(source.data, dict) else {}
    errors: list[Finding] = []
    rules: list[Rule] = []

    def compile_(pattern: str, where: tuple) -> re.Pattern[str] | None:
        try:
            return re.compile(pattern, re.I | re.M)
        except re.error as err:
            errors.append(Finding(WORDLIST_FILE, source.line_of(where), "error", "palabras",
                                      f"la expresión {pattern!r} no es válida ({err}); corrígela"))
            return None

    for i, entry in enumerate(data.get("evitar") or []):
        if not isinstance(entry, dict) or not entry.get("usar") or not (entry.get("palabras") or entry.get("patron")):
            errors.append(Finding(WORDLIST_FILE, source.line_of(("evitar", i)), "error", "palabras",
                                      "cada entrada necesita `palabras` (o `patron`) y `usar`"))
            continue
        pattern = entry.get("patron") or _words_pattern([str(w) for w in entry["palabras"]])
        compiled = compile_(pattern, ("evitar", i))
        if compiled:
            rules.append(Rule(compiled, str(entry["usar"]), str(entry.get("motivo", "")),
                              tuple(entry.get("archivos") or ())))
    for i, entry in enumerate(data.get("registro") or []):
        if not isinstance(entry, dict) or not entry.get("archivos") or not entry.get("evitar"):
            errors.append(Finding(WORDLIST_FILE, source.line_of(("registro", i)), "error", "palabras",
                                      "cada regla de registro necesita `trato`, `archivos` y `evitar`"))
            continue
        for k, pattern in enumerate(entry["evitar"]):
            compiled = compile_(str(pattern), ("registro", i, "evitar", k))
            if compiled:
                reason = f"aquí se habla con «{entry.get('trato', '')}»"
                rules.append(Rule(compiled, str(entry.get("usar", "")), reason, tuple(entry["archivos"]),
                                  code="registro", skip_quotes=True))
    return [str(g) for g in data.get("archivos") or []], rules, errors


def _prose_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of the prose in a file, with code and template expressions blanked out."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".py":
        return _python_strings(text)
    if path.suffix == ".ipynb":
        return _notebook_markdown(text)
    lines, in_fence = [], False
    if path.suffix in (".yaml", ".yml"):
        text = "\n".join(re.sub(r"(^|\s)#.*$", "", line) for line in text.split("\n"))  # comments are for authors
    raw = text.split("\n")
    masked = _mask(text).split("\n")  # masked as a whole: a {{ … }} may span lines
    for number, (line, clean) in enumerate(zip(raw, masked), start=1):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence:
            lines.append((number, clean))
    return lines


def _python_strings(text: str) -> list[tuple[int, str]]:
    """The string literals of a module (messages), docstrings excluded (they are English, for developers)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            for offset, line in enumerate(_mask(node.value).split("\n")):
                out.append((node.lineno + offset, line))
    return out


def _notebook_markdown(text: str) -> list[tuple[int, str]]:
    """Lines of the notebook's text cells, numbered as lines of the .ipynb file (where the JSON holds them)."""
    try:
        cells = json.loads(text).get("cells", [])
    except ValueError:
        return []
    raw = text.split("\n")
    out, cursor = [], 0
    for cell in cells:
        source = cell.get("source", [])
        source = source if isinstance(source, list) else str(source).splitlines(keepends=True)
        for piece in source:
            encoded = [json.dumps(piece, ensure_ascii=False), json.dumps(piece)]
            number = next((n for n in range(cursor, len(raw)) if any(e in raw[n] for e in encoded)), None)
            if number is None:
                continue
            cursor = number + 1
            if cell.get("cell_type") == "markdown":
                out.append((number + 1, piece))
    in_fence, lines = False, []
    for number, piece in out:
        if _FENCE.match(piece):  # read before masking: ``` is also two empty inline code spans
            in_fence = not in_fence
            continue
        if not in_fence:
            lines.append((number, _mask(piece)))
    return lines


def _matches(relative: str, globs: tuple[str, ...] | list[str]) -> bool:
    return any(_glob_match(relative, g) for g in globs)


def _glob_match(relative: str, glob: str) -> bool:
    """`**` crosses folders, `*` does not (as Path.glob does, which is what lists the files)."""
    regex = re.escape(glob).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
    return re.fullmatch(regex, relative) is not None


def scan(root: Path, rendered: list | None = None) -> list[Finding]:
    """Every word of the list found in the course's texts, in file and line order.

    With the rendered decks, the register rule also reads what templates pull in from course.yaml (a guide's
    title or the next steps on a slide): a word that is not in the template itself is reported at the slide.
    """
    globs, rules, found = load_rules(root)
    if not rules:
        return found
    found += _scan_files(root, globs, rules)
    if rendered:
        found += _scan_rendered(rendered, rules, found)
    return sorted(found, key=lambda f: (f.file, f.line, f.code))


def _scan_rendered(rendered: list, rules: list[Rule], found: list[Finding]) -> list[Finding]:
    extra = []
    for item in rendered:
        active = [r for r in rules if r.code == "registro" and _matches(item.deck.template, r.files)]
        if not active or item.deck.kind != "presentacion":
            continue
        chunks = item.markdown.split("\n---\n", 1)[1].split("\n\n---\n\n")
        starts = [s.line if s.source == item.deck.template else None for s in item.slides]
        for index, (slide, chunk) in enumerate(zip(item.slides, chunks)):
            if starts[index] is None:
                continue
            end = next((n for n in starts[index + 1:] if n is not None), 10**9)
            in_template = sum(1 for f in found if f.file == slide.source and f.code == "registro"
                              and starts[index] <= f.line < end)
            text = _mask(re.sub(r"<!--\s*⏱.*?-->", "", chunk), quotes=True)
            text = "\n".join(line for line in text.split("\n") if not _FENCE.match(line))
            words = [m.group(0) for rule in active for m in rule.pattern.finditer(text)]
            if len(words) > in_template:
                rule = active[0]
                listed = ", ".join(f"«{w}»" for w in dict.fromkeys(words))
                extra.append(Finding(slide.source, slide.line, "warning", "registro",
                                         f"la diapositiva {slide.number} («{slide.title or 'sin título'}») muestra "
                                         f"{listed} con texto de course.yaml o de una variable: {rule.reason}; escribe ese "
                                         f"texto sin trato (infinitivo, «el», «la») o en su lugar: {rule.use}"))
    return extra


def _scan_files(root: Path, globs: list[str], rules: list[Rule]) -> list[Finding]:
    found: list[Finding] = []
    files: dict[str, Path] = {}
    for glob in globs:
        for path in sorted(root.glob(glob)):
            if path.is_file() and "__pycache__" not in path.parts and ".ipynb_checkpoints" not in path.parts:
                files.setdefault(path.relative_to(root).as_posix(), path)
    for relative, path in sorted(files.items()):
        active = [r for r in rules if not r.files or _matches(relative, r.files)]
        if not active:
            continue
        for number, line in _prose_lines(path):
            unquoted = None
            for rule in active:
                text = line
                if rule.skip_quotes:
                    unquoted = unquoted if unquoted is not None else _mask(line, quotes=True)
                    text = unquoted
                for match in rule.pattern.finditer(text):
                    word = " ".join(match.group(0).strip(" ¿¡.!?;:—").split())
                    what = f"«{word}» ({rule.reason})" if rule.code == "palabras" else f"«{word}»: {rule.reason}"
                    found.append(Finding(relative, number, "warning", rule.code, f"{what}; en su lugar: {rule.use}"))
    return found
