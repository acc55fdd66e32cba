import copy

import pytest

from marp_build.errors import SchemaError
from marp_build.load import load_course
from marp_build.model import URL_ENV, build_course, placeholder_contacts, spanish_date


def test_clock_times_and_decks(make_course):
    root = make_course()
    course = build_course(load_course(root), root)
    section = course.data["secciones"][0]
    assert (section["hora_inicio"], section["hora_fin"]) == ("10:00", "10:40")
    assert [(s["hora_inicio"], s["hora_fin"]) for s in section["subsecciones"]] == [("10:00", "10:25"), ("10:25", "10:40")]
    assert course.data["fecha_revision"] == "30 de noviembre de 2026"
    assert [(d.id, d.kind) for d in course.decks] == [("01-prueba", "presentacion"), ("guia-prueba", "guia")]
    # The typed schedule the code reads (templates read `data`): the same clock times.
    assert [(b.id, b.title, b.start, b.end, b.section) for b in course.blocks] == [
        ("1.1", "Tokens", "10:00", "10:25", "1"), ("1.2", "Ajuste fino", "10:25", "10:40", "1")]
    assert course.block("1.2").minutes == 15 and course.block("9.9") is None
    assert (course.sections[0].start, course.sections[0].end, course.duration) == ("10:00", "10:40", 40)
    # The loaded YAML is not changed: derived values live in the model's copy.
    assert "hora_inicio" not in course.source.data["secciones"][0]


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


def _two_sections(source, break_after, minutes=10):
    """The minimal course with a second section, a deck for it and one break."""
    data = source.data
    data["secciones"].append({"id": "2", "titulo": "Segunda parte", "minutos": 20, "subsecciones": [
        {"id": "2.1", "titulo": "Práctica", "minutos": 20, "temas": ["Entrenar"]}]})
    data["descansos"] = [{"despues_de": break_after, "minutos": minutes}]
    data["duracion_minutos"] = 60 + minutes
    return source


def test_break_between_sections_moves_the_clock(make_course):
    root = make_course()
    source = _two_sections(load_course(root), "1")
    course = build_course(source, root)
    first, second = course.data["secciones"]
    assert (first["hora_inicio"], first["hora_fin"]) == ("10:00", "10:40")
    pause = first["descanso"]
    assert (pause["titulo"], pause["hora_inicio"], pause["hora_fin"]) == ("Descanso", "10:40", "10:50")
    assert (second["hora_inicio"], second["hora_fin"], second["descanso"]) == ("10:50", "11:10", None)
    assert second["subsecciones"][0]["hora_inicio"] == "10:50"
    assert course.data["hora_fin"] == "11:10"
    # The last subsection of a section names the same place as the section.
    source = _two_sections(load_course(root), "1.2")
    assert build_course(source, root).data["secciones"][1]["hora_inicio"] == "10:50"


def test_break_inside_a_section(make_course):
    root = make_course()
    source = load_course(root)
    source.data["descansos"] = [{"despues_de": "1.1", "minutos": 5, "titulo": "Pausa"}]
    course = build_course(source, root)
    section = course.data["secciones"][0]
    assert [(s["hora_inicio"], s["hora_fin"]) for s in section["subsecciones"]] == [("10:00", "10:25"), ("10:30", "10:45")]
    assert section["subsecciones"][0]["descanso"]["hora_inicio"] == "10:25"
    assert (section["hora_inicio"], section["hora_fin"], section["descanso"]) == ("10:00", "10:45", None)


def test_loaded_yaml_is_not_changed(make_course):
    root = make_course()
    source = _two_sections(load_course(root), "1")
    before = copy.deepcopy(source.data)
    course = build_course(source, root)
    assert source.data == before
    assert "hora_inicio" in course.data["descansos"][0] and "hora_inicio" not in source.data["descansos"][0]


@pytest.mark.parametrize(
    ("place", "message"),
    [
        ("7", "course.yaml:1: descansos.0.despues_de: no existe la sección o subsección '7' (hay: 1, 1.1, 1.2, 2, 2.1)"),
        ("2", "course.yaml:1: descansos.0.despues_de: un descanso después de '2' queda fuera del curso, que termina "
              "ahí; quítalo o ponlo antes"),
        ("2.1", "course.yaml:1: descansos.0.despues_de: un descanso después de '2.1' queda fuera del curso, que "
                "termina ahí; quítalo o ponlo antes"),
    ],
)
def test_break_in_a_wrong_place(make_course, place, message):
    root = make_course()
    source = _two_sections(load_course(root), place)
    with pytest.raises(SchemaError) as err:
        build_course(source, root)
    assert [i.format() for i in err.value.issues] == [message]


def test_two_breaks_in_one_place(make_course):
    root = make_course()
    source = _two_sections(load_course(root), "1")
    source.data["descansos"].append({"despues_de": "1.2", "minutos": 5})
    with pytest.raises(SchemaError) as err:
        build_course(source, root)
    assert [i.format() for i in err.value.issues] == [
        "course.yaml:1: descansos.1.despues_de: ya hay un descanso en ese lugar (descansos.0); junta los dos en uno"]


