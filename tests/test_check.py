"""`marp-build check`: one scenario course per finding, each found with its file and line."""

from __future__ import annotations

import shutil

import pytest
from typer.testing import CliRunner

from marp_build.check import run_check
from marp_build.cli import app


def findings(root, browser=False):
    report = run_check(root, browser=browser)
    return [f.format() for f in report.findings]


@pytest.mark.e2e
def test_clean_course_has_no_finding(make_course):
    assert findings(make_course(), browser=True) == []


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ("overflow-list", "decks/01-prueba.md.j2:13: error: [desborde] la diapositiva 3 («Una lista demasiado larga») "
                          "de 01-prueba se sale por abajo"),
        ("overflow-table", "decks/01-prueba.md.j2:13: error: [desborde] la diapositiva 3 («Una tabla demasiado ancha») "
                           "de 01-prueba se sale por la derecha"),
        ("overflow-code", "decks/01-prueba.md.j2:13: error: [desborde] la diapositiva 3 («Un bloque de código demasiado "
                          "largo») de 01-prueba se sale por abajo"),
    ],
)
def test_overflow_is_measured_in_chromium(make_course, scenario, expected):
    # (these slides are also far over 45 words: that is a warning of its own, see test_design.py)
    found = [f for f in findings(make_course(scenario), browser=True) if ": error: " in f]
    assert len(found) == 1, found
    assert found[0].startswith(expected), found[0]
    assert found[0].endswith("; divídela en dos o acorta el texto")


@pytest.mark.e2e
def test_remote_resources_are_caught(make_course):
    found = findings(make_course("cdn"), browser=True)
    assert "decks/01-prueba.md.j2:27: error: [imagen-remota] la imagen https://cdn.ejemplo.com/logo.png se descarga " \
           "de internet y no se verá sin conexión; guárdala en decks/img/ y enlázala como img/…" in found
    assert "decks/01-prueba.md.j2:25: error: [recurso-remoto] https://fonts.googleapis.com/css2?family=Roboto se pide " \
           "a internet al abrir la presentación; sin conexión no cargará: usa un archivo local" in found
    offline = [f for f in found if "[sin-conexion]" in f]
    assert offline and all("01-prueba.html pide https://" in f for f in offline)


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ("no-alt", ["decks/01-prueba.md.j2:29: error: [imagen-sin-alt] la imagen img/circulo.svg no tiene texto "
                    "alternativo; describe lo que muestra: ![Descripción de la imagen](img/circulo.svg)"]),
        ("broken-link", [
            "decks/01-prueba.md.j2:31: error: [enlace-http] el enlace http://ejemplo.com/guia usa http; usa https "
            "(los navegadores lo marcan como inseguro)",
            "decks/01-prueba.md.j2:31: error: [enlace-roto] el enlace datos/no-existe.csv no lleva a ningún archivo de "
            "dist/; revisa la ruta (p. ej. datos/chat/retail_entrenamiento.jsonl o guias/….pdf)",
        ]),
        ("bad-minutes", [
            "course.yaml:17: error: [minutos] las subsecciones de la sección 1 suman 45 minutos, pero la sección "
            "dice 40: la agenda se solaparía; ajusta los minutos para que coincidan",
        ]),
        ("no-notes", ["decks/01-prueba.md.j2:23: aviso: [sin-notas] la diapositiva 4 («Un ejemplo del archivo») de "
                      "01-prueba no tiene notas del orador; agrega <!-- qué decir, ejemplo, tiempo, fuentes -->"]),
        ("too-long", [
            "course.yaml:6: error: [curso-largo] el curso se estima en 47 min y dura 40; recorta contenido "
            "(ver marp-build rehearse)",
            "decks/01-prueba.md.j2:9: aviso: [bloque-largo] el bloque 1.1 «Tokens» se estima en 44,0 min y tiene "
            "25; acorta las notas o las actividades (ver marp-build rehearse)",
        ]),
        ("missing-image", ["decks/01-prueba.md.j2:29: error: [imagen-falta] la imagen img/no-existe.svg no existe; "
                           "revisa el nombre o agrega el archivo a decks/img/"]),
        ("schema-error", ["course.yaml:1: error: [esquema] titulo: no puede estar vacío"]),
        ("undefined-variable", ["decks/01-prueba.md.j2:13: error: [plantilla] el campo 'minutoss' no existe; revisa "
                                "cómo se escribe en la plantilla y en course.yaml"]),
    ],
)
def test_each_finding_names_file_and_line(make_course, scenario, expected):
    found = findings(make_course(scenario))
    for line in expected:
        assert line in found, "\n".join(found)


