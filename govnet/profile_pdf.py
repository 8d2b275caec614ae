"""The community profile as a printable PDF: A4, a Chinese font embedded, one profile after another.

Drawn with fpdf2 (the ``report`` extra). The font is a TrueType/TTC file found on the
machine (WenQuanYi, Noto CJK, the system fonts of macOS and Windows) or given; fpdf2
embeds the subset used, so the file prints the same anywhere.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from govnet.profile import TREND, Profile, fmt, kind_label, reason_label
from govnet.profile_diagram import HEIGHT, WIDTH, layout
from graph.analysis.metrics import label

FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)
INSTALL_HINT = (
    "没有可嵌入的中文字体 no Chinese (CJK) TrueType font found for the PDF. Install one "
    "(Debian/Ubuntu: apt-get install fonts-wqy-microhei; Fedora: dnf install "
    "wqy-microhei-fonts; macOS and Windows ship one) or pass a .ttf/.ttc file (--font)."
)
FAMILY = "cjk"


class FontMissing(RuntimeError):
    """No CJK font to embed; the message says what to install."""


def _fc_list() -> list[str]:
    """Chinese-capable fonts fontconfig knows of (TrueType outlines only)."""
    if not shutil.which("fc-list"):
        return []
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files = sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})
    return [f for f in files if f.lower().endswith((".ttf", ".ttc"))]


def find_font(given: str | Path | None = None) -> Path:
    """The CJK font to embed: ``given``, else the first one found on the machine."""
    if given is not None:
        path = Path(given)
        if not path.is_file():
            raise FontMissing(f"font file {path} not found. " + INSTALL_HINT)
        return path
    for f in (*FONT_FILES, *_fc_list()):
        if Path(f).is_file():
            return Path(f)
    raise FontMissing(INSTALL_HINT)


def _pdf(font: Path):
    try:
        from fpdf import FPDF
    except ImportError as e:  # the report extra is not installed
        raise FontMissing(
            "the PDF needs fpdf2: pip install 'govnet[report]' (or pip install fpdf2)"
        ) from e
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(15, 15, 15)
    pdf.add_font(FAMILY, "", str(font))
    pdf.set_font(FAMILY, size=10)
    pdf.set_title("社区画像 community profiles")
    pdf.set_creator("govnet")
    return pdf


def _heading(pdf, text: str) -> None:
    pdf.ln(2)
    pdf.set_font(FAMILY, size=12)
    pdf.set_fill_color(230, 236, 245)
    pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT", fill=True)
    pdf.set_font(FAMILY, size=9)
    pdf.ln(1)


def _table(pdf, header: list[str], rows: list[list[str]], widths: tuple | None = None) -> None:
    if not rows:
        pdf.cell(0, 6, "（无 none）", new_x="LMARGIN", new_y="NEXT")
        return
    with pdf.table(
        col_widths=widths,
        text_align="LEFT",
        line_height=5,
        borders_layout="HORIZONTAL_LINES",
        headings_style=_bold_style(),
    ) as t:
        t.row(header)
        for r in rows:
            t.row([str(x) for x in r])


def _bold_style():
    from fpdf.fonts import FontFace

    return FontFace(fill_color=(245, 245, 245))


def _diagram(pdf, p: Profile) -> None:
    """The one-core diagram drawn with the PDF's own pen (vector, prints sharp)."""
    w = pdf.epw
    h = w * HEIGHT / WIDTH
    if pdf.get_y() + h > pdf.page_break_trigger:
        pdf.add_page()
    x0, y0 = pdf.l_margin, pdf.get_y()
    s = w / WIDTH
    nodes, edges = layout(p)
    pdf.set_draw_color(189, 189, 189)
    pdf.set_fill_color(245, 245, 245)
    pdf.set_dash_pattern(dash=1.5, gap=1)
    pdf.rect(x0 + 0.66 * s, y0 + 1, 0.33 * s, h - 2, style="DF")
    pdf.set_dash_pattern()
    pdf.set_font(FAMILY, size=8)
    pdf.set_text_color(97, 97, 97)
    pdf.text(x0 + 0.69 * s, y0 + 5, f"未引领 not reached ({len(p.unreached)})")
    pdf.set_draw_color(229, 115, 115)
    pdf.set_line_width(0.3)
    for a, b in edges:
        pdf.line(x0 + a.x * s, y0 + a.y * s, x0 + b.x * s, y0 + b.y * s)
    for n in nodes:
        x, y = x0 + n.x * s, y0 + n.y * s
        pdf.set_text_color(33, 33, 33)
        if n.role != "more":
            r = 3.2 if n.role == "core" else 1.8
            rgb = tuple(int(n.colour[i : i + 2], 16) for i in (1, 3, 5))
            pdf.set_fill_color(*rgb)
            pdf.set_draw_color(255, 255, 255)
            pdf.circle(x=x, y=y, radius=r, style="DF")
            y += r + 3
        pdf.set_font(FAMILY, size=9 if n.role == "core" else 7)
        pdf.text(x - pdf.get_string_width(n.label) / 2, y, n.label)
    if not p.core:
        pdf.set_font(FAMILY, size=11)
        pdf.set_text_color(198, 40, 40)
        msg = "无核心党组织 no core"
        pdf.text(x0 + 0.36 * s - pdf.get_string_width(msg) / 2, y0 + h / 2, msg)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_font(FAMILY, size=9)
    pdf.set_y(y0 + h + 2)


def _metric_rows(p: Profile, section: str) -> list[list[str]]:
    rows = []
    for m, v in p.sections.get(section, []):
        if m in p.weak_points:  # listed by name below
            continue
        counted = ""
        if m in p.explain:
            e = p.explain[m]
            counted = f"{len(e['numerator'])} / {len(e['denominator'])}" if e["denominator"] else ""
            counted = counted or (f"{len(e['numerator'])}" if e["numerator"] else "")
        rows.append([label(m), fmt(m, v), counted])
    return rows


