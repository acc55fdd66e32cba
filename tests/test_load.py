from pathlib import Path

import pytest

from marp_build.errors import CourseFileError
from marp_build.load import load_course


def test_reads_values_and_their_lines(make_course):
    source = load_course(make_course())
    assert source.data["titulo"] == "Curso mínimo de prueba"
    assert source.line_of(("secciones", 0, "subsecciones", 1, "minutos")) == 26
    # A path that does not exist falls back to its nearest parent.
    assert source.line_of(("secciones", 0, "no-existe")) == source.line_of(("secciones", 0))


def test_dates_stay_text(tmp_path: Path):
    (tmp_path / "course.yaml").write_text("revisado: 2026-11-30\n", encoding="utf-8")
    assert load_course(tmp_path).data["revisado"] == "2026-11-30"


def test_yaml_syntax_error_has_line_and_column(make_course):
    with pytest.raises(CourseFileError) as err:
        load_course(make_course("bad-yaml"))
    assert str(err.value).startswith("course.yaml:7:13: error de sintaxis YAML")
    assert "error de sintaxis YAML" in str(err.value)
    assert "revisa la sangría, los dos puntos y las comillas" in str(err.value)


def test_missing_file(tmp_path: Path):
    with pytest.raises(CourseFileError, match=r"^course.yaml: no existe; crea el archivo"):
        load_course(tmp_path)
