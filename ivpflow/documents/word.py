"""Word files built fast from a prepared template: python-docx's own, or a gemeente's house style.

python-docx builds a document object by object and looks styles up by name at every paragraph;
for a draft of a few pages that costs tens of milliseconds, and opening and saving its package
(800 KB of styles) as many again. So the template is prepared once with python-docx (Dutch
language, A4, header and footer, the styles the drafts use resolved to their ids, the body
emptied) and kept as the bytes of its package parts, the constant ones compressed once. A draft
is then its body as WordprocessingML text, `document.xml` around it, its title in the header
and the properties, and a zip written from those parts. The bytes depend on the body, the
title and the template only: no timestamps.

A house style is a `.docx` (or `.dotx`) of the gemeente's: its styles (Normal's font, the
headings), its margins and its header and footer (with the logo) are kept; the body text it
may hold is not. The page stays A4. A style the drafts need that it lacks comes from
python-docx's template.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from ..errors import IvpflowError
from ..i18n import _

LANGUAGE = "nl-NL"
# Stand-ins for the draft's title and subject in the prepared parts, replaced per draft.
TITLE_TOKEN = "IVPFLOW-TITLE-7f3c1a"
SUBJECT_TOKEN = "IVPFLOW-SUBJECT-7f3c1a"
A4_CM = (21.0, 29.7)
DEFAULT_MARGIN_CM = 2.5
# Part names of a package that are the draft's own; every other part is the template's.
DOCUMENT_PART = "word/document.xml"
CORE_PART = "docProps/core.xml"
RELS_PART = "word/_rels/document.xml.rels"
TYPES_PART = "[Content_Types].xml"
IMAGE_RELATIONSHIP = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TEMPLATE_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# The styles the drafts use, by the name python-docx gives them.
STYLE_NAMES = tuple(f"Heading {n}" for n in range(1, 10)) + ("List", "List Bullet", "Table Grid")


class HouseStyleError(IvpflowError):
    """The house-style file the Word drafts start from is missing or is no usable .docx; no
    draft was written."""

    def __init__(self, path: object, problem: str, reason: str = "") -> None:
        self.path, self.problem = str(path), problem
        self.reason = reason = " ".join(reason.split())[:300]
        if problem == "missing":
            message = _("House style {path} does not exist")
        elif problem == "unreadable":
            message = _("House style {path} cannot be read ({reason})")
        else:
            message = _("House style {path} is not a usable Word document (.docx or .dotx): "
                        "{reason}")
        IvpflowError.__init__(self, message.format(path=self.path, reason=reason))


def cm_twips(cm: float) -> int:
    """A length in cm as twips, rounded as python-docx rounds it (via EMU)."""
    return round(int(cm * 360000) / 635)


@dataclass
class _Member:
    """One part of the package: name, CRC, sizes and its deflated bytes."""

    name: str
    crc: int
    size: int
    data: bytes  # deflated


def _member(name: str, raw: bytes) -> _Member:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return _Member(name, zlib.crc32(raw), len(raw), packer.compress(raw) + packer.flush())


@dataclass
class WordTemplate:
    """A template prepared for drafting: its parts, its document around the body, the ids of
    the styles, and the width of its text."""

    digest: str | None  # of the house-style file's bytes; None for python-docx's template
    members: list[_Member | str]  # a name: the draft's own part, made per draft
    raw: dict[str, bytes]  # the draft's own parts as prepared (with the tokens)
    head: str  # document.xml up to and including <w:body>
    sections: dict[tuple[bool, bool], str]  # (landscape, first) → the section's w:sectPr
    rels: bytes  # the document's relationships, for a draft with pictures of its own
    types: bytes  # the package's content types, likewise
    styles: dict[str, str]  # STYLE_NAMES → style id
    literal_bullets: bool  # the bullet style came without its numbering: write the bullet
    text_width_cm: float
    landscape_width_cm: float

    def package(self, body: str, *, title: str, subject: str, landscape_end: bool,
                pictures: list[bytes] | None = None) -> bytes:
        """The .docx of a body (its sections ended by `section_break`), the last section
        landscape or not; `pictures`: the PNG files its `picture` runs show, in order."""
        end = self.sections[(landscape_end, False)] if "<w:sectPr" in body \
            else self.sections[(landscape_end, True)]
        document = f"{self.head}{body}{end}</w:body></w:document>".encode()
        title_xml = escape(title).encode()
        subject_xml = escape(subject).encode()
        members = list(self.members)
        own = dict(self.raw)
        if pictures:
            own[RELS_PART] = self.rels.replace(b"</Relationships>", b"".join(
                b'<Relationship Id="ivpflowPicture%d" Type="%s" Target="media/ivpflow-%d.png"/>'
                % (number, IMAGE_RELATIONSHIP, number)
                for number in range(1, len(pictures) + 1)) + b"</Relationships>")
            own[TYPES_PART] = self.types if b'Extension="png"' in self.types else \
                self.types.replace(b"<Override", b'<Default Extension="png" '
                                   b'ContentType="image/png"/><Override', 1)
            members = [RELS_PART if isinstance(m, _Member) and m.name == RELS_PART else
                       TYPES_PART if isinstance(m, _Member) and m.name == TYPES_PART else m
                       for m in members]
            members += [_member(f"word/media/ivpflow-{number}.png", png)
                        for number, png in enumerate(pictures, start=1)]
        out = BytesIO()
        central = []
        for member in members:
            if isinstance(member, str):
                raw = document if member == DOCUMENT_PART else own[member].replace(
                    TITLE_TOKEN.encode(), title_xml).replace(SUBJECT_TOKEN.encode(),
                                                               subject_xml)
                member = _member(member, raw)
            central.append((member, out.tell()))
            name = member.name.encode()
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, _DOS_DATE,
                                  member.crc, len(member.data), member.size, len(name), 0))
            out.write(name)
            out.write(member.data)
        start = out.tell()
        for member, offset in central:
            name = member.name.encode()
            out.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0,
                                  _DOS_DATE, member.crc, len(member.data), member.size,
                                  len(name), 0, 0, 0, 0, 0, offset))
            out.write(name)
        size = out.tell() - start
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), size,
                              start, 0))
        return out.getvalue()

    def section_break(self, *, landscape: bool, first: bool) -> str:
        """The paragraph that ends a section (the one before the break)."""
        return f"<w:p><w:pPr>{self.sections[(landscape, first)]}</w:pPr></w:p>"


_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1 January 1980, as zipfile dates members without time
_prepared: dict[str | None, WordTemplate] = {}


def template_for(house_style: str | Path | None) -> WordTemplate:
    """The prepared template of a house-style file (None: python-docx's own), prepared once
    per content of the file."""
    if house_style is None:
        if None not in _prepared:
            _prepared[None] = _prepare(None, None)
        return _prepared[None]
    path = Path(house_style).expanduser()
    data = house_style_bytes(path)
    digest = hashlib.sha256(data).hexdigest()
    if digest not in _prepared:
        if len(_prepared) > 8:  # a long-running scheduler need not keep every old style
            _prepared.pop(next(k for k in _prepared if k is not None))
        _prepared[digest] = _prepare(path, data)
    return _prepared[digest]


def house_style_bytes(path: Path) -> bytes:
    """The bytes of a house-style file, or a HouseStyleError naming it."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise HouseStyleError(path, "missing") from None
    except OSError as exc:
        raise HouseStyleError(path, "unreadable", str(exc.strerror or exc)) from None


def _prepare(path: Path | None, data: bytes | None) -> WordTemplate:
    from docx import Document

    if data is None:
        document = Document()
    else:
        assert path is not None
        try:
            document = Document(BytesIO(_as_document(data)))
        except Exception as exc:  # noqa: BLE001 - whatever python-docx meets in a bad file
            raise HouseStyleError(path, "invalid", str(exc) or type(exc).__name__) from None
    try:
        return _prepared_template(document, None if data is None else
                                  hashlib.sha256(data).hexdigest(), own=data is not None)
    except HouseStyleError:
        raise
    except Exception as exc:  # noqa: BLE001 - a part of the file python-docx cannot use
        assert path is not None
        raise HouseStyleError(path, "invalid", str(exc) or type(exc).__name__) from None


def _as_document(data: bytes) -> bytes:
    """A .dotx's bytes as a .docx's (python-docx opens documents only): the main part's
    content type is all that differs."""
    try:
        source = zipfile.ZipFile(BytesIO(data))
        types = source.read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ValueError(f"not a .docx package ({exc})") from None
    if _TEMPLATE_MAIN not in types:
        return data
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            raw = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                raw = raw.replace(_TEMPLATE_MAIN, _DOCUMENT_MAIN)
            target.writestr(info.filename, raw)
    return out.getvalue()


def _prepared_template(document: Any, digest: str | None, *, own: bool) -> WordTemplate:
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml.ns import qn
    from docx.shared import Cm

    _set_language(document)
    props = document.core_properties
    props.title, props.subject = TITLE_TOKEN, SUBJECT_TOKEN
    props.language = LANGUAGE
    props.author = "ivpflow"
    props.last_modified_by = "ivpflow"
    props.comments = "Concept, opgesteld met ivpflow uit de gegevens van het proces"
    props.keywords = "integraal veiligheidsplan; concept"
    props.revision = 1
    for name in ("dcterms:created", "dcterms:modified", "cp:lastPrinted"):
        # Timestamps would make every rendering differ; Word sets them when it saves.
        for element in props._element.findall(qn(name)):
            props._element.remove(element)
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:  # a picture of the template's page
            del package.rels[rel_id]

    body = document.element.body
    sect = body.get_or_add_sectPr()
    for child in list(body):
        if child is not sect:  # the house style's own text (and sections) is no draft's
            body.remove(child)
    section = document.sections[-1]
    # A4, as Dutch municipal documents are (python-docx's own template is US Letter); a
    # house style keeps its margins, python-docx's get 2.5 cm.
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(A4_CM[0]), Cm(A4_CM[1])
    if not own:
        section.left_margin = section.right_margin = Cm(DEFAULT_MARGIN_CM)
        section.top_margin = section.bottom_margin = Cm(DEFAULT_MARGIN_CM)
    if section.header.is_linked_to_previous:  # no header of its own: the concept's
        header = section.header.paragraphs[0]
        header.text = f"Concept — {TITLE_TOKEN}"
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if section.footer.is_linked_to_previous:
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("Pagina ")
        _field(footer, "PAGE")
        footer.add_run(" van ")
        _field(footer, "NUMPAGES")
    styles, literal = _style_ids(document)
    left = (section.left_margin or 0) / 360000
    right = (section.right_margin or 0) / 360000
    text_width = round(A4_CM[0] - left - right, 2)
    landscape_width = round(A4_CM[1] - left - right, 2)

    out = BytesIO()
    document.save(out)
    source = zipfile.ZipFile(BytesIO(out.getvalue()))
    members: list[_Member | str] = []
    raw: dict[str, bytes] = {}
    for info in source.infolist():
        data = source.read(info.filename)
        if info.filename in (DOCUMENT_PART, CORE_PART) or TITLE_TOKEN.encode() in data:
            members.append(info.filename)
            raw[info.filename] = data
        else:
            members.append(_member(info.filename, data))
    xml = raw.pop(DOCUMENT_PART).decode()
    opened = re.search(r"<w:body>|<w:body\s[^>]*>", xml)
    start, end = xml.find("<w:sectPr"), xml.rfind("</w:body>")
    if opened is None or start < 0 or end < start or f'xmlns:w="{W_NS}"' not in xml:
        raise ValueError("its document.xml has no body in the usual WordprocessingML form")
    sectpr = xml[start:end]
    sections = {}
    for landscape in (False, True):
        size = (cm_twips(A4_CM[1]), cm_twips(A4_CM[0])) if landscape else \
            (cm_twips(A4_CM[0]), cm_twips(A4_CM[1]))
        page = f'<w:pgSz w:w="{size[0]}" w:h="{size[1]}"' + \
            (' w:orient="landscape"/>' if landscape else "/>")
        first = re.sub(r"<w:pgSz\b[^>]*/>", page, sectpr)
        # Later sections take the first's header and footer (Word's "link to previous").
        later = re.sub(r"<w:(?:headerReference|footerReference|titlePg)\b[^>]*/>", "", first)
        sections[(landscape, True)], sections[(landscape, False)] = first, later
    return WordTemplate(digest, members, raw, xml[:opened.end()], sections,
                        source.read(RELS_PART), source.read(TYPES_PART), styles, literal,
                        text_width, landscape_width)


def _style_ids(document: Any) -> tuple[dict[str, str], bool]:
    """The id of each style the drafts use; a style the document lacks is copied in from
    python-docx's template (a bullet style without its numbering, so then the draft writes
    the bullet itself)."""
    import copy

    from docx import Document
    from docx.oxml.ns import qn

    styles = document.styles
    found: dict[str, str] = {}
    literal = False
    default = None
    for name in STYLE_NAMES:
        try:
            found[name] = styles[name].style_id
            continue
        except KeyError:
            pass
        default = default or Document().styles
        element = copy.deepcopy(default[name].element)
        for numbering in element.findall(".//" + qn("w:numPr")):
            numbering.getparent().remove(numbering)
            literal = literal or name == "List Bullet"
        if element.find(qn("w:link")) is not None:  # the linked character style is not needed
            element.remove(element.find(qn("w:link")))
        taken = {s.style_id for s in styles}
        if element.get(qn("w:styleId")) in taken:
            element.set(qn("w:styleId"), "Ivpflow" + element.get(qn("w:styleId")))
        styles.element.append(element)
        found[name] = element.get(qn("w:styleId"))
    return found, literal


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

    root = document.styles.element
    defaults = root.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        root.insert(0, defaults)
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:
        run_defaults = OxmlElement("w:rPrDefault")
        defaults.insert(0, run_defaults)
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:
        properties = OxmlElement("w:rPr")
        run_defaults.append(properties)
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), LANGUAGE)