def add_profile(pdf, p: Profile) -> None:
    """One community's profile, starting on a new page."""
    pdf.add_page()
    c = p.community
    pdf.set_font(FAMILY, size=16)
    pdf.cell(0, 9, f"社区画像 · {p.name}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=9)
    core = f"{p.core['name']}（{kind_label(p.core['kind'])}）" if p.core else "无 none"
    pdf.multi_cell(
        0,
        5,
        f"编号 {p.id} · {p.street} · {p.year} 年 · 常住人口 "
        f"{fmt('population', c.get('population'))} · 核心 {core}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    weak = "薄弱 weak" if c.get("weak") else "非薄弱 not weak"
    reasons = "、".join(reason_label(r) for r in c.get("reasons") or []) or "无"
    gaps = "、".join(reason_label(r) for r in c.get("data_gaps") or []) or "无"
    pdf.set_font(FAMILY, size=10)
    pdf.multi_cell(
        0,
        5.5,
        f"薄弱分 {fmt('weak_score', c.get('weak_score'))}（{weak}） · 星级 {c.get('stars')}\n"
        f"薄弱原因 reasons：{reasons}\n数据缺口 data gaps：{gaps}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    _heading(
        pdf, f"一核多元 · 核心引领 {len(p.reached)} / {len(p.reached) + len(p.unreached)} 个主体"
    )
    _diagram(pdf, p)
    _heading(pdf, "六个延伸与引领 extensions and reach（已计入 / 全部）")
    _table(pdf, ["指标", "数值", "计入"], _metric_rows(p, "extensions"), (3, 2, 2))
    _heading(pdf, "资源链接 resource links")
    _table(pdf, ["指标", "数值", "计入"], _metric_rows(p, "resources"), (3, 2, 2))
    _heading(pdf, "13710 与三零 13710 and three zeros")
    _table(pdf, ["指标", "数值", ""], _metric_rows(p, "sla") + _metric_rows(p, "other"), (3, 2, 2))
    _heading(pdf, "结构薄弱点 structure weak points")
    rows = _metric_rows(p, "structure")
    for m, names in p.weak_points.items():
        if names:
            rows.append([label(m), "、".join(names[:12]), ""])
    _table(pdf, ["指标", "数值 / 名单", ""], rows, (3, 5, 1))
    if not p.key_actors.empty:
        _heading(pdf, "关键主体 key actors（假如离开 what if they left）")
        k = p.key_actors.head(10)
        _table(
            pdf,
            ["主体", "类型", "引领度 前→后", "覆盖指数 前→后", "薄弱分 前→后"],
            [
                [
                    r["name"],
                    kind_label(r["kind"]),
                    f"{fmt('reach', r['reach'])}→{fmt('reach', r['reach_after'])}",
                    f"{fmt('coverage_index', r['coverage_index'])}→"
                    f"{fmt('coverage_index', r['coverage_index_after'])}",
                    f"{r['weak_score']}→{r['weak_score_after']}",
                ]
                for r in k.to_dict("records")
            ],
            (4, 2, 2, 2, 2),
        )
    _heading(pdf, "摘星 stars（实际 / 要求 actual / required）")
    rows = []
    for s in p.stars:
        for i, cr in enumerate(s["criteria"]):
            rows.append(
                [
                    f"第{s['star']}星 {s['name']}" + (" ✓" if s["earned"] else "")
                    if i == 0
                    else "",
                    label(cr["metric"]),
                    fmt(cr["metric"], cr["actual"]),
                    f"{cr['op']} {fmt(cr['metric'], cr['required'])}",
                    "达标" if cr["met"] else ("未知" if cr["actual"] is None else "未达"),
                ]
            )
    _table(pdf, ["星", "条件", "实际", "要求", ""], rows, (3, 3, 2, 2, 1))
    _heading(pdf, f"建议链接 suggested links（{len(p.suggestions)}）与预测 projected")
    _table(pdf, ["建议"], [[s["text"]] for s in p.suggestions[:20]])
    if len(p.suggestions) > 20:
        pdf.cell(0, 5, f"… 另 {len(p.suggestions) - 20} 条", new_x="LMARGIN", new_y="NEXT")
    if p.suggestions:
        pdf.ln(1)
        _table(
            pdf,
            ["指标", "今天 today", "全部采纳后 all applied"],
            [[label(m), fmt(m, a), fmt(m, b)] for m, (a, b) in p.projected.items()],
            (3, 2, 2),
        )
    _heading(pdf, "三年趋势 three-year trend")
    if not p.trend.empty:
        metrics = [m for m in TREND if m in p.trend.columns]
        _table(
            pdf,
            ["年度", *[label(m) for m in metrics]],
            [
                [str(r["year"]), *[fmt(m, r[m]) for m in metrics]]
                for r in p.trend.to_dict("records")
            ],
        )


def write_pdf(profiles: Iterable[Profile], out: str | Path, font: str | Path | None = None) -> Path:
    """One PDF with a profile per community (the weak ones of a street, say)."""
    profiles = list(profiles)
    if not profiles:
        raise ValueError("no community to put in the PDF")
    pdf = _pdf(find_font(font))
    for p in profiles:
        add_profile(pdf, p)
    out = Path(out)
    pdf.output(str(out))
    return out


def pdf_bytes(profiles: Iterable[Profile], font: str | Path | None = None) -> bytes:
    pdf = _pdf(find_font(font))
    for p in profiles:
        add_profile(pdf, p)
    return bytes(pdf.output())


__all__ = ["FontMissing", "add_profile", "find_font", "pdf_bytes", "write_pdf"]
