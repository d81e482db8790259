"""Page helpers: escaping, embedding, no external resources."""

from __future__ import annotations

import base64
import re

from sprintlens.render import html


def test_escape_and_markup():
    assert html.escape("<b>\"Jo\" & 'Al'</b>") == "&lt;b&gt;&quot;Jo&quot; &amp; &#x27;Al&#x27;&lt;/b&gt;"
    raw = html.Markup("<i>x</i>")
    assert html.escape(raw) is raw


def test_table_escapes_cells_and_aligns_numbers():
    out = html.table(["name", "value"], [["<script>", 3.5], [html.Markup("<b>ok</b>"), 2]])
    assert "&lt;script&gt;" in out and "<script>" not in out
    assert "<b>ok</b>" in out
    assert out.count('class="num"') == 2


def test_images_are_embedded():
    data = b"\x89PNG\r\n\x1a\nfake"
    tag = html.image(data, 'a "plot"')
    src = re.search(r'src="data:image/png;base64,([^"]+)"', tag).group(1)
    assert base64.b64decode(src) == data
    assert 'alt="a &quot;plot&quot;"' in tag


def test_page_is_self_contained_and_phone_ready():
    page = html.page("T <1>", [html.Section("a", "A & B", html.paragraphs("line one\nline two\n\nsecond <p>"))],
                     subtitle="sub")
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "<title>T &lt;1&gt;</title>" in page
    assert "second &lt;p&gt;" in page and "line one<br>line two" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "@import" not in page and "url(http" not in page
    assert "@media (max-width" in page
