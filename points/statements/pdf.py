"""The statement as a one-page A4 PDF (fpdf2), in Noto Sans CJK, embedded (subset)."""

from __future__ import annotations

import glob
import os
from functools import cache

import qrcode

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/**/NotoSansCJK*Regular*.tt[cf]",
    "/usr/share/fonts/**/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/**/NotoSansSC-Regular.*",
)


class FontMissing(RuntimeError):
    """No CJK font: install fonts-noto-cjk (or point CJK_FONT at one)."""


@cache
def cjk_font() -> tuple[str, int]:
    """(path, index in the collection) of a Simplified Chinese font."""
    candidates = [os.environ["CJK_FONT"]] if os.environ.get("CJK_FONT") else []
    for pattern in FONT_CANDIDATES:
        candidates.extend(sorted(glob.glob(pattern, recursive=True)))
    for path in candidates:
        if os.path.exists(path):
            return path, _sc_index(path)
    raise FontMissing("fonts-noto-cjk")


def _sc_index(path: str) -> int:
    """The Simplified Chinese face of a font collection (0 for a single font)."""
    if not path.lower().endswith(".ttc"):
        return 0
    from fontTools.ttLib import TTCollection

    with TTCollection(path, lazy=True) as collection:
        for index, font in enumerate(collection.fonts):
            name = font["name"].getDebugName(4) or ""
            if name.endswith(" SC") or " SC " in name:
                return index
    return 0


def _qr_image(url: str):
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(url)
    code.make(fit=True)
    return code.make_image().get_image()


def render(figures: dict, verify_url: str, *, scheme_name: str = "平安积分") -> bytes:
    """Draw the statement; every number on it is a figure of `figures`."""
    from fpdf import FPDF  # imported on use: it costs the app's start ~0.6 s of CPU

    path, index = cjk_font()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.add_font("cjk", fname=path, collection_font_number=index)
    pdf.set_title(f"{scheme_name} 积分贷信用报告 {figures['household']}")

    def line(text: str, size: int = 11, gap: float = 7) -> None:
        pdf.set_font("cjk", size=size)
        pdf.set_x(18)
        pdf.cell(w=0, h=gap, text=text, new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(16)
    line(f"{scheme_name} · 积分贷信用报告", size=18, gap=11)
    line(f"出具日期：{figures.get('issued_on', '')}", size=9, gap=6)
    pdf.ln(2)
    line(f"户号：{figures['household']}")
    line(f"村：{figures['town']} {figures['village']}")
    line(f"成员：{'、'.join(figures['members']) or '—'}")
    line(f"参与年数：{figures['years_in_scheme']} 年（自 {figures['first_year'] or '—'} 年）")
    line(
        f"{figures['year']} 年户积分：{figures['score_year']} 分；"
        f"村内排名：第 {figures['rank_in_village']} 名（共 {figures['households_in_village']} 户）"
    )
    pdf.ln(2)
    line("各年获得积分", size=13, gap=8)
    for year, points in figures["earned_by_year"].items():
        line(f"{year} 年获得积分：{points} 分")
    pdf.ln(2)
    line("扣分记录", size=13, gap=8)
    if not figures["deductions"]:
        line("无扣分记录")
    for d in figures["deductions"][:12]:
        line(f"{d['date']} {d['name']} 扣 {d['points']} 分：{d['reason'][:40]}", size=10, gap=6)
    if len(figures["deductions"]) > 12:
        line(f"另有 {len(figures['deductions']) - 12} 条，见核验页。", size=10, gap=6)

    top = 222
    pdf.image(_qr_image(verify_url), x=18, y=top, w=50)
    pdf.set_font("cjk", size=9)
    pdf.set_xy(74, top + 4)
    pdf.multi_cell(
        w=118,
        h=5.5,
        text=(
            f"账本指纹（第 {figures['head_id']} 笔）：\n{figures['head_hash']}\n"
            "扫码打开核验页：按公开账本重新计算本报告的数字，一致即为真实。\n"
            f"{verify_url}"
        ),
    )
    return bytes(pdf.output())
