"""Turning the drafts' Markdown into Word and HTML.

The document templates write a small subset of Markdown (see `parse_markdown`); it is parsed
into plain blocks and runs, and Word (python-docx) and HTML are built from those blocks, so
every format says the same. Placeholders ([in te vullen: …]) stay visible: highlighted in
Word, marked in HTML. The output depends on the Markdown only, never on the moment of
rendering, so that unchanged data gives identical bytes.
"""

from __future__ import annotations

import base64
import math
import re
import struct
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import UnknownChoiceError
from ..text import scrub
from . import rendering as templates
from . import word

FORMATS = ("md", "docx", "html")
LANGUAGE = word.LANGUAGE


# --------------------------------------------------------------------------- Markdown


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ORDERED = re.compile(r"^(\d{1,9})[.)]\s+(.*)$")
_BULLET = re.compile(r"^[-*+]\s+(.*)$")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_BREAK = re.compile(r"<br\s*/?>")
# A picture inside the text (the trend charts of the figures): only a PNG as a data URI, so
# that a draft never points at a file or an address.
_IMAGE = re.compile(r"^!\[([^\]\n]*)\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)$")
PLACEHOLDER_START = "[in te vullen"
# A template marks the signature (the paragraph that names who sign and the table of their
# names) with this comment, which Markdown readers do not show: Word keeps it together on one
# page, without borders.
SIGNATURE = "<!-- ondertekening -->"


def parse_markdown(text: str) -> list[dict[str, Any]]:
    """The blocks of the Markdown the document templates write, as plain data.

    The subset: headings, paragraphs, bullet and numbered lists, pipe tables (an empty
    header row means none), a PNG picture as a data URI on a line of its own, a thematic
    break (a page break in Word), hard breaks as <br>,
    **bold**, *italic*, backslash escapes, and [in te vullen: …] placeholders.
    """
    blocks: list[dict[str, Any]] = []
    lines = text.replace("\r\n", "\n").split("\n")
    paragraph: list[str] = []
    signature = False  # inside a signature: from its marker to the end of its table

    def flush() -> None:
        if paragraph:
            block: dict[str, Any] = {"kind": "paragraph", "runs": inline(" ".join(paragraph))}
            if signature:
                block["signature"] = True
            blocks.append(block)
            paragraph.clear()

    index = 0
    while index < len(lines):
        line = lines[index].rstrip()
        stripped = line.strip()
        heading = _HEADING.match(stripped)
        if stripped == SIGNATURE:
            flush()
            signature = True
        elif not stripped:
            flush()
        elif heading:
            flush()
            blocks.append({"kind": "heading", "level": len(heading.group(1)),
                           "runs": inline(heading.group(2))})
        elif _IMAGE.match(stripped):
            flush()
            found = _IMAGE.match(stripped)
            assert found is not None
            blocks.append({"kind": "image", "alt": found.group(1), "data": found.group(2)})
        elif stripped in ("---", "***", "___") and not paragraph:
            blocks.append({"kind": "break"})
        elif stripped.startswith("|") and index + 1 < len(lines) \
                and _TABLE_RULE.match(lines[index + 1].strip()):
            flush()
            header = [inline(cell) for cell in _cells(stripped)]
            index += 2
            rows = []
            while index < len(lines) and lines[index].strip().startswith("|"):
                cells = [inline(cell) for cell in _cells(lines[index].strip())]
                rows.append((cells + [[]] * len(header))[:len(header)])
                index += 1
            empty = all(not any(run["text"] for run in cell) for cell in header)
            if signature:
                # The names sign under the titles: both rows are the signature's own.
                rows, header, empty = ([] if empty else [header]) + rows, [], True
            blocks.append({"kind": "table", "header": None if empty else header, "rows": rows,
                           "signature": signature})
            signature = False
            continue
        elif (_ORDERED.match(stripped) or _BULLET.match(stripped)) and not paragraph:
            ordered = bool(_ORDERED.match(stripped))
            first = _ORDERED.match(stripped)
            items: list[list[dict[str, Any]]] = []
            pattern = _ORDERED if ordered else _BULLET
            while index < len(lines):
                current = lines[index].strip()
                match = pattern.match(current)
                if match:
                    items.append(inline(match.group(match.lastindex or 1)))
                elif current and lines[index].startswith(("  ", "\t")) and items:
                    items[-1] += inline(" " + current)
                else:
                    break
                index += 1
            blocks.append({"kind": "list", "ordered": ordered,
                           "start": int(first.group(1)) if first else 1, "items": items})
            continue
        else:
            paragraph.append(stripped)
        index += 1
    flush()
    return blocks


