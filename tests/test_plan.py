"""Cache planning and pruning, without marp-cli: which conversions a change invalidates, and what pruning keeps."""

from __future__ import annotations

import os
import time
from pathlib import Path

from marp_build.build import _cached, _plan_jobs, _prune
from marp_build.marp import FORMATS
from marp_build.model import Deck
from marp_build.render import RenderedDeck


def _deck(deck_id: str, markdown: str, kind: str = "presentacion") -> RenderedDeck:
    return RenderedDeck(Deck(deck_id, f"decks/{deck_id}.md.j2", deck_id, kind, "", ()), markdown)


def _keys(root: Path, decks: list[RenderedDeck], formats=("html", "pdf", "notas"), theme="t1", version="4.0"):
    return {(item.deck.id, fmt.name): key for item, fmt, key in _plan_jobs(root, decks, list(formats), theme, version)}


def test_one_job_per_deck_and_format_guides_only_html_and_pdf(tmp_path):
    keys = _keys(tmp_path, [_deck("01", "# A"), _deck("guia", "# G", "guia")])
    assert sorted(keys) == [("01", "html"), ("01", "notas"), ("01", "pdf"), ("guia", "html"), ("guia", "pdf")]
    assert len(set(keys.values())) == len(keys)  # every conversion has its own key


def test_an_edit_invalidates_only_that_decks_conversions(tmp_path):
    before = _keys(tmp_path, [_deck("01", "# A"), _deck("02", "# B")])
    after = _keys(tmp_path, [_deck("01", "# A cambiada"), _deck("02", "# B")])
    assert {k for k in before if before[k] != after[k]} == {("01", "html"), ("01", "pdf"), ("01", "notas")}


def test_theme_and_marp_version_invalidate_everything(tmp_path):
    decks = [_deck("01", "# A"), _deck("02", "# B")]
    base = _keys(tmp_path, decks)
    assert all(base[k] != v for k, v in _keys(tmp_path, decks, theme="t2").items())
    assert all(base[k] != v for k, v in _keys(tmp_path, decks, version="4.1").items())


def test_a_linked_image_changes_the_pdf_key_but_not_the_html_key(tmp_path):
    (tmp_path / "decks" / "img").mkdir(parents=True)
    image = tmp_path / "decks" / "img" / "a.svg"
    image.write_text("<svg/>", encoding="utf-8")
    decks = [_deck("01", "![Un diagrama](img/a.svg)")]
    before = _keys(tmp_path, decks)
    image.write_text("<svg><rect/></svg>", encoding="utf-8")
    after = _keys(tmp_path, decks)
    assert before[("01", "html")] == after[("01", "html")]  # HTML links the image: dist/img changes instead
    assert before[("01", "pdf")] != after[("01", "pdf")]  # PDF embeds it


def test_prune_drops_only_unused_entries_of_the_formats_built(tmp_path):
    outputs = tmp_path / "salidas"
    outputs.mkdir()
    names = {}
    for key in ("viejo", "actual"):
        for fmt in ("html", "pdf"):
            path = _cached(outputs, key, FORMATS[fmt])
            path.write_text(key, encoding="utf-8")
            names[(key, fmt)] = path
    old = time.time() - 60
    for path in outputs.iterdir():
        os.utime(path, (old, old))
    keep = {names[("actual", "html")].name}
    _prune(outputs, keep, {"html"}, since=time.time())
    assert sorted(p.name for p in outputs.iterdir()) == sorted(
        [names[("actual", "html")].name, names[("viejo", "pdf")].name, names[("actual", "pdf")].name])


def test_prune_keeps_entries_written_after_the_build_started(tmp_path):
    outputs = tmp_path / "salidas"
    outputs.mkdir()
    fresh = _cached(outputs, "de-serve", FORMATS["html"])
    fresh.write_text("convertido mientras tanto", encoding="utf-8")
    _prune(outputs, set(), {"html"}, since=time.time() - 60)
    assert fresh.is_file()
