"""A real Chromium, driven by Playwright, to measure slides and watch network requests.

Playwright's own browser download does not work offline, so we drive the system's Chrome/Chromium.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from marp_build.doctor import find_browser
from marp_build.errors import BrowserNotFoundError

__all__ = ["SlideBox", "SlideMeter", "open_browser", "remote_requests", "block_remote", "LOCAL_SCHEMES"]

LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
# Flags as the workplace probe found necessary: without the background-networking ones Chromium keeps
# trying to reach Google's hosts, which a classroom without network (or this sandbox) refuses.
_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps",
]

# For each slide: the farthest bottom/right reached by in-flow content (absolutely positioned header,
# footer, page number and decorations excluded), in the slide's own pixels, plus boxes that scroll.
# For the design rules (marp_build/design.py): the computed size of every visible text run, grouped by tier
# (what the floor is for that text), the visible text (words are counted in Python, like the notes), the
# rendered width of every image (a diagram's labels shrink with it) and the tag of the last in-flow block.
_MEASURE_JS = """
() => [...document.querySelectorAll('svg[data-marpit-svg] > foreignObject > section')].map((section) => {
  const box = section.getBoundingClientRect();
  const scale = box.width / section.offsetWidth || 1;
  const style = getComputedStyle(section);
  let bottom = 0, right = 0, clipped = [];
  for (const el of section.querySelectorAll('*')) {
    if (el.closest('header, footer')) continue;
    const s = getComputedStyle(el);
    if (s.position === 'absolute' || s.position === 'fixed' || s.display === 'none') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    bottom = Math.max(bottom, (r.bottom - box.top) / scale);
    right = Math.max(right, (r.right - box.left) / scale);
    if ((el.scrollWidth > el.clientWidth + 2 && ['auto', 'scroll', 'hidden'].includes(s.overflowX))
        || (el.scrollHeight > el.clientHeight + 2 && ['auto', 'scroll', 'hidden'].includes(s.overflowY))) {
      clipped.push(el.tagName.toLowerCase());
    }
  }
  const empty = [...section.querySelectorAll('img')]
    .filter((img) => !img.complete || img.naturalWidth === 0 || img.getBoundingClientRect().width < 2
                     || img.getBoundingClientRect().height < 2)
    .map((img) => img.getAttribute('src'));
  // Text runs: tier "secundario" (labels, captions, header/footer), "denso" (code, tables, agenda), else "cuerpo".
  const SECONDARY = 'header, footer, .fuente, small, .pequeno, .meta, figcaption, .caja-titulo, .etiqueta, '
    + '.minutos, .idea-etiqueta, .hora, .lugar, .apertura-seccion, .portada-fecha';
  const DENSE = 'pre, code, kbd, samp, table, .tokens, .agenda';
  const reference = section.classList.contains('fuentes');
  const runs = {}, words = [];
  const walker = document.createTreeWalker(section, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue.replace(/\\s+/g, ' ').trim();
    const el = node.parentElement;
    if (!text || !el || el.closest('script, style, title, desc, noscript')) continue;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || parseFloat(s.opacity) === 0) continue;
    range.selectNodeContents(node);
    const rect = range.getBoundingClientRect();
    if (rect.width < 1 || rect.height < 1) continue;
    const tier = reference || el.closest(SECONDARY) ? 'secundario' : el.closest(DENSE) ? 'denso' : 'cuerpo';
    const size = Math.round(parseFloat(s.fontSize) * 100) / 100;
    const key = tier + '|' + size;
    if (!(key in runs)) runs[key] = [tier, size, text.slice(0, 60)];
    if (!el.closest('header, footer')) words.push(text);
  }
  const images = [...section.querySelectorAll('img')].map((img) => {
    const r = img.getBoundingClientRect();
    return [img.getAttribute('src') || '', r.width / scale, r.height / scale];
  });
  const blocks = [...section.children].filter((el) => {
    const s = getComputedStyle(el);
    return !['header', 'footer', 'script', 'style'].includes(el.tagName.toLowerCase())
      && s.position !== 'absolute' && s.display !== 'none';
  });
  const last = blocks.length ? blocks[blocks.length - 1].tagName.toLowerCase() : '';
  return {
    width: section.offsetWidth, height: section.offsetHeight, bottom, right, clipped, empty,
    paddingBottom: parseFloat(style.paddingBottom), paddingRight: parseFloat(style.paddingRight),
    texts: Object.values(runs), text: words.join(' '), images, last,
  };
})
"""


@dataclass(frozen=True)
class SlideBox:
    """How far a slide's content reaches, in slide pixels."""

    width: float
    height: float
    bottom: float
    right: float
    padding_bottom: float
    padding_right: float
    clipped: tuple[str, ...]
    empty_images: tuple[str, ...] = ()
    texts: tuple = ()  # (tier, font size in px, sample text) for each distinct tier and size on the slide
    text: str = ""  # the visible text, header and footer excluded
    images: tuple = ()  # (src, rendered width, rendered height) in slide pixels
    last: str = ""  # tag of the last in-flow block (a heading there is cut from what it introduces)