def _cells(row: str) -> list[str]:
    """The cells of a table row, split on the pipes that are not escaped."""
    cells, current, escaped = [], "", False
    for char in row.strip().removeprefix("|"):
        if escaped:
            current += "\\" + char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            cells.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        cells.append(current.strip())
    return cells


# The pieces `inline` reads: an escape, a hard break, bold and italic marks, the start of a
# placeholder, brackets, a stretch of plain text, any other character.
_INLINE_TOKEN = re.compile(r"\\.|<br\s*/?>|\*\*|\*|\[in te vullen|\[|\]|[^\\<*\[\]]+|.",
                           re.DOTALL)


def inline(text: str) -> list[dict[str, Any]]:
    """The runs of a line: text with bold/italic/placeholder flags, and line breaks."""
    runs: list[dict[str, Any]] = []
    bold = italic = False
    placeholder_depth = 0
    buffer: list[str] = []

    def emit() -> None:
        if buffer:
            runs.append({"text": "".join(buffer), "bold": bold, "italic": italic,
                         "placeholder": placeholder_depth > 0, "br": False})
            buffer.clear()

    # Token by token rather than character by character: this runs for every line of
    # every draft.
    for token in _INLINE_TOKEN.findall(text):
        first = token[0]
        if first == "\\" and len(token) == 2:
            buffer.append(token[1])
        elif first == "<" and len(token) > 1:
            emit()
            runs.append({"text": "", "bold": False, "italic": False, "placeholder": False,
                         "br": True})
        elif token == "**":
            emit()
            bold = not bold
        elif token == "*":
            emit()
            italic = not italic
        elif token == PLACEHOLDER_START and not placeholder_depth:
            emit()
            placeholder_depth = 1
            buffer.append(token)
        elif first == "[" and placeholder_depth:
            placeholder_depth += 1
            buffer.append(token)
        elif token == "]" and placeholder_depth:
            placeholder_depth -= 1
            buffer.append("]")
            if not placeholder_depth:
                placeholder_depth = 1
                emit()
                placeholder_depth = 0
        else:
            buffer.append(token)
    emit()
    return runs


def plain_text(runs: list[dict[str, Any]]) -> str:
    """The text of runs, line breaks as newlines."""
    return "".join("\n" if run["br"] else run["text"] for run in runs)


# --------------------------------------------------------------------------- Word and HTML


def to_html(blocks: list[dict[str, Any]], *, title: str) -> str:
    """The blocks as a self-contained HTML page (autoescaped template, overridable)."""
    return templates.render("documents/document.html.j2",
                            {"title": title, "language": LANGUAGE, "blocks": blocks})


def to_docx(blocks: list[dict[str, Any]], *, title: str, subject: str,
            house_style: str | Path | None = None) -> bytes:
    """The blocks as a Word document: heading styles, tables, page numbers, Dutch properties;
    started from the `house_style` .docx when given (its styles, margins, header, footer).

    The bytes depend on the blocks and the house style only (no timestamps), so unchanged
    data gives an identical file and no new version. A character Word's XML cannot hold
    shows as U+FFFD.
    """
    template = word.template_for(house_style)
    styles = template.styles
    portrait, landscape = template.text_width_cm, template.landscape_width_cm
    turns = _landscape_turns(blocks, portrait)
    parts: list[str] = []
    pictures: list[bytes] = []  # the PNG files of the draft's charts, in order
    wide = False  # the orientation of the section being written
    first = True  # it is the document's first section (the one with the header and footer)
    portrait_next = False  # after a landscape table: what follows it turns the page back
    for number, block in enumerate(blocks):
        kind = block["kind"]
        if turns.get(number) == "skip":
            continue  # a page break where a new section starts a page anyway
        if turns.get(number) == "landscape" or portrait_next:
            parts.append(template.section_break(landscape=wide, first=first))
            wide, first = turns.get(number) == "landscape", False
        portrait_next = False
        if kind == "heading":
            parts.append(word.paragraph(_runs(block["runs"]), keep_with_next=True,
                                        style=styles[f"Heading {min(block['level'], 9)}"]))
        elif kind == "paragraph":
            following = blocks[number + 1]["kind"] if number + 1 < len(blocks) else None
            # A signature, and the line that names a chart's table or its source, stay on
            # the page of what they belong to.
            parts.append(word.paragraph(_runs(block["runs"]), keep_with_next=bool(
                block.get("signature")) or following in ("image", "table")))
        elif kind == "image":
            pictures.append(base64.b64decode(block["data"]))
            parts.append(_picture(len(pictures), pictures[-1], block, portrait))
        elif kind == "break":
            parts.append(word.PAGE_BREAK)
        elif kind == "list":
            for number, runs in enumerate(block["items"], start=block["start"]):
                if block["ordered"] or template.literal_bullets:
                    # Literal numbers: Word's own numbering would run on from list to list.
                    mark = f"{number}." if block["ordered"] else "\u2022"
                    parts.append(word.paragraph(word.run(f"{mark}\t") + _runs(runs),
                                                style=styles["List"], hanging_cm=0.75))
                else:
                    parts.append(word.paragraph(_runs(runs), style=styles["List Bullet"]))
        elif kind == "table":
            parts.append(_table(block, styles, available=landscape if block.get("wide")
                                else portrait))
            if block.get("wide"):
                portrait_next = True
            elif not block.get("signature"):
                parts.append("<w:p/>")
    return template.package("".join(parts), title=scrub(title), subject=scrub(subject),
                            landscape_end=wide, pictures=pictures)


