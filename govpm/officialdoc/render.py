"""Lay a composition out as a DOCX by GB/T 9704-2012: A4, 37/35/28/26 mm margins, 22 lines of 28
characters, 仿宋 三号 body, 小标宋 二号 title, 黑体/楷体/仿宋 headings, 发文字号 and 成文日期 in the
official forms, and page numbers `— N —` outside the text area. `render_report` lays out a `Report`
(a document that is not issued: no 版头, 主送 or 版记) on the same page, grid, fonts and numbering.
Tables, in either, are 仿宋 五号 off the line grid, with 黑体 headers repeated on every page.

The output is deterministic: the same document gives the same bytes (fixed core properties, fixed
zip timestamps), so the SHA-256 stored at issue can be checked again at any time."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
import zoneinfo

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from govpm.core.clock import date_zh

from . import layout, titles
from .composition import Composition, Report, Table

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TABLE_TEXT = "GovpmTableText"  # the paragraph style of table cells
CELL_MARGIN_TWIPS = 57  # 1 mm
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest a zip entry can carry: no build time leaks into the bytes
# What may follow w:szCs in w:rPr and w:pBdr in w:pPr (ECMA-376 §17.3.2.28, §17.3.1.26): Word refuses a
# file whose children are out of order, so new children go before these.
AFTER_SZCS = (
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)
AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def set_fonts(run_or_style, name: str, size: Pt) -> None:
    """Sets the font for Latin, East-Asian and complex scripts alike: python-docx's font.name alone
    sets only the Latin one, and Word would then show Chinese in its default font."""
    font = run_or_style.font
    font.name = name
    font.size = size
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    fonts.set(qn("w:hint"), "eastAsia")
    size_cs = rpr.find(qn("w:szCs"))
    if size_cs is None:
        size_cs = OxmlElement("w:szCs")
        rpr.insert_element_before(size_cs, *AFTER_SZCS)
    size_cs.set(qn("w:val"), str(int(size.pt * 2)))


def _paragraph(
    document,
    text: str,
    *,
    font: str,
    size: Pt,
    align=None,
    indent_chars: float = 0,
    right_chars: float = 0,
    color: str | None = None,
    bold: bool = False,
    keep_with_next: bool = False,
):
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    if keep_with_next:
        fmt.keep_with_next = True
    if align is not None:
        paragraph.alignment = align
    if indent_chars:
        fmt.first_line_indent = Pt(layout.SIZE_3.pt * indent_chars)
    if right_chars:
        fmt.right_indent = Pt(layout.SIZE_3.pt * right_chars)
    if text:
        run = paragraph.add_run(text)
        set_fonts(run, font, size)
        run.font.bold = bold
        if color:
            run.font.color.rgb = RGBColor.from_string(color)
    return paragraph


def _border(paragraph, edge: str, *, color: str, eighths: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        ppr.insert_element_before(borders, *AFTER_PBDR)
    line = OxmlElement(f"w:{edge}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(eighths))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), color)
    borders.append(line)


def _page_setup(section) -> None:
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = layout.PAGE_WIDTH, layout.PAGE_HEIGHT
    section.top_margin, section.bottom_margin = layout.MARGIN_TOP, layout.MARGIN_BOTTOM
    section.left_margin, section.right_margin = layout.MARGIN_LEFT, layout.MARGIN_RIGHT
    section.footer_distance = layout.FOOTER_DISTANCE
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(layout.line_pitch_twips()))
    grid.set(qn("w:charSpace"), str(layout.char_space()))


def _page_number(paragraph) -> None:
    """`— N —` in 四号 宋体: the number is a PAGE field, so Word and LibreOffice count the pages."""

    def run(text: str | None = None):
        r = paragraph.add_run(text or "")
        set_fonts(r, layout.SONGTI, layout.SIZE_4)
        return r

    run("— ")
    begin = run()
    begin._r.append(_field_char("begin"))
    instruction = run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    instruction._r.append(instr)
    separate = run()
    separate._r.append(_field_char("separate"))
    run("1")
    end = run()
    end._r.append(_field_char("end"))
    run(" —")


def _field_char(kind: str):
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element


def _footers(document, section) -> None:
    """Odd pages: right, one character in; even pages: left, one character in (GB/T 9704 7.5)."""
    document.settings.odd_and_even_pages_header_footer = True
    odd = section.footer.paragraphs[0]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    odd.paragraph_format.right_indent = layout.SIZE_3
    _page_number(odd)
    even = section.even_page_footer.paragraphs[0]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    even.paragraph_format.left_indent = layout.SIZE_3
    _page_number(even)


def _styles(document) -> None:
    normal = document.styles["Normal"]
    set_fonts(normal, layout.FANGSONG, layout.SIZE_3)
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    # Lines follow the document grid (22 a page); an exact line height would fight it.
    fmt.line_spacing = None


def _freeze_core_properties(
    document, *, title: str, number: str, author: str, keywords: str, issued_at: dt.datetime
) -> None:
    core = document.core_properties
    core.title = title
    core.subject = number
    core.author = core.last_modified_by = author
    core.identifier = number
    core.language = "zh-CN"
    core.keywords = keywords
    core.comments = ""
    core.category = keywords
    core.revision = 1
    core.created = core.modified = issued_at.astimezone(dt.UTC).replace(tzinfo=None)


def _deterministic_zip(data: bytes) -> bytes:
    """python-docx stamps each zip entry with the time of saving; rewrite them with a fixed one."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def _off_grid(ppr) -> None:
    """w:snapToGrid off: a small-print paragraph keeps its own line height instead of a 28.95 pt line."""
    snap = ppr.find(qn("w:snapToGrid"))
    if snap is None:
        snap = OxmlElement("w:snapToGrid")
        ppr.insert_element_before(snap, *AFTER_PBDR[AFTER_PBDR.index("w:snapToGrid") + 1 :])
    snap.set(qn("w:val"), "0")


