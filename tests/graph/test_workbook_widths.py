"""Report columns are as wide as their text: a Chinese character takes two columns."""

from __future__ import annotations

import pandas as pd

from graph.workbook import frames_workbook, text_width


def test_text_width_counts_chinese_characters_twice() -> None:
    assert text_width("文化宫社区") == 10
    assert text_width("C003") == 4
    assert text_width("Ｃ社区1") == 7  # full-width letters are wide too


def test_columns_fit_their_widest_name_up_to_a_limit() -> None:
    sheet = pd.DataFrame(
        {"名称": ["长兴社区", "文化宫社区"], "id": ["C003", "C019"], "note": ["x" * 60, ""]}
    )
    ws = frames_workbook({"s": sheet}).worksheets[0]
    widths = {k: v.width for k, v in ws.column_dimensions.items()}
    assert widths["A"] == 12  # 文化宫社区: ten columns, and two of margin
    assert widths["B"] == 6
    assert widths["C"] == 40  # long text is capped