# The width of the text on an A4 page with margins of 2.5 cm, and what a character and a
# cell's padding take of it in the 11 pt body font: measured for DejaVu Sans, which stands in
# for Calibri where it is not installed and is the wider of the two, so that a column has
# room for its longest word in Word and in LibreOffice alike. A house style's margins give
# its own text widths (word.WordTemplate).
TEXT_WIDTH_CM = 16.0
CHARACTER_CM = 0.26
BOLD_FACTOR = 1.15
PADDING_CM = 0.45
BODY_PT, SMALLEST_PT = 11.0, 8.0


def _table_texts(block: dict[str, Any]) -> tuple[list[list[str]], list[list[bool]], int]:
    """A table's cells as text, which of them are bold, and its number of columns."""
    if "measured" in block:  # measured for the page's orientation already
        return block["measured"]  # type: ignore[no-any-return]
    header_cells = block["header"]
    rows = ([header_cells] if header_cells else []) + block["rows"]
    width = len(header_cells) if header_cells else max((len(r) for r in rows), default=1)
    texts = [[plain_text(runs) for runs in cells] for cells in rows]
    bold = [[bool(runs) and all(r["bold"] or r["br"] for r in runs)
             or (bool(header_cells) and number == 0) for runs in cells]
            for number, cells in enumerate(rows)]
    block["measured"] = texts, bold, width
    return texts, bold, width


def _landscape_turns(blocks: list[dict[str, Any]],
                     available: float = TEXT_WIDTH_CM) -> dict[int, str]:
    """Where the page turns: a table whose longest words do not fit side by side on a
    portrait page even at the smallest size goes on a landscape page of its own, with the
    heading just before it; a page break right before that page is dropped."""
    turns: dict[int, str] = {}
    for number, block in enumerate(blocks):
        if block["kind"] != "table":
            continue
        texts, bold, width = _table_texts(block)
        least, _ = _needed_widths(texts, width, bold, size=SMALLEST_PT)
        if sum(least) <= available:
            continue
        block["wide"] = True
        start = number - 1 if number and blocks[number - 1]["kind"] == "heading" else number
        turns[start] = "landscape"
        if start and blocks[start - 1]["kind"] == "break":
            turns[start - 1] = "skip"
        if number + 1 < len(blocks) and blocks[number + 1]["kind"] == "break":
            turns[number + 1] = "skip"
    return turns


def _table(block: dict[str, Any], styles: dict[str, str], *,
           available: float = TEXT_WIDTH_CM) -> str:
    """A table whose columns are as wide as their content needs and whose rows never split
    across pages; a table without a header row (the kop of a voorstel, a signature) has no
    borders, and a signature is kept on one page with the paragraph before it."""
    header_cells = block["header"]
    rows = ([header_cells] if header_cells else []) + block["rows"]
    texts, bold, width = _table_texts(block)
    size = table_font_size(texts, width, bold=bold, available=available)
    widths = column_widths(texts, width, bold=bold, size=size, available=available)
    keep = bool(block.get("signature"))
    cells_xml = []
    for number, cells in enumerate(rows):
        last = number == len(rows) - 1
        row = []
        for runs in (cells + [[]] * width)[:width]:
            if header_cells and number == 0:
                runs = [{**r, "bold": True} for r in runs]
            row.append(word.paragraph(_runs(runs, size=None if size == BODY_PT else size),
                                      keep_with_next=keep and not last))
        cells_xml.append(row)
    return word.table(cells_xml, widths, style=styles["Table Grid"] if header_cells else None,
                      header=bool(header_cells))


