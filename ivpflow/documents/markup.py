"""Turning the drafts' Markdown into Word and HTML.

The document templates write a small subset of Markdown (see `parse_markdown`); it is parsed
into plain blocks and runs, and Word (python-docx) and HTML are built from those blocks, so
every format says the same. Placeholders ([in te vullen: …]) stay visible: highlighted in
Word, marked in HTML. The output depends on the Markdown only, never on the moment of
rendering, so that unchanged data gives identical bytes.
"""

from __future__ import annotations

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
PLACEHOLDER_START = "[in te vullen"


def parse_markdown(text: str) -> list[dict[str, Any]]:
    """The blocks of the Markdown the document templates write, as plain data.

    The subset: headings, paragraphs, bullet and numbered lists, pipe tables (an empty
    header row means none), a thematic break (a page break in Word), hard breaks as <br>,
    **bold**, *italic*, backslash escapes, and [in te vullen: …] placeholders.
    """
    blocks: list[dict[str, Any]] = []
    lines = text.replace("\r\n", "\n").split("\n")
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append({"kind": "paragraph", "runs": inline(" ".join(paragraph))})
            paragraph.clear()

    index = 0
    while index < len(lines):
        line = lines[index].rstrip()
        stripped = line.strip()
        heading = _HEADING.match(stripped)
        if not stripped:
            flush()
        elif heading:
            flush()
            blocks.append({"kind": "heading", "level": len(heading.group(1)),
                           "runs": inline(heading.group(2))})
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
            blocks.append({"kind": "table", "header": None if empty else header, "rows": rows})
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
    header = section.header.paragraphs[0]
    header.text = f"Concept — {title}"
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Pagina ")
    _field(footer, "PAGE")
    footer.add_run(" van ")
    _field(footer, "NUMPAGES")

    for block in blocks:
        kind = block["kind"]
        if kind == "heading":
            _runs(document.add_heading(level=min(block["level"], 9)), block["runs"],
                  WD_COLOR_INDEX.YELLOW)
        elif kind == "paragraph":
            _runs(document.add_paragraph(), block["runs"], WD_COLOR_INDEX.YELLOW)
        elif kind == "break":
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif kind == "list":
            for number, runs in enumerate(block["items"], start=block["start"]):
                if block["ordered"]:
                    # Literal numbers: Word's own numbering would run on from list to list.
                    paragraph = document.add_paragraph(f"{number}.\t", style="List")
                    paragraph.paragraph_format.left_indent = Cm(0.75)
                    paragraph.paragraph_format.first_line_indent = Cm(-0.75)
                    paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(0.75))
                else:
                    paragraph = document.add_paragraph(style="List Bullet")
                _runs(paragraph, runs, WD_COLOR_INDEX.YELLOW)
        elif kind == "table":
            header_cells = block["header"]
            width = len(header_cells) if header_cells else max(
                (len(r) for r in block["rows"]), default=1)
            table = document.add_table(rows=0, cols=width)
            table.style = "Table Grid"
            if header_cells:
                row = table.add_row()
                _repeat_header(row)
                for cell, runs in zip(row.cells, header_cells, strict=True):
                    _runs(cell.paragraphs[0], [{**r, "bold": True} for r in runs],
                          WD_COLOR_INDEX.YELLOW)
            for cells in block["rows"]:
                row = table.add_row()
                for cell, runs in zip(row.cells, cells, strict=False):
                    _runs(cell.paragraphs[0], runs, WD_COLOR_INDEX.YELLOW)
            document.add_paragraph()
    buffer = BytesIO()
    document.save(buffer)
    return _stable_zip(buffer.getvalue())


def _runs(paragraph: Any, runs: list[dict[str, Any]], highlight: Any) -> None:
    for spec in runs:
        if spec["br"]:
            paragraph.add_run().add_break()
            continue
        run = paragraph.add_run(scrub(spec["text"]))
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


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


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
