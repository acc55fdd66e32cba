"""Measurements taken while printing (measures.py) and the printed Markdown they are taken from."""

from __future__ import annotations

import base64
import hashlib
import json

from marp_build.marp import embed_images
from marp_build.measures import from_printed, image_names, read_slides, write_slides

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="4"/></svg>'


def _images(tmp_path):
    images = tmp_path / "img"
    images.mkdir()
    (images / "a.svg").write_bytes(SVG)
    return images


def test_an_image_alone_on_its_line_stays_in_a_paragraph_when_embedded(tmp_path):
    # Markdown puts a lone image in a <p>; the <img> that replaces it must too, or the printed slide loses
    # the paragraph's margins and its layout differs from the HTML's.
    images = _images(tmp_path)
    text = ("Antes\n\n![Un círculo](img/a.svg)\n\nTexto\n![en línea](img/a.svg)\n\n- ![en lista](img/a.svg)\n\n"
            "![al final](img/a.svg)")
    out = embed_images(text, images)
    uri = "data:image/svg+xml;base64," + base64.b64encode(SVG).decode()
    assert f'\n\n<p><img src="{uri}" alt="Un círculo"></p>\n\n' in out
    assert f'Texto\n<img src="{uri}" alt="en línea">' in out  # part of the paragraph above it
    assert f'- <img src="{uri}" alt="en lista">' in out
    assert out.endswith(f'<p><img src="{uri}" alt="al final"></p>')


def test_printed_measurements_name_images_as_the_html_links_them(tmp_path):
    images = _images(tmp_path)
    uri = "data:image/svg+xml;base64," + base64.b64encode(SVG).decode()
    sha1 = "data-sha1:" + hashlib.sha1(uri.encode()).hexdigest()
    names = image_names(images)
    assert names == {sha1: "img/a.svg"}
    raw = tmp_path / "crudo.json"
    box = {"width": 794, "height": 1123, "bottom": 938.2500531621479, "right": 730.0000849587234, "clipped": [],
           "empty": [sha1], "paddingBottom": 40.0, "paddingRight": 32.0, "texts": [["cuerpo", 34.4, "Título"]],
           "text": "Título", "images": [[sha1, 666.0000556799762, 278.4999866195406]], "last": "p"}
    raw.write_text(json.dumps({"boxes": [box], "blocked": ["https://ejemplo.com/x.png"]}), encoding="utf-8")
    [slide], blocked = from_printed(raw, names)
    assert blocked == ["https://ejemplo.com/x.png"]
    # Chromium lays out in 1/64 px: the float noise of a scaled page is rounded away, font sizes are kept.
    assert (slide.bottom, slide.right) == (938.25, 730.0)
    assert slide.empty_images == ("img/a.svg",)
    assert slide.images == (("img/a.svg", 666.0, 278.5),)
    assert slide.texts == (("cuerpo", 34.4, "Título"),)
    # Stored and read back as the same value (tuples all the way down).
    write_slides(tmp_path / "memo" / "k.json", [slide], blocked)
    assert read_slides(tmp_path / "memo" / "k.json") == ([slide], blocked)
    assert from_printed(tmp_path / "no-existe.json", names) is None


def test_a_build_removes_older_measurements_only_once_every_deck_is_measured(tmp_path):
    import time

    from marp_build.build import _keep_measures
    from marp_build.marp import FORMATS, Batch
    from marp_build.measures import printed_key

    pdf = Batch(FORMATS["pdf"], tmp_path / "entrada", tmp_path / "salida", ("a", "b"))
    pdf.output_dir.mkdir()
    (pdf.input_dir / "img").mkdir(parents=True)
    memo = tmp_path / "medidas"
    memo.mkdir()
    stale = memo / "de-una-version-anterior.json"
    stale.write_text("{}", encoding="utf-8")
    box = {"width": 1280, "height": 720, "bottom": 500.0, "right": 900.0, "clipped": [], "empty": [],
           "paddingBottom": 70.0, "paddingRight": 80.0, "texts": [], "text": "", "images": [], "last": "p"}
    (pdf.output_dir / "a.medidas.json").write_text(json.dumps({"boxes": [box], "blocked": []}), encoding="utf-8")
    printed = {"a": "clave-a", "b": "clave-b"}
    since = time.time() + 1
    # b's PDF came from the cache, printed before measuring existed: check still measures it on its HTML,
    # so nothing of check's is removed yet.
    _keep_measures([pdf], printed, memo, None, since)
    assert (memo / f"{printed_key('clave-a')}.json").is_file() and stale.is_file()
    (pdf.output_dir / "b.medidas.json").write_text(json.dumps({"boxes": [box], "blocked": []}), encoding="utf-8")
    _keep_measures([pdf], printed, memo, None, since)
    assert sorted(p.name for p in memo.iterdir()) == sorted(f"{printed_key(k)}.json" for k in printed.values())
