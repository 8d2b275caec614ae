"""An empty ledger workbook for a district to fill in, with drop-downs and a help sheet.

Headers are bilingual (``编号 id``) so the same file reads well in Chinese and maps back
to the schema's keys; enumeration columns get Excel drop-down lists of the Chinese values;
the sheet 说明 explains every column. All of it comes from ``graph.schema``.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from graph.schema import ENUMS, ROLES, TABLES, Column, Table
from graph.workbook import append, put, save_workbook
from loaders.write import EXCEL_MAX_ROWS

HELP_SHEET = "说明"
TYPE_NAMES: dict[str, str] = {
    "id": "编号 id (unique across the ledger)",
    "ref": "引用 reference to an id",
    "str": "文本 text",
    "enum": "枚举 enumeration",
    "int": "整数 integer",
    "float": "数字 number",
    "date": "日期 date (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)",
    "roles": "角色 roles, separated by ;",
    "bool": "是/否 yes/no",
}
REQUIRED_FILL = PatternFill("solid", fgColor="FDE9D9")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def header(col: Column) -> str:
    """The bilingual header of a column, e.g. ``编号 id``."""
    return f"{col.zh} {col.key}"


def allowed_values(col: Column) -> list[str]:
    """Chinese values a column accepts (empty for free columns)."""
    if col.type == "enum":
        return list(ENUMS[col.enum].values())
    if col.type == "bool":
        return list(ENUMS["bool"].values())
    if col.type == "roles":
        return list(ROLES.values())
    return []


def _doc(table: Table, col: Column) -> str:
    parts = [col.doc] if col.doc else []
    if col.refs:
        parts.append("refers to " + " / ".join(f"{TABLES[r].zh} {r}.id" for r in col.refs))
    if col.default is not None:
        parts.append(f"default {col.default}")
    if col.personal:
        parts.append("personal data: pseudonymized on import 导入时假名化")
    if table.extra_numeric and col.key == "households":
        parts.append("any further numeric column (e.g. 老年人口 elderly) is kept")
    return "; ".join(parts)


def _data_sheet(wb: Workbook, table: Table) -> None:
    ws = wb.create_sheet(table.zh)
    for i, col in enumerate(table.columns, 1):
        cell = put(ws.cell(row=1, column=i), header(col))
        cell.font = Font(bold=True)
        cell.fill = REQUIRED_FILL if col.required else HEADER_FILL
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = max(14, len(header(col)) + 6)
        values = allowed_values(col)
        if values and col.type != "roles":  # roles combine values, so no strict list
            dv = DataValidation(
                type="list",
                formula1='"' + ",".join(values) + '"',
                allow_blank=not col.required,
                showErrorMessage=True,
                errorTitle="无效值 invalid value",
                error="请从下拉列表中选择 choose a value from the list",
            )
            dv.add(f"{letter}2:{letter}{EXCEL_MAX_ROWS}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A2"


def _help_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(HELP_SHEET, 0)
    heads = [
        "表 table",
        "列 column",
        "中文 Chinese",
        "必填 required",
        "类型 type",
        "允许值 allowed values",
        "说明 doc",
    ]
    append(ws, heads)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for table in TABLES.values():
        for col in table.columns:
            append(
                ws,
                [
                    f"{table.zh} {table.key}",
                    col.key,
                    col.zh,
                    "是 yes" if col.required else "否 no",
                    TYPE_NAMES[col.type],
                    "、".join(allowed_values(col)),
                    _doc(table, col),
                ],
            )
    for letter, width in zip("ABCDEFG", (16, 16, 14, 10, 30, 60, 60), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"


def write_template(path: str | Path) -> Path:
    """Write the empty ledger workbook: 说明 first, then one sheet per table."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    _help_sheet(wb)
    for table in TABLES.values():
        _data_sheet(wb, table)
    save_workbook(wb, path)
    return path
