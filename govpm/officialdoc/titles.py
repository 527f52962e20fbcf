"""Where a 公文's title breaks (GB/T 9704-2012 7.3.2: 回行时，要做到词意完整，排列对称).

LibreOffice (and Word) wrap Chinese anywhere, so a title longer than a line of 二号 would break inside a
word ("后评估报 / 告"). Instead the title is cut into words with a small list of the words our titles
are made of, and its line breaks are chosen here, between words only: as few lines as fit, a break
right after 的 or 行动 preferred (关于……的 / 后评估报告), then lines as even as possible. Text the list does not
know stays in one piece; only a piece longer than a whole line is ever cut inside."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

# 156 mm of 二号 (22 pt, condensed 0.25 pt like the body): 20.3 full-width characters; 20 to be safe.
LINE_WIDTH = 20

# The words our titles are made of: the documents' names, the units, and the words of project names.
# Longest match wins, so a compound listed whole ("后评估报告") is never split into its parts.
WORDS = frozenset(
    """
    关于 衢州市 数字化项目 决策咨询意见 初步设计 批复 价格评审 意见书 验收报告 后评估报告 评估报告
    监测评价报告 目标任务 主要指标 规划目标 年度 推进 健康衢州 行动 高质量 国土绿化美化 创建 国家 生态文明建设 示范市
    推进健康衢州行动
    建设 全民 健康 信息 平台 升级 城市大脑 交通 治理 应用 不动产 登记 一件事 系统 智慧 校园 安全 管理
    基层 医疗机构 远程 诊疗 公安 视频图像 解析 国土空间 规划 一张图 实施 监督 数字 高速 运营 江山市 共享
    公共数据仓 公共 数据 家庭医生 签约 服务 生态环境 智能 监测 归集 学生 综合素质 评价 警务 协同 办公
    卫生应急 指挥调度 自然资源 执法 监管 智能预警 乡村 基础设施 交投集团 数据中台 户政 业务 网上办 卫健
    信息安全 等保 整改 医学影像 云胶片 四平台 对接 内部 视频会议 办公自动化 医保 驾驶舱 项目 工程 中心
    """.split()
)
QUOTES = {"“": "”", "《": "》", "（": "）", "(": ")"}
GLUE_AFTER = ("关于",)  # never ends a line
GLUE_BEFORE = ("的",)  # never starts a line
PHRASE_ENDS = ("的", "行动")  # a break right after these falls between phrases, not just words


def width(text: str) -> float:
    """In full-width characters. ASCII (the digits of a year or date) is proportional in the CJK
    fonts, a little over half as wide: counted as 0.6 so that what is measured to fit does fit."""
    return sum(0.6 if ord(char) < 128 else 1 for char in text)


def tokens(title: str, words: frozenset[str] = WORDS) -> list[str]:
    """The title in unbreakable pieces: listed words (longest first), quoted or bracketed phrases
    whole, unknown runs of text whole; 关于 joins the next piece and 的 the one before."""
    longest = max(map(len, words))
    pieces: list[str] = []
    unknown = ""
    at = 0
    while at < len(title):
        char = title[at]
        if char.isascii() and char.isdigit():  # 2026年度: a number stays with its unit
            end = at
            while end < len(title) and title[end].isascii() and title[end].isdigit():
                end += 1
            for unit in ("年度", "年"):
                if title.startswith(unit, end):
                    end += len(unit)
                    break
            found = title[at:end]
        elif char in QUOTES:
            close = title.find(QUOTES[char], at + 1)
            end = close + 1 if close > 0 else len(title)
            found = title[at:end]
        else:
            found = next(
                (title[at : at + n] for n in range(longest, 1, -1) if title[at : at + n] in words), ""
            )
        if found:
            if unknown:
                pieces.append(unknown)
                unknown = ""
            pieces.append(found)
            at += len(found)
        else:
            unknown += char
            at += 1
    if unknown:
        pieces.append(unknown)
    glued: list[str] = []
    for piece in pieces:
        if glued and (glued[-1] in GLUE_AFTER or piece in GLUE_BEFORE):
            glued[-1] += piece
        else:
            glued.append(piece)
    return glued


def _cost(lines: Sequence[str]) -> tuple:
    """Fewer lines; then breaks between phrases; then the most even lines; then the longer line first."""
    widths = [width(line) for line in lines]
    off_phrase = sum(1 for line in lines[:-1] if not line.endswith(PHRASE_ENDS))
    return (len(lines), off_phrase, max(widths) - min(widths), [-w for w in widths])


def title_lines(title: str, *, line_width: float = LINE_WIDTH, words: frozenset[str] = WORDS) -> list[str]:
    """The title's lines: given ones ("\\n" in the title) as they are, else broken between words."""
    if "\n" in title:
        return title.split("\n")
    if width(title) <= line_width:
        return [title]
    pieces = _fitting(tokens(title, words), line_width)
    for count in range(2, len(pieces) + 1):
        candidates = []
        for cuts in itertools.combinations(range(1, len(pieces)), count - 1):
            bounds = (0, *cuts, len(pieces))
            lines = ["".join(pieces[a:b]) for a, b in itertools.pairwise(bounds)]
            if all(width(line) <= line_width for line in lines):
                candidates.append(lines)
        if candidates:
            return min(candidates, key=_cost)
    return pieces  # unreachable: single pieces always fit after _fitting


def _fitting(pieces: list[str], line_width: float) -> list[str]:
    """A piece wider than a line (text the word list does not know) is cut into line-wide parts."""
    fitting = []
    for piece in pieces:
        while width(piece) > line_width:
            cut = max(n for n in range(1, len(piece)) if width(piece[:n]) <= line_width)
            fitting.append(piece[:cut])
            piece = piece[cut:]
        fitting.append(piece)
    return fitting


def breaks_a_word(left: str, right: str, words: frozenset[str] = WORDS) -> bool:
    """Whether a line ending in `left` followed by one starting with `right` splits a listed word or
    leaves 的 or 关于 on the wrong side of the break."""
    if right.startswith(GLUE_BEFORE) or left.endswith(GLUE_AFTER):
        return True
    return any(
        left.endswith(word[:cut]) and right.startswith(word[cut:])
        for word in words
        for cut in range(1, len(word))
    )