def _table_style(document):
    style = document.styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.hidden = False
    set_fonts(style, layout.FANGSONG, layout.SIZE_5)
    style.paragraph_format.first_line_indent = Pt(0)
    _off_grid(style.element.get_or_add_pPr())
    return style


def _cell(cell, text: str, *, style, font: str, width: int, align) -> None:
    cell.width = width
    paragraph = cell.paragraphs[0]
    paragraph.style = style
    paragraph.alignment = align
    if text:
        run = paragraph.add_run(text)
        set_fonts(run, font, layout.SIZE_5)


def _narrow_cell_margins(grid) -> None:
    """1 mm left and right in each cell (Word's default is 1.9 mm): more room for 五号 text."""
    tbl_pr = grid._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        margin = OxmlElement(f"w:{edge}")
        margin.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    tbl_pr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def _table(document, table: Table) -> None:
    """A full-width grid: 黑体 header row repeated on each page, 仿宋 五号 cells, every run in the
    East-Asian font like the body's."""
    if TABLE_TEXT not in [s.name for s in document.styles]:
        style = _table_style(document)
    else:
        style = document.styles[TABLE_TEXT]
    if table.caption:
        _paragraph(
            document,
            table.caption,
            font=layout.HEITI,
            size=layout.SIZE_4,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            keep_with_next=True,
        )
    columns = len(table.headers)
    weights = table.widths or (1,) * columns
    total = layout.text_width_twips() * 635  # EMU
    widths = [int(total * w / sum(weights)) for w in weights]
    grid = document.add_table(rows=1, cols=columns)
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    _narrow_cell_margins(grid)
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    header = grid.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    center, left = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT
    for cell, text, width in zip(header.cells, table.headers, widths, strict=True):
        _cell(cell, text, style=style, font=layout.HEITI, width=width, align=center)
    for row in table.rows:
        cells = grid.add_row().cells
        for index, (cell, text, width) in enumerate(zip(cells, row, widths, strict=True)):
            align = center if index in table.centered else left
            _cell(cell, text, style=style, font=layout.FANGSONG, width=width, align=align)


def _body(document, blocks) -> None:
    """Headings at their level's font, body paragraphs indented two characters, tables full width.
    A heading keeps with what follows it: never alone at the foot of a page."""
    for index, block in enumerate(blocks):
        if isinstance(block, Table):
            _table(document, block)
            continue
        font = layout.HEADING_FONTS.get(block.level, layout.FANGSONG)
        _paragraph(
            document,
            block.text,
            font=font,
            size=layout.SIZE_3,
            indent_chars=2,
            align=WD_ALIGN_PARAGRAPH.JUSTIFY,
            keep_with_next=heads_a_section(blocks, index),
        )


def heads_a_section(blocks, index: int) -> bool:
    """Whether blocks[index] is a heading with something under it: text, a table or a deeper heading.
    A numbered block followed by its sibling (findings 1. 2. 3., modules （1）（2）) is an item of a
    list, not a heading: chaining a whole list together would push it over pages for nothing."""
    block = blocks[index]
    if isinstance(block, Table) or block.level == 0:
        return False
    following = blocks[index + 1] if index + 1 < len(blocks) else None
    if following is None:
        return False
    return isinstance(following, Table) or following.level == 0 or following.level > block.level


def _keep_last_block_with_next(document) -> None:
    """The body's last paragraph (or the last row of a closing table) keeps with what follows, so the
    signature block never stands on a page of its own."""
    last = document.element.body[-1]
    if last.tag == qn("w:sectPr"):
        last = last.getprevious()
    if last is None:
        return
    paragraphs = [last] if last.tag == qn("w:p") else list(last.findall(f"{qn('w:tr')}")[-1].iter(qn("w:p")))
    for p in paragraphs:
        p.get_or_add_pPr().keepNext_val = True


def _signed(document, signature: str, date: str, *, followed: bool = False) -> None:
    """发文机关署名 and 成文日期, right-aligned four characters in, kept with the end of the body
    (and with the 版记 when `followed`)."""
    _keep_last_block_with_next(document)
    _paragraph(document, "", font=layout.FANGSONG, size=layout.SIZE_3, keep_with_next=True)
    lines = [line for line in (signature, date) if line]
    for index, line in enumerate(lines):
        _paragraph(
            document,
            line,
            font=layout.FANGSONG,
            size=layout.SIZE_3,
            align=WD_ALIGN_PARAGRAPH.RIGHT,
            right_chars=4,
            keep_with_next=followed or index < len(lines) - 1,
        )


