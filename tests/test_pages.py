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
    page.wait_for_function("location.hash !== %r" % first)
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