# --------------------------------------------------------------------------- body


def run(text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
        highlight: bool = False) -> str:
    """A run of text (tabs and line breaks as Word's own elements)."""
    props = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "") + \
        (f'<w:sz w:val="{round(size * 2)}"/>' if size is not None else "") + \
        ('<w:highlight w:val="yellow"/>' if highlight else "")
    content = []
    for piece in re.split(r"(\t|\n)", text):
        if piece == "\t":
            content.append("<w:tab/>")
        elif piece == "\n":
            content.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if piece != piece.strip() else ""
            content.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}{''.join(content)}</w:r>"


LINE_BREAK = "<w:r><w:br/></w:r>"
PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'


def paragraph(runs: str, *, style: str | None = None, keep_with_next: bool = False,
              hanging_cm: float | None = None) -> str:
    """A paragraph; `hanging_cm`: a hanging indent with a tab stop at it (a numbered item)."""
    props = (f'<w:pStyle w:val="{_attr(style)}"/>' if style else "") + \
        ("<w:keepNext/>" if keep_with_next else "")
    if hanging_cm is not None:
        indent = cm_twips(hanging_cm)
        props += (f'<w:tabs><w:tab w:val="left" w:pos="{indent}"/></w:tabs>'
                  f'<w:ind w:left="{indent}" w:hanging="{indent}"/>')
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{runs}</w:p>"


