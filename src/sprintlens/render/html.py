"""Self-contained HTML pages: escaping, embedded images, tables, summary tiles, one stylesheet.

Generic building blocks for every page SprintLens writes (the rep report, the comparison page,
session reports).  A page is one file: images are embedded as ``data:`` URIs, the stylesheet is
inline, nothing is fetched from the network, and the layout reads on a phone (one column on a
narrow screen, wide tables scroll sideways inside their box).

Every function that takes text escapes it; raw HTML is passed as :class:`Markup`.

Example
-------
>>> from sprintlens.render import html
>>> body = html.table(["step", "contact (ms)"], [[1, 104], [2, 99]])
>>> page = html.page("Rep 1", [html.Section("steps", "Steps", body)])
>>> "<table" in page
True
"""

from __future__ import annotations

import base64
import html as _html
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sprintlens.core.files import write_text


class Markup(str):
    """A string of HTML that :func:`escape` passes through unchanged."""


def escape(value: object) -> Markup:
    """Return ``value`` HTML-escaped (quotes too) unless it is already :class:`Markup`."""
    if isinstance(value, Markup):
        return value
    return Markup(_html.escape(str(value), quote=True))


def data_uri(data: bytes, mime: str) -> str:
    """Return the ``data:`` URI of some bytes (base64)."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def image(data: bytes, alt: str, mime: str = "image/png", *, css_class: str = "") -> Markup:
    """Return an ``<img>`` with the image embedded (``alt`` is escaped).

    Parameters
    ----------
    data : bytes
        The encoded image (for example PNG bytes).
    alt : str
        Alternative text.
    mime : str
        MIME type of ``data``.
    css_class : str
        CSS class of the element; empty for none.

    Returns
    -------
    Markup
        The ``<img>`` element, loaded lazily.
    """
    cls = f' class="{escape(css_class)}"' if css_class else ""
    return Markup(f'<img src="{data_uri(data, mime)}" alt="{escape(alt)}"{cls} loading="lazy">')


def figure(data: bytes, caption: str, mime: str = "image/png", *, min_width_px: int | None = None) -> Markup:
    """Return an embedded image with a caption below it.

    With ``min_width_px`` the image never shrinks below that width: on a narrow phone screen it
    scrolls sideways instead of becoming unreadable (for wide, detailed pictures).

    Parameters
    ----------
    data : bytes
        The encoded image (for example PNG bytes).
    caption : str
        Caption below the image, also its alternative text.
    mime : str
        MIME type of ``data``.
    min_width_px : int or None
        Smallest displayed width of the image in CSS pixels; ``None`` (or 0) lets it shrink to
        the page.

    Returns
    -------
    Markup
        The ``<figure>`` element.
    """
    if min_width_px:
        img = (f'<div class="scroll pan"><img src="{data_uri(data, mime)}" alt="{escape(caption)}" '
               f'style="min-width:{int(min_width_px)}px" loading="lazy"></div>')
        return Markup(f"<figure>{img}<figcaption>{escape(caption)}</figcaption></figure>")
    return Markup(f"<figure>{image(data, caption, mime)}<figcaption>{escape(caption)}</figcaption></figure>")


def video(src: str, caption: str, *, poster: bytes | None = None) -> Markup:
    """Return a ``<video>`` of a file beside the page (relative ``src``), with a link to open it.

    Videos are linked, not embedded: a clip is megabytes and plays better from its own file.

    Parameters
    ----------
    src : str
        Address of the clip, relative to the page.
    caption : str
        Caption below the video.
    poster : bytes or None
        A JPEG shown before the video plays (embedded); ``None`` for none.

    Returns
    -------
    Markup
        The ``<figure>`` with the video and its caption.
    """
    poster_attr = f' poster="{data_uri(poster, "image/jpeg")}"' if poster else ""
    src_e = escape(src)
    return Markup(
        f'<figure><video controls playsinline preload="metadata" src="{src_e}"{poster_attr}></video>'
        f'<figcaption>{escape(caption)} · <a href="{src_e}">open the clip</a></figcaption></figure>'
    )


def table(header: Sequence[object], rows: Sequence[Sequence[object]], *, caption: str | None = None,
          css_class: str = "") -> Markup:
    """Return a table in a sideways-scrolling box.

    Cells are escaped unless :class:`Markup`.  Numbers (int/float) are right-aligned; format them
    before passing when the default ``str`` is not wanted.

    Parameters
    ----------
    header : sequence
        The column heads.
    rows : sequence of sequences
        The rows, one cell per column.
    caption : str or None
        Caption of the table; ``None`` for none.
    css_class : str
        CSS class of the ``<table>``; empty for none.

    Returns
    -------
    Markup
        The table inside its scrolling ``<div>``.
    """
    def cell(tag: str, value: object) -> str:
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        cls = ' class="num"' if numeric else ""
        return f"<{tag}{cls}>{escape(value)}</{tag}>"

    head = "".join(cell("th", h) for h in header)
    body = "".join("<tr>" + "".join(cell("td", v) for v in row) + "</tr>" for row in rows)
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    cls = f' class="{escape(css_class)}"' if css_class else ""
    return Markup(f'<div class="scroll"><table{cls}>{cap}<thead><tr>{head}</tr></thead>'
                  f"<tbody>{body}</tbody></table></div>")


@dataclass(frozen=True)
class Tile:
    """One summary number: ``label``, ``value`` (already formatted), optional ``note`` below it."""

    label: str
    value: str
    note: str = ""


def tiles(items: Sequence[Tile]) -> Markup:
    """Return a grid of summary numbers (two or more per row on a phone)."""
    parts = []
    for t in items:
        note = f'<div class="note">{escape(t.note)}</div>' if t.note else ""
        parts.append(f'<div class="tile"><div class="label">{escape(t.label)}</div>'
                     f'<div class="value">{escape(t.value)}</div>{note}</div>')
    return Markup(f'<div class="tiles">{"".join(parts)}</div>')


def paragraphs(text: str) -> Markup:
    """Return plain text (for example a coach's notes) as escaped paragraphs; blank lines split them."""
    blocks = [b.strip() for b in str(text).replace("\r\n", "\n").split("\n\n") if b.strip()]
    return Markup("".join(f"<p>{escape(b).replace(chr(10), '<br>')}</p>" for b in blocks))


@dataclass(frozen=True)
class Section:
    """A titled part of a page; ``id`` is its anchor (``#steps``) and ``body`` its HTML."""

    id: str
    title: str
    body: Markup


#: The stylesheet of every page: system fonts, one column on phones, no external resources.
BASE_CSS = """
:root { --fg:#1b1f24; --muted:#5b6470; --bg:#ffffff; --panel:#f3f5f8; --line:#dde2e8; --accent:#e8770c;
        --warn:#b42318; --warn-bg:#fef3f2; --info:#175cd3; --info-bg:#eff8ff; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--fg); background: var(--bg); }
header.page { background: #14181f; color: #fff; padding: 18px 16px 14px; }
header.page h1 { margin: 0; font-size: 1.45rem; line-height: 1.2; }
header.page .sub { color: #c3cad5; margin-top: 4px; font-size: .95rem; }
nav.toc { display: flex; flex-wrap: wrap; gap: 6px 14px; margin-top: 10px; font-size: .9rem; }
nav.toc a { color: #ffb266; text-decoration: none; }
main { max-width: 980px; margin: 0 auto; padding: 8px 14px 40px; }
section { margin-top: 22px; }
h2 { font-size: 1.2rem; margin: 0 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--accent); }
h3 { font-size: 1.02rem; margin: 14px 0 6px; }
p { margin: 6px 0; }
.muted, figcaption, caption { color: var(--muted); font-size: .88rem; }
figure { margin: 10px 0; }
figure img, figure video, img.wide { display: block; width: 100%; height: auto; border-radius: 6px;
                                     background: var(--panel); }
figure video { max-height: 80vh; background: #000; }
figcaption { margin-top: 4px; }
.scroll.pan { border: 0; } .scroll.pan img { display: block; width: 100%; height: auto; border-radius: 6px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap: 8px; }
.tile { background: var(--panel); border-radius: 8px; padding: 8px 10px; }
.tile .label { font-size: .8rem; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
.tile .value { font-size: 1.35rem; font-weight: 650; font-variant-numeric: tabular-nums; }
.tile .note { font-size: .78rem; color: var(--muted); }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; padding: 6px 8px; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; text-align: left; }
th { background: var(--panel); font-weight: 600; position: sticky; top: 0; }
td.num, th.num { text-align: right; }
tbody tr:nth-child(even) { background: #fafbfc; }
.flag { border-left: 4px solid var(--info); background: var(--info-bg); padding: 8px 10px; border-radius: 4px;
        margin: 8px 0; }
.flag.warning { border-color: var(--warn); background: var(--warn-bg); }
.flag .what { font-weight: 600; }
.flag .detail { color: var(--muted); font-size: .85rem; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 12px; }
.better { color: #067647; } .worse { color: var(--warn); }
footer { color: var(--muted); font-size: .8rem; margin-top: 30px; }
@media (max-width: 520px) { body { font-size: 15px; } .tile .value { font-size: 1.15rem; }
                            th, td { padding: 4px 6px; } }
"""


def page(title: str, sections: Sequence[Section], *, subtitle: str = "", footer: str = "",
         css: str = BASE_CSS) -> str:
    """Return a complete HTML document: header with title, subtitle and a table of contents, then sections.

    ``title``, ``subtitle`` and ``footer`` are escaped; section bodies are :class:`Markup`.

    Parameters
    ----------
    title : str
        Title of the page (its ``<title>`` and heading).
    sections : sequence of Section
        The sections, in order; each gets an entry in the table of contents.
    subtitle : str
        Line below the title; empty for none.
    footer : str
        Text at the foot of the page; empty for none.
    css : str
        The stylesheet, inlined.

    Returns
    -------
    str
        The HTML document.
    """
    toc = "".join(f'<a href="#{escape(s.id)}">{escape(s.title)}</a>' for s in sections)
    body = "".join(f'<section id="{escape(s.id)}"><h2>{escape(s.title)}</h2>{s.body}</section>' for s in sections)
    sub = f'<div class="sub">{escape(subtitle)}</div>' if subtitle else ""
    foot = f"<footer>{escape(footer)}</footer>" if footer else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{css}</style></head>"
        f'<body><header class="page"><h1>{escape(title)}</h1>{sub}<nav class="toc">{toc}</nav></header>'
        f"<main>{body}{foot}</main></body></html>\n"
    )


def write_page(path: str | os.PathLike[str], document: str) -> Path:
    """Write a page atomically (UTF-8) and return its path."""
    write_text(path, document)
    return Path(path)
