"""GB/T 9704-2012《党政机关公文格式》as numbers, in one place, so the renderer and the tests that check
its output read the same rules."""

from __future__ import annotations

from docx.shared import Mm, Pt

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)  # A4
MARGIN_TOP, MARGIN_BOTTOM = Mm(37), Mm(35)  # 天头 37 mm; the text area is 225 mm high
MARGIN_LEFT, MARGIN_RIGHT = Mm(28), Mm(26)  # 订口 28 mm; the text area is 156 mm wide
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
FOOTER_DISTANCE = Mm(23)  # 页码位于版心下边缘之下约 7 mm

# The official font names. A deployment with the licensed fonts installs them; otherwise the
# fontconfig file in deploy/fontconfig maps each name to a Debian font (see pdf.py).
FANGSONG = "仿宋_GB2312"
KAITI = "楷体_GB2312"
HEITI = "黑体"
XIAOBIAOSONG = "方正小标宋简体"
SONGTI = "宋体"

SIZE_2 = Pt(22)  # 二号: the title
SIZE_3 = Pt(16)  # 三号: body, headings, 发文字号, signature and date
SIZE_4 = Pt(14)  # 四号: page numbers and the imprint (版记)
SIZE_5 = Pt(10.5)  # 五号: text in tables (GB/T 9704 leaves it open; 28 a line would not fit a table)
SIZE_MARK = Pt(26)  # 发文机关标志: GB/T 9704 leaves its size to the issuer, "醒目、美观、庄重"
RED = "FF0000"

# Heading levels 一、（一）1.（1）: 黑体, 楷体, 仿宋, 仿宋 (GB/T 9704-2012 7.3.3).
HEADING_FONTS = {1: HEITI, 2: KAITI, 3: FANGSONG, 4: FANGSONG}

TWIPS_PER_PT = 20


# LibreOffice condenses every character by 0.25 pt (officialdoc.pdf.for_libreoffice); sizes are
# computed against the narrower of the two renderings plus this margin for the font's own metrics.
FIT_MARGIN = 0.95


def text_width_pt() -> float:
    return text_width_twips() / TWIPS_PER_PT


def fitting_size(width_in_chars: float, *, largest: Pt, indent_chars: float = 0) -> Pt:
    """The largest size up to `largest`, in half points, at which a line `width_in_chars` full-width
    characters wide (plus `indent_chars` of indent) fits the 156 mm line. GB/T 9704 7.2.1 leaves the
    size of the 发文机关标志 to the issuer, and 7.4.3's 四号 for the 版记 is what it "一般" is: a long
    issuer's name is set smaller rather than wrapped."""
    fits = text_width_pt() * FIT_MARGIN / (width_in_chars + indent_chars)
    return Pt(min(largest.pt, int(fits * 2) / 2))


def text_width_twips() -> int:
    return round((PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / 635)  # EMU → twips (1 twip = 635 EMU)


def text_height_twips() -> int:
    return round((PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM) / 635)


def line_pitch_twips() -> int:
    """22 lines fill the 225 mm text area: 579 twips (28.95 pt) a line."""
    return text_height_twips() // LINES_PER_PAGE


def char_space() -> int:
    """Word's w:charSpace: what each character's pitch adds to the body font size, in 1/4096 pt.
    28 characters of 三号 (16 pt) are a little wider than 156 mm, so it is negative."""
    pitch_pt = text_width_twips() / CHARS_PER_LINE / TWIPS_PER_PT
    return round((pitch_pt - SIZE_3.pt) * 4096)