def _imprint(document, printed_by: str, printed_on: str) -> None:
    """版记 (GB/T 9704 7.4.3): 印发机关 one character in from the left, 印发日期 one character in from
    the right, on one line between two rules; 四号, or smaller when a long issuer's name would wrap."""
    dated = f"{printed_on}印发"
    gap = 2  # at least two characters between the two
    size = layout.fitting_size(
        titles.width(printed_by) + gap + titles.width(dated), largest=layout.SIZE_4, indent_chars=2
    )
    imprint = document.add_paragraph()
    fmt = imprint.paragraph_format
    fmt.left_indent = size
    fmt.tab_stops.add_tab_stop(Pt(layout.text_width_pt() - size.pt), WD_TAB_ALIGNMENT.RIGHT)
    _off_grid(imprint._p.get_or_add_pPr())
    for text in (printed_by, "\t", dated):
        set_fonts(imprint.add_run(text), layout.FANGSONG, size)
    _border(imprint, "top", color="000000", eighths=4)
    _border(imprint, "bottom", color="000000", eighths=4)


def _new_document():
    """An empty A4 document with the GB/T 9704 page, grid, body style and page numbers."""
    document = Document()
    _styles(document)
    section = document.sections[0]
    _page_setup(section)
    _footers(document, section)
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):  # the template's empty first paragraph
        body.remove(paragraph)
    return document


def _saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return _deterministic_zip(buffer.getvalue())


def _nine_oclock(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=SHANGHAI)


def _title(document, title: str) -> None:
    """小标宋 二号, centred, broken between words (titles.py) rather than wherever the line ends; off
    the character grid, which would give each 二号 character two cells of the 三号 grid in Word."""
    paragraph = _paragraph(
        document,
        "\n".join(titles.title_lines(title)),
        font=layout.XIAOBIAOSONG,
        size=layout.SIZE_2,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _off_grid(paragraph._p.get_or_add_pPr())


def render(composition: Composition, *, issued_on: dt.date) -> bytes:
    document = _new_document()

    center = WD_ALIGN_PARAGRAPH.CENTER
    # 版头: the issuer's mark in red on one line (smaller for a long name), the number, the red rule.
    mark = _paragraph(
        document,
        composition.issuer_mark,
        font=layout.XIAOBIAOSONG,
        size=layout.fitting_size(titles.width(composition.issuer_mark), largest=layout.SIZE_MARK),
        align=center,
        color=layout.RED,
    )
    _off_grid(mark._p.get_or_add_pPr())
    _paragraph(document, "", font=layout.FANGSONG, size=layout.SIZE_3)
    number = _paragraph(document, composition.number, font=layout.FANGSONG, size=layout.SIZE_3, align=center)
    _border(number, "bottom", color=layout.RED, eighths=8)
    _paragraph(document, "", font=layout.FANGSONG, size=layout.SIZE_3)

    # 主体: title, addressee, body with headings, signature and date.
    _title(document, composition.title)
    _paragraph(document, "", font=layout.FANGSONG, size=layout.SIZE_3)
    _paragraph(document, composition.addressee, font=layout.FANGSONG, size=layout.SIZE_3)
    _body(document, composition.blocks)
    _signed(document, composition.signature, composition.date, followed=bool(composition.printed_by))

    # 版记: the imprint between two rules, kept with the signature block.
    if composition.printed_by:
        _paragraph(document, "", font=layout.FANGSONG, size=layout.SIZE_3, keep_with_next=True)
        _imprint(document, composition.printed_by, composition.printed_on)

    _freeze_core_properties(
        document,
        title=composition.title,
        number=composition.number,
        author=composition.signature,
        keywords="公文",
        issued_at=_nine_oclock(issued_on),
    )
    return _saved(document)


def render_report(report: Report) -> bytes:
    """A report that is not issued as a 公文, on the page, grid, fonts and page numbers of `render`:
    小标宋 二号 title, an optional 楷体 line under it, the body (headings 一、（一）1.（1）, paragraphs,
    tables), signature and 成文日期. Deterministic: the same report gives the same bytes."""
    document = _new_document()
    center = WD_ALIGN_PARAGRAPH.CENTER
    _title(document, report.title)
    if report.subtitle:
        _paragraph(document, report.subtitle, font=layout.KAITI, size=layout.SIZE_3, align=center)
    _paragraph(document, "", font=layout.FANGSONG, size=layout.SIZE_3)
    _body(document, report.blocks)
    _signed(document, report.signature, date_zh(report.dated) if report.dated else "")
    _freeze_core_properties(
        document,
        title=report.title.replace("\n", ""),
        number=report.subtitle,
        author=report.author or report.signature,
        keywords=report.keywords,
        issued_at=_nine_oclock(report.dated or dt.date(2000, 1, 1)),
    )
    return _saved(document)
