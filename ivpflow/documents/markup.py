"""Turning the drafts' Markdown into Word and HTML.

The document templates write a small subset of Markdown (see `parse_markdown`); it is parsed
into plain blocks and runs, and Word (python-docx) and HTML are built from those blocks, so
every format says the same. Placeholders ([in te vullen: …]) stay visible: highlighted in
Word, marked in HTML. The output depends on the Markdown only, never on the moment of
rendering, so that unchanged data gives identical bytes.
"""

from __future__ import annotations

import math
import re
import zipfile
from io import BytesIO
from typing import Any

from ..errors import UnknownChoiceError
from ..text import scrub
from . import rendering as templates

FORMATS = ("md", "docx", "html")
LANGUAGE = "nl-NL"


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


def inline(text: str) -> list[dict[str, Any]]:
    """The runs of a line: text with bold/italic/placeholder flags, and line breaks."""
    runs: list[dict[str, Any]] = []
    bold = italic = False
    placeholder_depth = 0
    buffer = ""

    def emit() -> None:
        nonlocal buffer
        if buffer:
            runs.append({"text": buffer, "bold": bold, "italic": italic,
                         "placeholder": placeholder_depth > 0, "br": False})
            buffer = ""

    index = 0
    while index < len(text):
        char = text[index]
        rest = text[index:]
        brk = _BREAK.match(rest)
        if char == "\\" and index + 1 < len(text):
            buffer += text[index + 1]
            index += 2
            continue
        if brk:
            emit()
            runs.append({"text": "", "bold": False, "italic": False, "placeholder": False,
                         "br": True})
            index += brk.end()
            continue
        if rest.startswith("**"):
            emit()
            bold = not bold
            index += 2
            continue
        if char == "*":
            emit()
            italic = not italic
            index += 1
            continue
        if rest.startswith(PLACEHOLDER_START) and not placeholder_depth:
            emit()
            placeholder_depth = 1
            buffer = "["
            index += 1
            continue
        if char == "[" and placeholder_depth:
            placeholder_depth += 1
        elif char == "]" and placeholder_depth:
            placeholder_depth -= 1
            if not placeholder_depth:
                buffer += "]"
                placeholder_depth = 1
                emit()
                placeholder_depth = 0
                index += 1
                continue
        buffer += char
        index += 1
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


def to_docx(blocks: list[dict[str, Any]], *, title: str, subject: str) -> bytes:
    """The blocks as a Word document: heading styles, tables, page numbers, Dutch properties.

    The bytes depend on the blocks only (no timestamps), so unchanged data gives an identical
    file and no new version. A character Word's XML cannot hold shows as U+FFFD.
    """
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml.ns import qn
    from docx.shared import Cm

    document = Document()
    _set_language(document)
    props = document.core_properties
    title, subject = scrub(title), scrub(subject)
    props.title = title
    props.subject = subject
    props.language = LANGUAGE
    props.author = "ivpflow"
    props.last_modified_by = "ivpflow"
    props.comments = "Concept, opgesteld met ivpflow uit de gegevens van het proces"
    props.keywords = "integraal veiligheidsplan; concept"
    for name in ("dcterms:created", "dcterms:modified"):
        # Timestamps would make every rendering differ; Word sets them when it saves.
        for element in props._element.findall(qn(name)):
            props._element.remove(element)
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:  # python-docx's picture of a blank page
            del package.rels[rel_id]

    section = document.sections[0]
    # A4 with margins of 2.5 cm, as Dutch municipal documents are (python-docx's own
    # template is US Letter).
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.5)
    styles = _Styles(document)
    header = section.header.paragraphs[0]
    header.text = f"Concept — {title}"
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Pagina ")
    _field(footer, "PAGE")
    footer.add_run(" van ")
    _field(footer, "NUMPAGES")

    turns = _landscape_turns(blocks)
    portrait_next = False  # after a landscape table: what follows it turns the page back
    for number, block in enumerate(blocks):
        kind = block["kind"]
        if turns.get(number) == "skip":
            continue  # a page break where a new section starts a page anyway
        if turns.get(number) == "landscape":
            _start_section(document, landscape=True)
        elif portrait_next:
            _start_section(document, landscape=False)
        portrait_next = False
        if kind == "heading":
            heading = document.add_paragraph(style=styles.heading(min(block["level"], 9)))
            heading.paragraph_format.keep_with_next = True
            _runs(heading, block["runs"], WD_COLOR_INDEX.YELLOW)
        elif kind == "paragraph":
            paragraph = document.add_paragraph()
            following = blocks[number + 1]["kind"] if number + 1 < len(blocks) else None
            # A signature, and the line that names a chart's table or its source, stay on
            # the page of what they belong to.
            if block.get("signature") or following in ("image", "table"):
                paragraph.paragraph_format.keep_with_next = True
            _runs(paragraph, block["runs"], WD_COLOR_INDEX.YELLOW)
        elif kind == "image":
            _picture(document, block)
        elif kind == "break":
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif kind == "list":
            for number, runs in enumerate(block["items"], start=block["start"]):
                if block["ordered"]:
                    # Literal numbers: Word's own numbering would run on from list to list.
                    paragraph = document.add_paragraph(f"{number}.\t", style=styles.list)
                    paragraph.paragraph_format.left_indent = Cm(0.75)
                    paragraph.paragraph_format.first_line_indent = Cm(-0.75)
                    paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(0.75))
                else:
                    paragraph = document.add_paragraph(style=styles.bullet)
                _runs(paragraph, runs, WD_COLOR_INDEX.YELLOW)
        elif kind == "table":
            _table(document, block, styles, WD_COLOR_INDEX.YELLOW,
                   available=LANDSCAPE_WIDTH_CM if block.get("wide") else TEXT_WIDTH_CM)
            if block.get("wide"):
                portrait_next = True
            elif not block.get("signature"):
                document.add_paragraph()
    buffer = BytesIO()
    document.save(buffer)
    return _stable_zip(buffer.getvalue())


