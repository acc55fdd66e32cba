import pytest

from marp_build.errors import SchemaError
from marp_build.load import load_course
from marp_build.schema import schema_issues, validate


def test_real_course_is_valid():
    from pathlib import Path

    source = load_course(Path(__file__).resolve().parents[1])
    assert schema_issues(source, "course", "course.yaml") == []


def test_every_violation_is_reported_with_its_line(make_course):
    source = load_course(make_course("schema-error"))
    with pytest.raises(SchemaError) as err:
        validate(source)
    assert [i.format() for i in err.value.issues] == [
        "course.yaml:1: titulo: no puede estar vacío",
        "course.yaml:9: inicio: el valor '25:00' no tiene el formato esperado (Hora de inicio HH:MM)",
        "course.yaml:10: (raíz): campo desconocido 'horario'; revisa si está mal escrito (se permiten: "
        "audiencia, descansos, duracion_minutos, fecha_clase, guias, herramientas, idioma, inicio, instructor, "
        "metodologia, modalidad, nivel, objetivos, prerrequisitos, presentaciones, proximos_pasos, recursos, "
        "resultados_esperados, revisado, revisar_hechos_cada_dias, secciones, soporte, subtitulo, titulo, url_publica)",
        "course.yaml:18: secciones.0.minutos: debe ser un número entero, no 'cuarenta'",
    ]


def test_missing_required_field(make_course):
    source = load_course(make_course())
    del source.data["nivel"]
    assert [i.format() for i in schema_issues(source, "course", "course.yaml")] == ["course.yaml:1: (raíz): falta el campo obligatorio 'nivel'"]
