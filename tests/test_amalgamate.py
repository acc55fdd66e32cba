"""The generated validar_datos.py, run as a script (`python -I validar_datos.py …`), against the package.

Every data case must give the same findings, statistics, output and exit code through the single file as
through `datacheck`; the converter too. The generator refuses what one file cannot hold (name clashes).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from datacheck import report_lines, report_to_dict, validate_path
from datacheck.amalgamate import AmalgamationError, single_file
from datacheck.cli import main

CASES = Path(__file__).parent / "data_cases"
PAIRS = [
    ("chat/superposicion_entrenamiento.jsonl", "chat/superposicion_validacion.jsonl"),
    ("clasificador/superposicion_entrenamiento.csv", "clasificador/superposicion_validacion.csv"),
]
VALIDATION_CASES = sorted(p.relative_to(CASES).as_posix() for p in CASES.rglob("*") if p.is_file()
                          and p.parts[-2] != "hoja")
SHEETS = sorted(p for p in (CASES / "hoja").iterdir() if p.is_file())
ENV = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


@pytest.fixture(scope="module")
def script(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("descarga") / "validar_datos.py"
    path.write_text(single_file(), encoding="utf-8")
    return path


def run_script(script: Path, *args: str, cwd: Path = CASES, site: bool = True) -> subprocess.CompletedProcess[str]:
    flags = ["-I"] if site else ["-I", "-S"]
    return subprocess.run([sys.executable, *flags, str(script), *args], cwd=cwd, env=ENV, capture_output=True,
                          text=True, encoding="utf-8", check=False)


def run_package(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_kind_of_case_is_covered() -> None:
    assert {case.split("/")[0] for case in VALIDATION_CASES} == {"chat", "preferencias", "clasificador"}
    assert {sheet.suffix for sheet in SHEETS} == {".csv", ".xlsx"}


def test_findings_statistics_and_exit_codes_match_on_every_case(script: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """One run of the script over every case with --json: the same report, finding by finding and number by
    number, and so the same exit code as the package gives for that case alone."""
    monkeypatch.chdir(CASES)
    done = run_script(script, "--json", *VALIDATION_CASES)
    assert done.stderr == ""
    payload = json.loads(done.stdout)
    assert payload["reports"] == [report_to_dict(validate_path(case)) for case in VALIDATION_CASES]
    assert payload["ok"] is False and done.returncode == 1  # several cases have errors
    counted = {r["stats"]["token_counting"]["method"] for r in payload["reports"] if r["stats"].get("token_counting")}
    assert counted == {"tiktoken"}  # `-I` keeps the installed packages: the counts are exact on both sides
    exit_codes = {}
    for case, report in zip(VALIDATION_CASES, payload["reports"], strict=True):
        code, _, err = run_package(capsys, case)
        assert (code, err) == (0 if report["ok"] else 1, ""), case
        exit_codes[case] = code
    assert set(exit_codes.values()) == {0, 1}


def test_output_matches_on_every_case(script: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    """The lines an attendee reads, for every case (one report after the other, as the command prints them)."""
    monkeypatch.chdir(CASES)
    done = run_script(script, *VALIDATION_CASES)
    assert (done.returncode, done.stdout, done.stderr) == run_package(capsys, *VALIDATION_CASES)
    expected = []
    for case in VALIDATION_CASES:
        expected += ([""] if expected else []) + report_lines(validate_path(case))
    assert done.stdout.splitlines() == expected


@pytest.mark.parametrize("case", ["chat/valido_herramientas.jsonl", "chat/menos-de-50.jsonl", "chat/rol-invalido.jsonl",
                                  "clasificador/valido.csv", "clasificador/codificacion.csv", "chat/utf16.jsonl"])
def test_one_case_alone_exits_like_the_package(script: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str], case: str) -> None:
    monkeypatch.chdir(CASES)
    done = run_script(script, case)
    assert (done.returncode, done.stdout, done.stderr) == run_package(capsys, case)


@pytest.mark.parametrize(("training", "validation"), PAIRS)
def test_validation_pairs_match(script: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                training: str, validation: str) -> None:
    monkeypatch.chdir(CASES)
    done = run_script(script, "validar", training, "--validacion", validation)
    assert (done.returncode, done.stdout, done.stderr) == run_package(capsys, training, "--validation", validation)
    assert done.returncode == 1


@pytest.mark.parametrize(
    "args",
    [[], ["--help"], ["validar"], ["no-existe.jsonl"], ["chat"], ["--max-tokens", "0", "chat/valido.jsonl"],
     ["--formato", "excel", "chat/valido.jsonl"], ["--opcion-rara", "chat/valido.jsonl"],
     ["chat/valido.jsonl", "chat/bom.jsonl", "--validacion", "chat/valido.jsonl"], ["convertir"],
     ["explicar"], ["explicar", "rol-invalido"], ["explicar", "no-es-un-codigo"], ["validar", "--help"]],
)
def test_usage_matches(script: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                       args: list[str]) -> None:
    monkeypatch.chdir(CASES)
    done = run_script(script, *args, site=False)
    code, out, err = run_package(capsys, *args)
    assert (done.returncode, done.stdout, done.stderr) == (code, out, err)
    assert code in (0, 2)


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda p: p.name)
def test_converter_matches(script: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str], sheet: Path) -> None:
    """`python validar_datos.py convertir HOJA salida.jsonl` writes and prints what the package does."""
    by_script, by_package = tmp_path / "script", tmp_path / "paquete"
    by_script.mkdir()
    by_package.mkdir()
    done = run_script(script, "convertir", str(sheet), "salida.jsonl", cwd=by_script)
    monkeypatch.chdir(by_package)
    assert (done.returncode, done.stdout, done.stderr) == run_package(capsys, "convertir", str(sheet), "salida.jsonl")
    written = [sorted(p.name for p in folder.iterdir()) for folder in (by_script, by_package)]
    converted = any(line.startswith("Convertí ") for line in done.stdout.splitlines())
    assert written[0] == written[1] == (["salida.jsonl"] if converted else [])
    if written[0]:
        assert (by_script / "salida.jsonl").read_bytes() == (by_package / "salida.jsonl").read_bytes()
        assert done.returncode == 0  # every valid sheet in the corpus has at least 10 rows
    else:
        assert done.returncode == 1 and "No escribí salida.jsonl" in done.stdout


def test_default_subcommand_is_validar(script: Path) -> None:
    short = run_script(script, "chat/rol-invalido.jsonl")
    full = run_script(script, "validar", "chat/rol-invalido.jsonl")
    english = run_script(script, "validate", "chat/rol-invalido.jsonl")
    assert short.returncode == full.returncode == english.returncode == 1
    assert short.stdout == full.stdout == english.stdout
    assert short.stdout.splitlines()[0] == 'chat/rol-invalido.jsonl:2: error: el mensaje 2 tiene el rol "bot"; usa ' \
        "system, user o assistant"


def test_generated_file_is_deterministic_and_self_describing() -> None:
    text = single_file()
    assert text == single_file()
    assert text.startswith("#!/usr/bin/env python3\n")
    assert "# GENERATED FILE, do not edit" in text
    assert "datacheck." not in "".join(line for line in text.splitlines() if line.startswith(("import", "from")))
    assert text.rstrip().endswith("sys.exit(main())")
    assert max(len(line) for line in text.splitlines()) <= 120


def test_old_pythons_reach_the_version_message() -> None:
    """The file parses with Python 3.8's grammar, so an attendee with an old Python reads the Spanish message
    (`validar_datos.py necesita Python 3.11 o más nuevo…`) instead of a SyntaxError."""
    text = single_file()
    ast.parse(text, feature_version=(3, 8))
    check = text.index("if sys.version_info < (3, 11):")
    assert check < text.index("# ==== datacheck/")  # before any module code runs


# --- the generator refuses what one file cannot hold --------------------------------------------------------


def _package(tmp_path: Path, modules: dict[str, str]) -> Path:
    folder = tmp_path / "paquete"
    folder.mkdir()
    for name, source in {"cli": "def main():\n    return 0\n", **modules}.items():
        (folder / f"{name}.py").write_text(source, encoding="utf-8")
    return folder


def test_a_name_clash_between_modules_fails(tmp_path: Path) -> None:
    folder = _package(tmp_path, {"chat": "LIMIT = 3\n\n\ndef helper():\n    return 1\n",
                                 "sheet": "import os\n\n\ndef helper():\n    return os.sep\n"})
    with pytest.raises(AmalgamationError) as err:
        single_file(folder)
    assert str(err.value) == (
        "name clash: helper is defined at the top level of both datacheck/chat.py and datacheck/sheet.py "
        "(datacheck/sheet.py:4); in the single validar_datos.py one would replace the other: rename one of them"
    )


@pytest.mark.parametrize(
    ("modules", "message"),
    [
        ({"a": "from os import path\n", "b": "path = 1\n"},
         "name clash: path is imported in datacheck/a.py and defined in datacheck/b.py; rename one of them"),
        ({"a": "from os import sep as s\n", "b": "from re import S as s\n"},
         "name clash: s means os.sep in datacheck/a.py and re.S in datacheck/b.py; import it under one meaning"),
        ({"a": "from datacheck.b import x\nx2 = x\n", "b": "from datacheck.a import x2\nx = 1\n"},
         "the modules a, b import each other in a cycle; one file needs an order"),
        ({"a": "from . import b\n", "b": "x = 1\n"},
         "datacheck/a.py:1: relative import; write `from datacheck.módulo import …`"),
        ({"a": "from datacheck.b import x as y\n", "b": "x = 1\n"},
         "datacheck/a.py:1: `x as y`: in one file a name cannot be renamed on import; use the name itself"),
        ({"a": "from datacheck.b import nada\n", "b": "x = 1\n"},
         "datacheck/a.py imports nada from datacheck.b, which does not define it at the top level"),
        ({"a": "def f():\n    from datacheck.b import x\n    return x\n", "b": "x = 1\n"},
         "datacheck/a.py:2: import of datacheck inside a function or block; move it to the top of the module"),
        ({"a": "for i in range(3):\n    pass\n"},
         "datacheck/a.py:1: the generator joins only imports, functions, classes and assignments at the top level "
         "of a module, not For"),
    ],
)
def test_the_generator_refuses_what_one_file_cannot_hold(tmp_path: Path, modules: dict[str, str],
                                                          message: str) -> None:
    with pytest.raises(AmalgamationError) as err:
        single_file(_package(tmp_path, modules))
    assert str(err.value) == message


def test_a_joinable_package_runs(tmp_path: Path) -> None:
    folder = _package(tmp_path, {"cli": "import sys\n\nfrom datacheck.words import GREETING\n\n\n"
                                        "def main():\n    print(GREETING, sys.argv[1:])\n    return 3\n",
                                 "words": '"""Words."""\n\n__all__ = ["GREETING"]\n# A comment kept with its line.\n'
                                          'GREETING = "hola"\n'})
    script = tmp_path / "uno.py"
    script.write_text(single_file(folder), encoding="utf-8")
    assert "# A comment kept with its line." in script.read_text(encoding="utf-8")
    done = subprocess.run([sys.executable, "-I", str(script), "x"], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == (3, "hola ['x']\n")
