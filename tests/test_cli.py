"""The command line: exit codes and the exact messages a user reads (no traceback for their mistakes)."""

import pytest
from typer.testing import CliRunner

from marp_build.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_bad_yaml(make_course):
    result = run("build", "--raiz", str(make_course("bad-yaml")))
    assert result.exit_code == 1
    assert result.stderr == (
        "course.yaml:7:13: error de sintaxis YAML (did not find expected key); revisa la sangría, "
        "los dos puntos y las comillas (una comilla sin cerrar puede estar en una línea anterior)\n"
    )
    assert "Traceback" not in result.output


def test_schema_errors_all_reported(make_course):
    result = run("build", "--raiz", str(make_course("schema-error")))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "course.yaml:1: titulo: no puede estar vacío"
    assert lines[-1] == "course.yaml:18: secciones.0.minutos: debe ser un número entero, no 'cuarenta'"
    assert len(lines) == 4


def test_template_error(make_course):
    result = run("build", "--raiz", str(make_course("undefined-variable")))
    assert result.exit_code == 1
    assert result.stderr == (
        "decks/01-prueba.md.j2:13: el campo 'minutoss' no existe; revisa cómo se escribe en la plantilla y en course.yaml\n"
    )


def test_missing_image(make_course):
    result = run("build", "--raiz", str(make_course("missing-image")))
    assert result.exit_code == 1
    assert result.stderr == (
        "decks/01-prueba.md.j2:29: la imagen img/no-existe.svg no existe en decks/img/; revisa el nombre o agrega el archivo\n"
    )


def test_unknown_deck_and_format(make_course):
    root = str(make_course())
    result = run("build", "--raiz", root, "--solo", "99-nada")
    assert result.exit_code == 2
    assert result.stderr == "no existe la presentación 99-nada en course.yaml (hay: 01-prueba, guia-prueba)\n"
    result = run("build", "--raiz", root, "-f", "docx")
    assert result.exit_code == 2
    assert result.stderr == "formato desconocido: docx; usa html, pdf, notas, pptx\n"


def test_marp_missing(make_course):
    root = make_course()
    (root / "node_modules").unlink()
    result = run("build", "--raiz", str(root), "-f", "html")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        f"no se encontró marp-cli en {root}/node_modules/.bin/marp; ejecuta `npm ci` en {root} "
        "(o `make slides`, que lo instala)\n"
    )


def _commands(group=None, prefix=()):
    """Every command and group of the app, walked from the click tree (new commands are covered too)."""
    import typer.main

    group = group or typer.main.get_command(app)
    yield prefix, group
    for name, command in getattr(group, "commands", {}).items():
        yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize(("path", "command"), list(_commands()), ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_every_command_has_spanish_help(path, command):
    assert command.help and command.help.strip(), f"{' '.join(path)} no tiene ayuda"
    result = run(*path, "--help")
    assert result.exit_code == 0, result.output
    first_sentence = command.help.strip().split(".")[0]
    assert " ".join(first_sentence.split()) in " ".join(result.output.split())


def test_the_documented_commands_exist():
    names = {" ".join(path) for path, _ in _commands()}
    assert {"build", "doctor"} <= names


def test_doctor_reports_each_need(make_course):
    result = run("doctor", "--raiz", str(make_course()))
    assert result.exit_code == 0
    assert "ok  marp-cli:" in result.output and "ok  navegador:" in result.output
    assert "ok  fuente de emoji:" in result.output


def test_doctor_names_the_install_command_when_something_is_missing(make_course, monkeypatch):
    from marp_build import doctor

    monkeypatch.delenv("CHROME_PATH", raising=False)
    monkeypatch.setattr(doctor.shutil, "which", lambda name: None)
    monkeypatch.setattr(doctor, "install_browser", lambda: False)  # not root / no apt: only say how
    result = run("doctor", "--raiz", str(make_course()), "--instalar")
    assert result.exit_code == 1
    assert "falta  navegador: no hay un navegador para generar los PDF" in result.output
    assert "instálalo con: sudo apt-get install -y chromium fonts-noto-color-emoji" in result.output
    assert "falta  fuente de emoji" in result.output
