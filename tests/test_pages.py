"""Browser tests (Playwright with the system Chromium): the landing page, a deck and the rehearsal report."""

from __future__ import annotations

import re

import pytest

from marp_build.browser import LOCAL_SCHEMES, open_browser

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def browser():
    with open_browser() as chromium:
        yield chromium


def offline_page(browser, width: int, height: int):
    page = browser.new_page(viewport={"width": width, "height": height})
    remote: list[str] = []

    def route(request_route):
        if request_route.request.url.startswith(LOCAL_SCHEMES):
            request_route.continue_()
        else:
            remote.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    return page, remote


@pytest.mark.parametrize(("name", "width", "height"), [("escritorio", 1280, 900), ("telefono", 390, 844)])
def test_landing_page_links_resolve_offline(browser, built_minimal, tmp_path_factory, name, width, height):
    dist = built_minimal / "dist"
    page, remote = offline_page(browser, width, height)
    page.goto((dist / "index.html").as_uri())
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    local = [h for h in hrefs if not h.startswith(("#", "mailto:", "https://"))]
    assert local and all((dist / h).is_file() for h in local), [h for h in local if not (dist / h).is_file()]
    anchors = [h[1:] for h in hrefs if h.startswith("#")]
    assert all(page.locator(f"#{a}").count() == 1 for a in anchors)
    # Fits the screen: no horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # Keyboard: the first Tab reaches the skip link.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Saltar al contenido"
    shot = tmp_path_factory.mktemp("capturas") / f"pagina-{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.close()
    assert remote == []


def test_deck_opens_navigates_and_has_presenter_notes(browser, built_minimal):
    page, remote = offline_page(browser, 1280, 720)
    page.goto((built_minimal / "dist" / "01-prueba.html").as_uri())
    page.wait_for_selector("svg.bespoke-marp-active")
    first = page.evaluate("location.hash")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"location.hash !== {first!r}")
    assert page.evaluate("location.hash") == "#2"
    notes = page.eval_on_selector_all(".bespoke-marp-note", "els => els.map(e => e.textContent)")
    assert any("Nota de prueba con exactamente diez palabras" in n for n in notes)
    assert any("termina a las 10:40" in n for n in notes)
    page.close()
    assert remote == []


def test_rehearsal_report_renders_offline(browser, built_minimal):
    page, remote = offline_page(browser, 1200, 900)
    page.goto((built_minimal / "dist" / "instructor" / "ensayo.html").as_uri())
    assert page.locator("svg[role=img] title").first.text_content() == "Minutos previstos y estimados por bloque del programa"
    rows = page.locator("tbody tr").all_inner_texts()
    assert len(rows) == 2 and rows[0].startswith("1.1 Tokens")
    box = page.locator(".grafico svg").bounding_box()
    assert box and box["width"] > 500 and box["height"] > 80
    page.close()
    assert remote == []


def test_landing_is_not_linking_instructor_material(built_minimal):
    html = (built_minimal / "dist" / "index.html").read_text(encoding="utf-8")
    assert not re.search(r'href="instructor/', html)


# --- Design v2: the landing page is phone-first, the decks' controls speak Spanish, instructor pages read well ---

def _real_landing(target, url_publica: str = ""):
    """The landing page of the real course.yaml and catalog, with every download listed (sizes made up)."""
    from pathlib import Path

    from marp_build import bundle
    from marp_build.build import load
    from tests.conftest import REPO

    course = load(REPO)
    course.data["url_publica"] = url_publica
    info = bundle.LandingInfo(zip=bundle.Download("Datos y plantillas", "datos-curso.zip", "281,2 KB"))
    for deck in course.decks:
        if deck.kind == "guia":
            info.guides.append(bundle.Download(deck.title, f"guias/{deck.id}.pdf", "98,5 KB", deck.description, "guia"))
        else:
            info.presentations.append({
                "titulo": deck.title, "descripcion": deck.description, "diapositivas": 54, "horario": "09:00–10:00",
                "html": bundle.Download(deck.title, f"{deck.id}.html", "310,4 KB"),
                "pdf": bundle.Download(deck.title, f"{deck.id}.pdf", "463,2 KB"), "notas": None,
            })
    for entry in bundle.load_catalog(REPO):
        files = [bundle.Download(Path(rel).name, f"datos/{rel}", "12,3 KB", role) for role, rel in entry.get("archivos", {}).items()]
        item = dict(entry, descargas=files, formato_legible="JSONL (chat)")
        (info.code if entry.get("tarea") == "codigo" else info.datasets).append(item)
    assert len(info.presentations) == 3 and len(info.datasets) >= 10
    return bundle.render_landing(course, info, target / "index.html"), info