def test_check_adds_breaks_to_the_duration(make_course):
    from marp_build.check import run_check

    root = make_course()
    text = (root / "course.yaml").read_text(encoding="utf-8")
    text = text.replace("duracion_minutos: 40", "duracion_minutos: 45")
    (root / "course.yaml").write_text(text + 'descansos:\n  - despues_de: "1.1"\n    minutos: 5\n', encoding="utf-8")
    assert [f.format() for f in run_check(root, browser=False).findings if f.code == "minutos"] == []
    (root / "course.yaml").write_text(text.replace("duracion_minutos: 45", "duracion_minutos: 40")
                                      + 'descansos:\n  - despues_de: "1.1"\n    minutos: 5\n', encoding="utf-8")
    assert [f.format() for f in run_check(root, browser=False).findings if f.code == "minutos"] == [
        "course.yaml:6: error: [minutos] las secciones suman 40 minutos y los descansos 5, pero duracion_minutos "
        "dice 40; ajusta los minutos (o los descansos) para que coincidan"]


def test_public_address_from_the_environment(make_course, monkeypatch):
    root = make_course()
    monkeypatch.setenv(URL_ENV, "https://equipo.github.io/curso/")
    assert build_course(load_course(root), root).data["url_publica"] == "https://equipo.github.io/curso/"
    # An address written in course.yaml (a custom domain) wins over the workflow's.
    source = load_course(root)
    source.data["url_publica"] = "https://curso.example.org/"
    assert build_course(source, root).data["url_publica"] == "https://curso.example.org/"
    monkeypatch.setenv(URL_ENV, "equipo.github.io/curso")
    with pytest.raises(SchemaError) as err:
        build_course(load_course(root), root)
    assert [i.format() for i in err.value.issues] == [
        "course.yaml:10: url_publica: la variable de entorno MARP_BUILD_URL_PUBLICA='equipo.github.io/curso' no es "
        "una dirección https://…; corrígela o déjala vacía"]


@pytest.mark.parametrize(
    ("contact", "expected"),
    [
        ({"email": "soporte@curso-finetuning.com", "whatsapp": "+1-555-FINE-TUNE"},
         {"whatsapp": "es un número 555, reservado para ficción"}),
        ({"email": "hola@example.com", "whatsapp": "(555) 010-4477"},
         {"email": "el dominio example.com es de ejemplo", "whatsapp": "es un número 555, reservado para ficción"}),
        ({"email": "ayuda@ejemplo.com"}, {"email": "el dominio ejemplo.com es de ejemplo"}),
        ({"email": "ayuda@tu-dominio.com"}, {"email": "el dominio tu-dominio.com es de ejemplo"}),
        ({"email": "ayuda@academia.test", "whatsapp": "+34 600 CURSO"},
         {"email": "el dominio academia.test es de ejemplo", "whatsapp": "tiene letras en lugar de cifras"}),
        ({"email": "ayuda@academia.edu.mx", "whatsapp": "000 000 000"}, {"whatsapp": "no parece un número completo"}),
        ({"email": "soporte@academia-datos.es", "whatsapp": "+34 612 345 678"}, {}),
        ({"email": "soporte@academia.com.ar", "whatsapp": "+54 9 11 5555-1234"}, {}),
    ],
)
def test_placeholder_contacts(contact, expected):
    assert placeholder_contacts(contact) == expected


def test_check_warns_on_placeholder_contacts(make_course):
    from marp_build.check import run_check

    root = make_course()
    text = (root / "course.yaml").read_text(encoding="utf-8")
    (root / "course.yaml").write_text(text + '    whatsapp: "+1-555-FINE-TUNE"\n', encoding="utf-8")
    found = [f.format() for f in run_check(root, browser=False).findings if f.code == "contacto"]
    assert found == [
        "course.yaml:67: aviso: [contacto] soporte.contacto.whatsapp «+1-555-FINE-TUNE» es un número 555, "
        "reservado para ficción: pon el contacto real en course.yaml antes de publicar (mientras tanto la página "
        "de descargas muestra un aviso en su lugar)"]


def test_published_build_carries_the_qr_code(make_course, monkeypatch):
    from marp_build.quick import inputs_state
    from marp_build.render import render_decks

    root = make_course()
    before = inputs_state(root, ["html"]).digest
    monkeypatch.setenv(URL_ENV, "https://equipo.github.io/curso/")
    assert inputs_state(root, ["html"]).digest != before  # a cached dist/ without the address is not reused
    deck = next(r for r in render_decks(build_course(load_course(root), root)) if r.deck.kind == "presentacion")
    assert "portada-qr" in deck.markdown and "Código QR: https://equipo.github.io/curso/" in deck.markdown
    assert "Materiales: https://equipo.github.io/curso/" in deck.markdown


def test_landing_shows_a_notice_instead_of_a_placeholder_number(make_course, tmp_path):
    from marp_build.build import load
    from marp_build.bundle import LandingInfo, render_landing

    root = make_course()
    course_file = root / "course.yaml"
    course_file.write_text(course_file.read_text(encoding="utf-8") + '    whatsapp: "+1-555-FINE-TUNE"\n',
                           encoding="utf-8")
    html = render_landing(load(root), LandingInfo(), tmp_path / "index.html").read_text(encoding="utf-8")
    assert "+1-555-FINE-TUNE" not in html
    assert ("<strong>WhatsApp:</strong> el número todavía no está configurado; mientras tanto, escribe al correo "
            "de soporte.") in html
    assert 'href="mailto:soporte@curso-de-prueba.org"' in html
    course_file.write_text(course_file.read_text(encoding="utf-8").replace("+1-555-FINE-TUNE", "+34 612 345 678"),
                           encoding="utf-8")
    html = render_landing(load(root), LandingInfo(), tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<p>WhatsApp: +34 612 345 678</p>" in html and "no está configurado" not in html