# The width of the text on an A4 page with margins of 2.5 cm, and what a character and a
# cell's padding take of it in the 11 pt body font: measured for DejaVu Sans, which stands in
# for Calibri where it is not installed and is the wider of the two, so that a column has
# room for its longest word in Word and in LibreOffice alike.
TEXT_WIDTH_CM = 16.0
LANDSCAPE_WIDTH_CM = 24.7
CHARACTER_CM = 0.26
BOLD_FACTOR = 1.15
PADDING_CM = 0.45
BODY_PT, SMALLEST_PT = 11.0, 8.0


class _Styles:
    """The styles the drafts use, looked up by name once per document: python-docx searches
    every style of the document at each lookup by name."""

    def __init__(self, document: Any) -> None:
        self._styles = document.styles
        self._found: dict[str, Any] = {}

    def named(self, name: str) -> Any:
        if name not in self._found:
            self._found[name] = self._styles[name]
        return self._found[name]

    def heading(self, level: int) -> Any:
        return self.named(f"Heading {level}")

    @property
    def list(self) -> Any:
        return self.named("List")

    @property
    def bullet(self) -> Any:
        return self.named("List Bullet")

    @property
    def grid(self) -> Any:
        return self.named("Table Grid")


def _table_texts(block: dict[str, Any]) -> tuple[list[list[str]], list[list[bool]], int]:
    """A table's cells as text, which of them are bold, and its number of columns."""
    header_cells = block["header"]
    rows = ([header_cells] if header_cells else []) + block["rows"]
    width = len(header_cells) if header_cells else max((len(r) for r in rows), default=1)
    texts = [[plain_text(runs) for runs in cells] for cells in rows]
    bold = [[bool(runs) and all(r["bold"] or r["br"] for r in runs)
             or (bool(header_cells) and number == 0) for runs in cells]
            for number, cells in enumerate(rows)]
    return texts, bold, width


def _landscape_turns(blocks: list[dict[str, Any]]) -> dict[int, str]:
    """Where the page turns: a table whose longest words do not fit side by side on a
    portrait page even at the smallest size goes on a landscape page of its own, with the
    heading just before it; a page break right before that page is dropped."""
    turns: dict[int, str] = {}
    for number, block in enumerate(blocks):
        if block["kind"] != "table":
            continue
        texts, bold, width = _table_texts(block)
        least, _ = _needed_widths(texts, width, bold, size=SMALLEST_PT)
        if sum(least) <= TEXT_WIDTH_CM:
            continue
        block["wide"] = True
        start = number - 1 if number and blocks[number - 1]["kind"] == "heading" else number
        turns[start] = "landscape"
        if start and blocks[start - 1]["kind"] == "break":
            turns[start - 1] = "skip"
        if number + 1 < len(blocks) and blocks[number + 1]["kind"] == "break":
            turns[number + 1] = "skip"
    return turns