def _in_first_screen(page, selector: str, height: int) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 800)])
@pytest.mark.parametrize("url_publica", ["", "https://ejemplo.github.io/curso/"])
def test_landing_first_screen_has_the_zip_and_the_first_pdf(browser, tmp_path, width, height, url_publica):
    landing, info = _real_landing(tmp_path, url_publica)
    page, _remote = offline_page(browser, width, height)
    page.goto(landing.as_uri())
    first = info.presentations[0]
    assert _in_first_screen(page, 'a[href="datos-curso.zip"]', height)
    assert _in_first_screen(page, f'a[href="{first["pdf"].href}"]', height)
    # Downloading is the main action: the PDF is the primary button, presenting the secondary one.
    assert "primario" in page.get_attribute(f'a[href="{first["pdf"].href}"]', "class")
    assert "secundario" in page.get_attribute(f'a[href="{first["html"].href}"]', "class")
    # The agenda and the dataset groups are folded; nothing scrolls sideways.
    folded = page.eval_on_selector_all("details", "els => els.map(e => [e.open, e.querySelector('summary').innerText])")
    assert folded[0][1].startswith("Agenda") and len(folded) == 1 + 4 and not any(o for o, _ in folded)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # File names break after _ and before the extension, never mid-word.
    assert "retail_<wbr>entrenamiento<wbr>.jsonl" in landing.read_text(encoding="utf-8")
    if url_publica:
        assert page.locator("header.portada .qr svg").is_visible()
    if width == 390:
        assert page.evaluate("document.documentElement.scrollHeight") < 6000
    page.screenshot(path=str(tmp_path / f"pagina-{width}.png"))
    page.close()


def test_deck_controls_and_presenter_view_speak_spanish_with_a_24_hour_clock(browser, built_minimal):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 720})
    page = context.new_page()
    deck = (built_minimal / "dist" / "01-prueba.html").as_uri()
    page.goto(deck)
    page.wait_for_selector("svg.bespoke-marp-active")
    controls = dict(page.eval_on_selector_all(
        "[data-bespoke-marp-osc]", "els => els.map(e => [e.dataset.bespokeMarpOsc, e.title || e.textContent])"))
    assert controls == {"prev": "Diapositiva anterior", "page": "Diapositiva 1 de 7", "next": "Diapositiva siguiente",
                        "fullscreen": "Pantalla completa (f)", "overview": "Vista general (o)",
                        "presenter": "Vista del presentador (p)"}
    page.goto(deck + "?view=presenter#2")
    page.wait_for_selector(".bespoke-marp-presenter-info-time")
    page.wait_for_function("/^\\d{2}:\\d{2}:\\d{2}$/.test(document.querySelector('.bespoke-marp-presenter-info-time').textContent)")
    labels = page.eval_on_selector_all(".bespoke-marp-presenter-container button[title]", "els => els.map(e => e.title)")
    assert labels == ["Notas más pequeñas", "Notas más grandes", "Anterior", "Siguiente"]
    assert page.title().startswith("[Vista del presentador]")
    hour = int(page.text_content(".bespoke-marp-presenter-info-time")[:2])
    assert 0 <= hour <= 23
    context.close()


def test_instructor_pages_render_markdown_with_decimal_commas(browser, built_minimal):
    report = (built_minimal / "dist" / "instructor" / "ensayo.html").read_text(encoding="utf-8")
    visible = re.sub(r"<style>.*?</style>|<[^>]+>", " ", report, flags=re.S)
    assert not re.search(r"\d\.\d", visible.replace("1.1", "").replace("1.2", "")), "punto decimal"
    assert "Sin notas" not in report and ".md.j2:" not in report and "…" not in report.split("<svg", 1)[1].split("</svg>")[0]
    script = (built_minimal / "dist" / "instructor" / "01-prueba-guion.html").read_text(encoding="utf-8")
    assert "Sin notas" not in script and "**" not in re.sub(r"<style>.*?</style>", "", script, flags=re.S)
    page, remote = offline_page(browser, 1280, 900)
    page.goto((built_minimal / "dist" / "instructor" / "01-prueba-guion.html").as_uri())
    views = page.locator("div.diapo-vista > svg[data-marpit-svg]")
    assert views.count() == 7
    box = views.nth(2).bounding_box()
    assert box and 300 < box["width"] < 700 and abs(box["width"] / box["height"] - 16 / 9) < 0.02
    # The slide inside is styled by the deck's own theme: its title in the course font, at the slide's scale.
    family = page.evaluate("getComputedStyle(document.querySelectorAll('div.diapo-vista section h2')[0]).fontFamily")
    assert family.startswith('"Atkinson Hyperlegible Next"')
    assert page.locator("div.diapo-vista img").first.evaluate("img => img.naturalWidth > 0")
    page.close()
    assert remote == []