def test_cli_exit_codes_and_json(make_course):
    runner = CliRunner()
    result = runner.invoke(app, ["check", "--raiz", str(make_course("no-alt")), "--sin-navegador"])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].endswith("1 error, 0 avisos")
    result = runner.invoke(app, ["check", "--raiz", str(make_course("no-notes")), "--sin-navegador", "--json"])
    assert result.exit_code == 0
    import json

    data = json.loads(result.output)
    assert data["errores"] == 0 and data["avisos"] == 1
    assert data["hallazgos"][0]["code"] == "sin-notas"


@pytest.mark.e2e
def test_blank_image_is_caught(make_course):
    # An SVG with only a viewBox has no intrinsic size: inside a flex figure it renders 0 px wide.
    root = make_course("empty-image")
    deck = root / "decks" / "01-prueba.md.j2"
    deck.write_text(deck.read_text(encoding="utf-8").replace(
        "![Un diagrama de prueba con un círculo](img/circulo.svg)",
        '<div class="figura">\n\n![Un diagrama de prueba con un círculo](img/circulo.svg)\n\n</div>'), encoding="utf-8")
    found = findings(root, browser=True)
    assert any("[imagen-vacia]" in f and "img/circulo.svg" in f for f in found), found


def test_links_resolve_from_the_folder_the_html_lives_in():
    from marp_build.check import _check_link

    names = {"datos/chat/a.jsonl", "guias/img/x.svg", "index.html"}
    assert _check_link("datos/chat/a.jsonl", "decks/01.md.j2", 3, names) == []
    assert _check_link("../datos/chat/a.jsonl", "decks/guias/g.md.j2", 3, names, "guias/") == []
    assert _check_link("img/x.svg", "decks/guias/g.md.j2", 3, names, "guias/") == []
    [finding] = _check_link("datos/chat/a.jsonl", "decks/guias/g.md.j2", 3, names, "guias/")
    assert finding.code == "enlace-roto"
    [finding] = _check_link("https://sin-punto/x", "decks/01.md.j2", 3, names)
    assert finding.code == "enlace-mal-formado"


@pytest.mark.e2e
@pytest.mark.parametrize("scenario", ["overflow-list", "empty-image"])
def test_after_a_build_check_reads_the_measurements_of_the_printed_pages(make_course, monkeypatch, scenario):
    # The build measures every slide while it prints the PDFs: `check` then finds the same problems without
    # opening a browser of its own.
    import marp_build.browser
    from marp_build.build import build

    root = make_course(scenario)
    if scenario == "empty-image":  # as in test_blank_image_is_caught
        deck = root / "decks" / "01-prueba.md.j2"
        deck.write_text(deck.read_text(encoding="utf-8").replace(
            "![Un diagrama de prueba con un círculo](img/circulo.svg)",
            '<div class="figura">\n\n![Un diagrama de prueba con un círculo](img/circulo.svg)\n\n</div>'),
            encoding="utf-8")
    expected = findings(root, browser=True)  # measured in check's own browser, on the HTML
    shutil.rmtree(root / ".cache" / "marp-build" / "medidas")
    build(root, formats=["html", "pdf"])

    def no_browser():
        raise AssertionError("check abrió un navegador después de construir")

    monkeypatch.setattr(marp_build.browser, "open_browser", no_browser)
    assert findings(root, browser=True) == expected
    assert any("[desborde]" in f or "[imagen-vacia]" in f for f in expected), expected


def test_the_landing_page_is_read_for_what_it_fetches():
    from marp_build.check import _Loads

    page = _Loads()
    page.feed("""<html><head><link rel="stylesheet" href="https://cdn.ejemplo.com/a.css">
      <link rel="canonical" href="https://curso.ejemplo.com/"><style>@import "https://fonts.ejemplo.com/b.css";
      body { background: url('https://img.ejemplo.com/fondo.png') }</style></head>
      <body><a href="https://ejemplo.com/enlace">un enlace no se descarga</a>
      <img src="logo.png" srcset="https://img.ejemplo.com/2x.png 2x, local.png 1x">
      <div style="background-image:url(https://img.ejemplo.com/c.png)"></div><img src="data:image/png;base64,AAAA">
      </body></html>""")
    assert page.urls == ["https://cdn.ejemplo.com/a.css", "https://fonts.ejemplo.com/b.css",
                         "https://img.ejemplo.com/fondo.png", "logo.png", "https://img.ejemplo.com/2x.png", "local.png",
                         "https://img.ejemplo.com/c.png", "data:image/png;base64,AAAA"]
