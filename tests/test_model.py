import pytest

from marp_build.errors import SchemaError
from marp_build.load import load_course
from marp_build.model import build_course, spanish_date


def test_clock_times_and_decks(make_course):
    root = make_course()
    course = build_course(load_course(root), root)
    section = course.data["secciones"][0]
    assert (section["hora_inicio"], section["hora_fin"]) == ("10:00", "10:40")
    assert [(s["hora_inicio"], s["hora_fin"]) for s in section["subsecciones"]] == [("10:00", "10:25"), ("10:25", "10:40")]
    assert course.data["fecha_revision"] == "30 de noviembre de 2026"
    assert [d.id for d in course.presentations] == ["01-prueba"]
    assert [d.id for d in course.guides] == ["guia-prueba"]


def test_cross_field_errors(make_course):
    root = make_course()
    source = load_course(root)
    source.data["presentaciones"][0]["secciones"] = ["9"]
    source.data["guias"][0]["id"] = "01-prueba"
    source.data["guias"][0]["plantilla"] = "decks/falta.md.j2"
    with pytest.raises(SchemaError) as err:
        build_course(source, root)
    assert [i.format() for i in err.value.issues] == [
        "course.yaml:33: presentaciones.0.secciones.0: la sección '9' no existe (hay: 1)",
        "course.yaml:35: guias.0.id: el id '01-prueba' está repetido; los archivos generados se pisarían",
        "course.yaml:36: guias.0.plantilla: no existe el archivo decks/falta.md.j2; crea la plantilla o corrige la ruta",
    ]


def test_spanish_date():
    assert spanish_date("2027-01-06") == "6 de enero de 2027"