def _start_section(document: Any, *, landscape: bool) -> None:
    """A new section on a new page, A4 landscape or portrait, with the same margins."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Cm

    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long, short = Cm(29.7), Cm(21)
    section.page_width, section.page_height = (long, short) if landscape else (short, long)


def _table(document: Any, block: dict[str, Any], styles: _Styles, highlight: Any, *,
           available: float = TEXT_WIDTH_CM) -> None:
    """A table whose columns are as wide as their content needs and whose rows never split
    across pages; a table without a header row (the kop of a voorstel, a signature) has no
    borders, and a signature is kept on one page with the paragraph before it."""
    from docx.shared import Cm

    header_cells = block["header"]
    rows = ([header_cells] if header_cells else []) + block["rows"]
    texts, bold, width = _table_texts(block)
    table = document.add_table(rows=0, cols=width)
    if header_cells:
        table.style = styles.grid
    table.autofit = False
    size = table_font_size(texts, width, bold=bold, available=available)
    widths = column_widths(texts, width, bold=bold, size=size, available=available)
    for column, cm in zip(table.columns, widths, strict=True):
        column.width = Cm(cm)
    keep = bool(block.get("signature"))
    for number, cells in enumerate(rows):
        row = table.add_row()
        _row_properties(row, header=bool(header_cells) and number == 0)
        last = number == len(rows) - 1
        for cell, cm, runs in zip(row.cells, widths, (cells + [[]] * width)[:width],
                                  strict=True):
            cell.width = Cm(cm)
            paragraph = cell.paragraphs[0]
            if keep and not last:
                paragraph.paragraph_format.keep_with_next = True
            if header_cells and number == 0:
                runs = [{**r, "bold": True} for r in runs]
            _runs(paragraph, runs, highlight, size=None if size == BODY_PT else size)


def _picture(document: Any, block: dict[str, Any]) -> None:
    """A picture (a chart) as wide as the text, its description as Word's alt text."""
    import base64

    from docx.shared import Cm

    picture = document.add_picture(BytesIO(base64.b64decode(block["data"])),
                                   width=Cm(14))
    picture._inline.docPr.set("descr", scrub(block["alt"]))
    document.paragraphs[-1].paragraph_format.keep_together = True


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


def _needed_widths(rows: list[list[str]], count: int, bold: list[list[bool]] | None, *,
                   size: float) -> tuple[list[float], list[float]]:
    """Per column at `size` points: the width its longest word needs, and the width its
    longest line needs (both with the cell's padding)."""
    least, wanted = [PADDING_CM] * count, [PADDING_CM] * count
    for number, cells in enumerate(rows):
        for column, text in enumerate(cells[:count]):
            factor = size / BODY_PT * (BOLD_FACTOR if bold and bold[number][column] else 1.0)
            word = max((len(w) for w in text.split()), default=0)
            line = max(len(line) for line in text.split("\n"))
            least[column] = max(least[column], word * CHARACTER_CM * factor + PADDING_CM)
            wanted[column] = max(wanted[column], line * CHARACTER_CM * factor + PADDING_CM)
    return least, wanted


def _row_properties(row: Any, *, header: bool) -> None:
    """A row that never splits across a page break; a header row repeats on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))
    if header:
        marker = OxmlElement("w:tblHeader")
        marker.set(qn("w:val"), "true")
        properties.append(marker)


def _runs(paragraph: Any, runs: list[dict[str, Any]], highlight: Any, *,
          size: float | None = None) -> None:
    from docx.shared import Pt

    for spec in runs:
        if spec["br"]:
            paragraph.add_run().add_break()
            continue
        run = paragraph.add_run(scrub(spec["text"]))
        if size is not None:
            run.font.size = Pt(size)
        if spec["bold"]:
            run.bold = True
        if spec["italic"]:
            run.italic = True
        if spec["placeholder"]:
            run.font.highlight_color = highlight


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) in a paragraph, as begin/instruction/separate/end runs."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> Any:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    paragraph.add_run()._r.append(char("begin"))
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)
    paragraph.add_run()._r.append(char("separate"))
    paragraph.add_run("1")
    paragraph.add_run()._r.append(char("end"))


def _set_language(document: Any) -> None:
    """Dutch as the language of every run, so that Word checks the spelling in Dutch."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run_defaults.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_defaults.append(lang)
    lang.set(qn("w:val"), LANGUAGE)


def _stable_zip(data: bytes) -> bytes:
    """The same zip with fixed member timestamps (zipfile stamps them with the clock)."""
    source = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    return out.getvalue()


def convert(markdown: str, fmt: str, *, title: str) -> bytes:
    """A draft's Markdown in a format: md, docx or html; `title` is the document's title."""
    if fmt == "md":
        return markdown.encode("utf-8")
    blocks = parse_markdown(markdown)
    # The subject is the first heading, as a reader sees it; the title when there is none.
    subject = next((plain_text(b["runs"]) for b in blocks if b["kind"] == "heading"), title)
    if fmt == "docx":
        return to_docx(blocks, title=title, subject=subject)
    if fmt == "html":
        return to_html(blocks, title=title).encode("utf-8")
    raise UnknownChoiceError("format", fmt, FORMATS)