def table(rows: list[list[str]], widths_cm: list[float], *, style: str | None,
          header: bool) -> str:
    """A table of cells (each the XML of its paragraphs) with fixed column widths; no row
    splits across pages; a header row repeats on every page."""
    twips = [cm_twips(cm) for cm in widths_cm]
    parts = ["<w:tbl><w:tblPr>", f'<w:tblStyle w:val="{_attr(style)}"/>' if style else "",
             '<w:tblW w:type="auto" w:w="0"/><w:tblLayout w:type="fixed"/>'
             '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
             'w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>',
             *(f'<w:gridCol w:w="{w}"/>' for w in twips), "</w:tblGrid>"]
    for number, cells in enumerate(rows):
        repeat = '<w:tblHeader w:val="true"/>' if header and number == 0 else ""
        parts.append(f"<w:tr><w:trPr><w:cantSplit/>{repeat}</w:trPr>")
        for width, cell in zip(twips, cells, strict=True):
            parts.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/></w:tcPr>'
                         f"{cell or '<w:p/>'}</w:tc>")
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def picture(number: int, *, width_cm: float, height_cm: float, description: str = "") -> str:
    """A run showing the `number`th picture (from 1) of the draft's `pictures`, inline at
    this size."""
    cx, cy = int(width_cm * 360000), int(height_cm * 360000)
    ident = 1000 + number  # clear of the ids a house style's own pictures have
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    return (
        '<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
        f'wordprocessingDrawing" distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" '
        f'cy="{cy}"/><wp:docPr id="{ident}" name="Afbeelding {number}" '
        f'descr="{_attr(description)}"/><wp:cNvGraphicFramePr><a:graphicFrameLocks '
        f'xmlns:a="{a}" noChangeAspect="1"/></wp:cNvGraphicFramePr><a:graphic xmlns:a="{a}">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f'<pic:nvPicPr><pic:cNvPr id="{ident}" name="ivpflow-{number}.png"/><pic:cNvPicPr/>'
        '</pic:nvPicPr><pic:blipFill><a:blip xmlns:r="http://schemas.openxmlformats.org/'
        f'officeDocument/2006/relationships" r:embed="ivpflowPicture{number}"/><a:stretch>'
        '<a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
        f'<a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        "</pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>")
