"""Word drafts in a gemeente's own house style: a .docx made here with its own Normal font,
margins and a header with a logo, reopened after drafting and printed by LibreOffice."""

from __future__ import annotations

import os
import subprocess
import zipfile
from io import BytesIO
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.shared import Cm, Pt
from PIL import Image

from ivpflow.cli import cli
from ivpflow.documents import word
from ivpflow.documents.markup import parse_markdown, to_docx
from ivpflow.documents.word import HouseStyleError

from .conftest import NOT, Invoke
from .test_drafts import filled  # noqa: F401 - its fixture: the filled process
from .test_word_layout import SIGNED, _soffice

LISTS = SIGNED + "\n- eerste punt\n- tweede punt\n"


def make_house_style(path: Path, *, without: str | None = None) -> Path:
    """A house style: Normal in DejaVu Serif 10 pt, margins of 2 cm, a header with a logo
    and the gemeente's name, a line of sample text; `without` a style it lacks."""
    logo = path.with_name("logo.png")
    Image.new("RGB", (240, 80), (0, 82, 155)).save(logo)
    style = docx.Document()
    style.styles["Normal"].font.name = "DejaVu Serif"
    style.styles["Normal"].font.size = Pt(10)
    section = style.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    header = section.header.paragraphs[0]
    header.add_run().add_picture(str(logo), width=Cm(3))
    header.add_run("Gemeente Losser")
    style.add_paragraph("Voorbeeldtekst van de huisstijl")
    if without:
        element = style.styles[without].element
        element.getparent().remove(element)
    style.save(str(path))
    return path


def drafted(tmp_path: Path, house_style: Path, text: str = SIGNED) -> docx.document.Document:
    path = tmp_path / "brief.docx"
    path.write_bytes(to_docx(parse_markdown(text), title="Brief", subject="Brief",
                             house_style=house_style))
    return docx.Document(str(path))


def test_a_draft_takes_the_font_margins_and_logo_of_the_house_style(tmp_path: Path) -> None:
    word = drafted(tmp_path, make_house_style(tmp_path / "huisstijl.docx"))
    normal = word.styles["Normal"].font
    assert (normal.name, normal.size) == ("DejaVu Serif", Pt(10))
    section = word.sections[0]
    assert [round(length / Cm(1), 2) for length in (section.page_width, section.page_height,
                                                    section.left_margin, section.right_margin)
            ] == [21.0, 29.7, 2.0, 2.0]
    header = section.header
    assert header.paragraphs[0].text == "Gemeente Losser"
    pictures = [p for p in header.part.related_parts.values()
                if p.content_type == "image/png"]
    assert len(pictures) == 1 and header._element.xpath(".//pic:pic")
    assert "Voorbeeldtekst van de huisstijl" not in [p.text for p in word.paragraphs]
    assert word.paragraphs[0].style.name == "Heading 1"


def test_the_columns_fill_the_text_width_of_the_house_style(tmp_path: Path) -> None:
    word = drafted(tmp_path, make_house_style(tmp_path / "huisstijl.docx"))
    planning = word.tables[1]
    assert sum(c.width for c in planning.columns) == pytest.approx(Cm(17), rel=0.002)
    assert planning.style.name == "Table Grid"


def test_a_style_the_house_style_lacks_comes_from_ivpflows_own(tmp_path: Path) -> None:
    word = drafted(tmp_path, make_house_style(tmp_path / "h.docx", without="List Bullet"),
                   LISTS)
    items = [p for p in word.paragraphs if p.text.endswith("punt")]
    # Without its numbering the bullet is written, as the numbers of a numbered list are.
    assert [(p.style.name, p.text) for p in items] == [("List", "\u2022\teerste punt"),
                                                       ("List", "\u2022\ttweede punt")]


