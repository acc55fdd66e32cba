"""The catalog of finding codes (datacheck/catalog.py): every code documented and reachable, and the only place
where a code or a finding message is written."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from datacheck import catalog
from datacheck.cli import main
from datacheck.findings import ERROR, WARNING, Code, Message

PACKAGE = Path(catalog.__file__).parent
MESSAGES = {name: value for name, value in vars(catalog).items() if isinstance(value, Message)}


def _modules() -> dict[str, ast.Module]:
    return {path.name: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(PACKAGE.glob("*.py"))}


def test_every_code_is_documented() -> None:
    assert len(catalog.CODES) == 83
    for name, code in catalog.CODES.items():
        assert code.code == name and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name), name
        assert code.level in (ERROR, WARNING), name
        # How to fix it: a Spanish sentence, capitalised and closed.
        assert len(code.fix) > 20 and code.fix[0].isupper() and code.fix.endswith((".", ")")), name
        assert catalog.messages_of(code), f"{name} has no message"


def test_every_message_belongs_to_a_declared_code() -> None:
    assert {id(m.code) for m in MESSAGES.values()} == {id(code) for code in catalog.CODES.values()}
    for name, message in MESSAGES.items():
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", name), f"{name}: messages are public constants"
        assert message.template.template[0].islower() or message.template.template.startswith(("${", '"')), name
        assert not message.template.template.endswith("."), f"{name}: a finding message ends without a period"


def test_every_message_is_reachable() -> None:
    """Each message is used by a check somewhere in the package (not only declared)."""
    used: dict[str, set[str]] = {}
    for filename, tree in _modules().items():
        if filename == "catalog.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in MESSAGES:
                used.setdefault(node.id, set()).add(filename)
    assert sorted(set(MESSAGES) - set(used)) == []


def test_no_code_or_message_is_written_outside_the_catalog() -> None:
    codes = set(catalog.CODES)
    found = []
    for filename, tree in _modules().items():
        if filename == "catalog.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in codes:
                found.append(f"{filename}:{node.lineno}: {node.value!r}")
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in ("add", "add_at"):
                # findings.add(line, MESSAGE, …): the message is a catalog constant, never a string.
                args = node.args[1:] if node.func.attr == "add" else node.args[2:]
                if any(isinstance(a, (ast.Constant, ast.JoinedStr)) for a in args[:1]):
                    found.append(f"{filename}:{node.lineno}: a message written in place")
            made_here = filename == "findings.py"  # where the two types are defined
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("Code", "Message") and not made_here:
                found.append(f"{filename}:{node.lineno}: a code or message made outside the catalog")
    assert found == []


def test_codes_are_declared_once() -> None:
    with pytest.raises(ValueError, match="declared twice: rol-invalido"):
        catalog.code("rol-invalido", ERROR, "Otra vez.")
    assert isinstance(catalog.CODES["rol-invalido"], Code)


def test_explicar_documents_every_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explicar"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listing] == sorted(catalog.CODES)
    for name, code in catalog.CODES.items():
        assert main(["explicar", name]) == 0
        out = capsys.readouterr().out.splitlines()
        level = "error" if code.level == ERROR else "aviso"
        assert out[:3] == [f"{name} ({level})", f"Cómo corregirlo: {code.fix}", "Mensajes:"]
        assert len(out) == 3 + len(catalog.messages_of(code))
    assert main(["explicar", "rol-invalido"]) == 0
    assert capsys.readouterr().out.splitlines()[3:] == ["  el mensaje … tiene el rol …; usa system, user o assistant"]
    assert main(["explicar", "rol-inventado"]) == 2
    assert capsys.readouterr().err == (
        "no conozco el código «rol-inventado»; escribe «validar_datos.py explicar» sin código para ver la lista\n"
    )