def _picture(number: int, png: bytes, block: dict[str, Any], available: float) -> str:
    """A picture (a chart) at most 14 cm wide in its own paragraph, its height from the PNG's
    own proportions, its description as Word's alt text."""
    width, height = struct.unpack(">II", png[16:24])  # the PNG's IHDR chunk
    width_cm = min(14.0, available)
    return word.paragraph(word.picture(number, width_cm=width_cm,
                                       height_cm=width_cm * height / width,
                                       description=scrub(block["alt"])))


def column_widths(rows: list[list[str]], count: int, *, bold: list[list[bool]] | None = None,
                  size: float = 11.0, available: float = TEXT_WIDTH_CM) -> list[float]:
    """Widths in cm for `count` columns holding these texts (`bold`: which cells are set in
    bold) at `size` points, filling `available`: every column at least as wide as its
    longest word (so no word breaks inside), the rest of the room shared in proportion to how
    much more each column's longest line needs."""
    least, wanted = _needed_widths(rows, count, bold, size=size)
    if sum(least) >= available:  # too many long words: the least, shrunk to fit
        return [round(w * available / sum(least), 2) for w in least]
    extra = [want - low for want, low in zip(wanted, least, strict=True)]
    room = available - sum(least)
    if sum(wanted) <= available or not sum(extra):
        # Everything fits on one line: the room goes to every column by what it holds.
        return [round(w * available / sum(wanted), 2) for w in wanted]
    return [round(low + room * more / sum(extra), 2)
            for low, more in zip(least, extra, strict=True)]


def table_font_size(rows: list[list[str]], count: int, *, bold: list[list[bool]] | None = None,
                    available: float = TEXT_WIDTH_CM) -> float:
    """The font size in points for a table: the body's 11 pt, or smaller (down to 8 pt) when
    the longest words of its columns do not fit side by side at 11 pt."""
    least = sum(_needed_widths(rows, count, bold, size=BODY_PT)[0])
    if least <= available:
        return BODY_PT
    scale = (available - PADDING_CM * count) / (least - PADDING_CM * count)
    return max(SMALLEST_PT, math.floor(BODY_PT * scale * 2) / 2)


@lru_cache(maxsize=4096)
def _lengths(text: str) -> tuple[int, int]:
    """The characters of a cell's longest word and of its longest line (a table is
    measured at several sizes)."""
    return (max((len(w) for w in text.split()), default=0),
            max(len(line) for line in text.split("\n")))


def _needed_widths(rows: list[list[str]], count: int, bold: list[list[bool]] | None, *,
                   size: float) -> tuple[list[float], list[float]]:
    """Per column at `size` points: the width its longest word needs, and the width its
    longest line needs (both with the cell's padding)."""
    least, wanted = [PADDING_CM] * count, [PADDING_CM] * count
    for number, cells in enumerate(rows):
        for column, text in enumerate(cells[:count]):
            factor = size / BODY_PT * (BOLD_FACTOR if bold and bold[number][column] else 1.0)
            word, line = _lengths(text)
            least[column] = max(least[column], word * CHARACTER_CM * factor + PADDING_CM)
            wanted[column] = max(wanted[column], line * CHARACTER_CM * factor + PADDING_CM)
    return least, wanted


def _runs(runs: list[dict[str, Any]], *, size: float | None = None) -> str:
    """The runs of a paragraph as Word's XML; placeholders highlighted."""
    return "".join(word.LINE_BREAK if spec["br"] else
                   word.run(scrub(spec["text"]), bold=spec["bold"], italic=spec["italic"],
                            size=size, highlight=spec["placeholder"]) for spec in runs)


def convert(markdown: str, fmt: str, *, title: str, house_style: str | Path | None = None) -> bytes:
    """A draft's Markdown in a format: md, docx or html; `title` is the document's title, and
    `house_style` the .docx a Word draft starts from (None: ivpflow's own layout)."""
    if fmt == "md":
        return markdown.encode("utf-8")
    blocks = parse_markdown(markdown)
    # The subject is the first heading, as a reader sees it; the title when there is none.
    subject = next((plain_text(b["runs"]) for b in blocks if b["kind"] == "heading"), title)
    if fmt == "docx":
        return to_docx(blocks, title=title, subject=subject, house_style=house_style)
    if fmt == "html":
        return to_html(blocks, title=title).encode("utf-8")
    raise UnknownChoiceError("format", fmt, FORMATS)