def test_a_word_template_dotx_serves_as_house_style(tmp_path: Path) -> None:
    made = make_house_style(tmp_path / "huisstijl.docx")
    dotx = tmp_path / "huisstijl.dotx"
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(dotx, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "[Content_Types].xml":
                data = data.replace(b"document.main+xml", b"template.main+xml")
            target.writestr(name, data)
    word = drafted(tmp_path, dotx)
    assert word.sections[0].header.paragraphs[0].text == "Gemeente Losser"


@pytest.mark.parametrize("own", [False, True], ids=["ivpflow", "house-style"])
def test_a_picture_of_the_body_is_shown_inline(tmp_path: Path, own: bool) -> None:
    png = tmp_path / "chart.png"
    Image.new("RGB", (400, 200), (200, 30, 30)).save(png)
    template = word.template_for(make_house_style(tmp_path / "h.docx") if own else None)
    body = word.paragraph(word.picture(1, width_cm=8, height_cm=4, description="Trend"))
    data = template.package(body, title="T", subject="T", landscape_end=False,
                            pictures=[png.read_bytes()])
    document = docx.Document(BytesIO(data))
    shape = document.inline_shapes[0]
    assert [round(length / Cm(1), 1) for length in (shape.width, shape.height)] == [8.0, 4.0]
    image = document.part.related_parts["ivpflowPicture1"]
    assert (image.content_type, image.blob) == ("image/png", png.read_bytes())


@pytest.mark.parametrize(("content", "message"), [
    (None, "House style {path} does not exist"),
    (b"geen docx", "House style {path} is not a usable Word document (.docx or .dotx): "
                   "not a .docx package (File is not a zip file)"),
], ids=["missing", "broken"])
def test_a_bad_house_style_is_one_line_and_no_draft(ivpflow: Invoke, filled: str,  # noqa: F811
                                                    store_dir: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    content: bytes | None, message: str) -> None:
    path = tmp_path / "huisstijl.docx"
    if content is not None:
        path.write_bytes(content)
    monkeypatch.setenv("IVPFLOW_HOUSE_STYLE", str(path))
    result = ivpflow("draft", "not", "ivp", "--format", "md", "--format", "docx")
    assert (result.exit_code, result.stderr) == (1, f"Error: {message.format(path=path)}\n")
    assert not (store_dir / "drafts" / "not").exists()


def test_set_refuses_a_house_style_that_is_no_word_document(ivpflow: Invoke,
                                                             filled: str,  # noqa: F811
                                                             tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(b"\x89PNG")
    result = ivpflow("set", "not", "huisstijl", str(tmp_path / "logo.png"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: House style {tmp_path / 'logo.png'} is not a "
                                    "usable Word document")
    assert "huisstijl" not in ivpflow("values", "not").stdout


def test_a_gemeentes_house_style_is_used_for_its_own_drafts(ivpflow: Invoke,
                                                            filled: str,  # noqa: F811
                                                            tmp_path: Path) -> None:
    style = make_house_style(tmp_path / "losser.docx")
    assert ivpflow("set", "not", "huisstijl", str(style), "--municipality", "Losser"
                   ).exit_code == 0
    paths = ivpflow("draft", "not", "raadsvoorstel-ivp", "--format", "docx").stdout.split()
    headers = {Path(p).name: docx.Document(p).sections[0].header.paragraphs[0].text
               for p in paths}
    assert headers["raadsvoorstel-ivp-losser-v1.docx"] == "Gemeente Losser"
    assert headers["raadsvoorstel-ivp-oldenzaal-v1.docx"].startswith("Concept — ")


def test_a_changed_house_style_file_renders_the_draft_again(ivpflow: Invoke,
                                                            filled: str,  # noqa: F811
                                                            tmp_path: Path) -> None:
    style = make_house_style(tmp_path / "huisstijl.docx")
    ivpflow("set", "not", "huisstijl", str(style))
    first = ivpflow("draft", "not", "ivp", "--format", "docx").stdout
    make_house_style(style, without="List Bullet")  # the same file, a new content
    assert first.endswith("ivp-v1.docx\n")
    assert ivpflow("draft", "not", "ivp", "--format", "docx").stdout.endswith("ivp-v2.docx\n")


def test_the_house_style_of_the_settings_file_is_used_for_that_command(
        runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    make_house_style(tmp_path / "huisstijl.docx")
    (tmp_path / "ivpflow.toml").write_text('house_style = "huisstijl.docx"\n', encoding="utf-8")
    for args in (("start", NOT, "--id", "not"), ("draft", "not", "ivp", "--format", "docx")):
        result = runner.invoke(cli, ["--now", "2026-03-02T09:00", *args])
        assert result.exit_code == 0, result.output
    word = docx.Document(result.stdout.strip())
    assert word.sections[0].header.paragraphs[0].text == "Gemeente Losser"
    assert "IVPFLOW_HOUSE_STYLE" not in os.environ


def test_libreoffice_prints_the_house_style(tmp_path: Path) -> None:
    program = _soffice()
    source = tmp_path / "brief.docx"
    source.write_bytes(to_docx(parse_markdown(SIGNED), title="Brief", subject="Brief",
                               house_style=make_house_style(tmp_path / "huisstijl.docx")))
    profile = (tmp_path / "lo-profile").as_uri()
    done = subprocess.run([program, f"-env:UserInstallation={profile}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                          capture_output=True, text=True, timeout=240, check=False)
    pdf = tmp_path / "brief.pdf"
    assert (done.returncode, pdf.exists()) == (0, True), done.stderr
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "DejaVuSerif" in fonts
    assert [line.split()[3:5] for line in images] == [["240", "80"]]  # the logo, once
    assert "Gemeente Losser" in text and "Burgemeester en wethouders van Losser," in text


def test_house_style_error_names_the_file() -> None:
    assert str(HouseStyleError("/x/h.docx", "unreadable", "Permission\ndenied")) == \
        "House style /x/h.docx cannot be read (Permission denied)"
