import pytest

from marp_build.build import load
from marp_build.errors import TemplateError
from marp_build.render import make_environment, render_decks


def test_minimal_deck_slides_lines_blocks_and_notes(make_course):
    root = make_course()
    deck = render_decks(load(root))[0]
    assert [(s.number, s.line, s.block, s.title) for s in deck.slides] == [
        (1, 5, "1.1", "Curso mínimo de prueba"),
        (2, 9, "1.1", "Tokens"),
        (3, 13, "1.1", "Los tokens de una frase"),
        (4, 23, "1.1", "Un ejemplo del archivo"),
        (5, 35, "1.2", "Ajuste fino"),
        (6, 39, "1.2", "Pregunta al grupo · 3 min"),
        (7, 47, "1.2", "Un modelo ajustado aprende tu estilo."),  # a key idea's title is its sentence
    ]
    assert deck.slides[2].notes == "Nota de prueba con exactamente diez palabras para contar bien."
    assert deck.slides[5].minutes == 3.0
    assert deck.slides[0].classes == ("portada", "s1")  # the cover takes its section's colour
    # The Markdown handed to marp-cli carries no internal marks, and one `---` per slide boundary.
    assert "\x1f" not in deck.markdown
    body = deck.markdown.split("\n---\n", 1)[1]
    assert body.count("\n---\n") == len(deck.slides) - 1
    # The presenter view shows the block and the time it must end.
    assert "<!-- ⏱ 1.2 Ajuste fino · termina a las 10:40 -->" in deck.markdown


def test_front_matter(make_course):
    deck = render_decks(load(make_course()))[0]
    head = deck.markdown.split("\n---\n", 1)[0]
    assert "theme: curso" in head and "lang: es" in head and "paginate: true" in head
    assert "footer:" not in head  # decks show where we are at the top (dividers' place cue), not a footer


def test_guide_uses_a4_theme(make_course):
    guide = render_decks(load(make_course()))[1]
    assert "theme: guia" in guide.markdown and "size: A4" in guide.markdown
    assert 'footer: "Guía de prueba"' in guide.markdown.split("\n---\n", 1)[0]


def test_excerpt_quotes_the_real_file(make_course):
    deck = render_decks(load(make_course()))[0]
    assert "text,target\nMe encantó el servicio,positivo\nLlegó tarde y roto,negativo" in deck.markdown


def test_real_tokenizer(make_course):
    env = make_environment(make_course())
    assert env.globals["tokens"]("Hola, ¿cómo estás?") == ["Hola", ",", " ¿", "c", "ómo", " est", "ás", "?"]


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        ("undefined-variable", "decks/01-prueba.md.j2:13: el campo 'minutoss' no existe; "
                               "revisa cómo se escribe en la plantilla y en course.yaml"),
        ("template-syntax", "decks/01-prueba.md.j2:39: error de sintaxis de plantilla: Encountered unknown tag 'endcal'."),
        ("missing-partial", "decks/01-prueba.md.j2:3: no existe la plantilla 'partials/no-existe.md.j2'; "
                            "revisa el nombre o crea el archivo en partials/"),
        ("outside-data", "decks/01-prueba.md.j2:26: la ruta '../course.yaml' está fuera de data_templates/; "
                         "las diapositivas solo citan archivos de data_templates/"),
    ],
)
def test_template_errors_name_file_and_line(make_course, scenario, message):
    with pytest.raises(TemplateError) as err:
        render_decks(load(make_course(scenario)))
    assert str(err.value).startswith(message), str(err.value)