@contextmanager
def open_browser() -> Iterator[object]:
    """A headless Chromium (Playwright `Browser`), closed on exit.

    Raises:
        BrowserNotFoundError: no Chromium-family browser (Playwright drives only those here).
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    executable = find_browser()
    if "firefox" in executable.name:
        msg = (f"`marp-build check` mide las diapositivas con Chrome o Chromium, no con {executable.name}; "
               "instala Chromium con `sudo apt-get install -y chromium` o indica su ruta en CHROME_PATH")
        raise BrowserNotFoundError(msg)
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=str(executable), args=_ARGS)
        except PlaywrightError as err:
            msg = f"no se pudo abrir {executable} para revisar las diapositivas: {str(err).splitlines()[0]}"
            raise BrowserNotFoundError(msg) from err
        try:
            yield browser
        finally:
            browser.close()


def block_remote(page, blocked: list[str]) -> None:
    """Let only local requests through `page`; every other URL is aborted and appended to `blocked`."""

    def route(request_route):
        url = request_route.request.url
        if url.startswith(LOCAL_SCHEMES):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    page.route("**/*", route)


def _blocking_page(browser, width: int, height: int):
    """A page that lets only local requests through and records every other one."""
    page = browser.new_page(viewport={"width": width, "height": height})
    blocked: list[str] = []
    block_remote(page, blocked)
    return page, blocked


class SlideMeter:
    """One reusable page, scripts off, that measures Marp HTML files and records remote requests.

    Marp's bespoke script only adds navigation; the slides' layout is the same without it, and loading
    with scripts off (in one page, reused) takes about a quarter of the time.
    """

    def __init__(self, browser):
        self.context = browser.new_context(java_script_enabled=False)
        self.page = self.context.new_page()
        self.blocked: list[str] = []
        block_remote(self.page, self.blocked)

    def measure(self, html: Path, width: int = 1280, height: int = 720) -> tuple[list[SlideBox], list[str]]:
        """Every slide's extent in `html`, and the remote URLs loading it tried to fetch."""
        self.blocked.clear()  # the route appends to this same list
        self.page.set_viewport_size({"width": width, "height": height})
        self.page.goto(html.resolve().as_uri(), wait_until="load")
        self.page.evaluate("document.fonts.ready.then(() => true)")
        from marp_build.measures import boxes_from_raw

        boxes = boxes_from_raw(self.page.evaluate(_MEASURE_JS))
        return boxes, list(self.blocked)

    def close(self) -> None:
        self.context.close()


def remote_requests(browser, html: Path, width: int = 1280, height: int = 800) -> list[str]:
    """Remote URLs a page tries to fetch when loaded with the network blocked."""
    page, blocked = _blocking_page(browser, width, height)
    try:
        page.goto(html.resolve().as_uri(), wait_until="load")
    finally:
        page.close()
    return blocked
