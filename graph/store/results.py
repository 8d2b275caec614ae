"""Query results as people read them: flat cells, and CSV a spreadsheet cannot execute.

A result cell may hold a node, a relationship or a path (dicts, see the backends' ``plain``)
or a list. Tables and CSV show a node as ``name [id]`` and a path as its node names joined
by arrows; other lists and maps as JSON. CSV meant for a spreadsheet gets every text cell
that starts with ``= + - @``, a tab or a carriage return prefixed with ``'``, so no cell
is ever read as a formula (CSV injection).
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_node(value: Any) -> bool:
    return isinstance(value, dict) and "_labels" in value


def is_path(value: Any) -> bool:
    return isinstance(value, dict) and "nodes" in value and "relationships" in value


def _node_text(node: dict) -> str:
    name, nid = node.get("name") or node.get("title"), node.get("id")
    return f"{name} [{nid}]" if name is not None and nid is not None else str(nid or name or "")


def cell_text(value: Any) -> Any:
    """One cell for a table: scalars as they are, graph values and lists as short text."""
    if is_node(value):
        return _node_text(value)
    if is_path(value):
        return " → ".join(_node_text(n) for n in value["nodes"])
    if isinstance(value, dict) and "_type" in value:
        return value["_type"]
    if isinstance(value, list):
        if value and all(is_node(v) or is_path(v) for v in value):
            return "; ".join(cell_text(v) for v in value)
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def flat(frame: pd.DataFrame) -> pd.DataFrame:
    """The result with every cell as ``cell_text`` shows it."""
    return frame.map(cell_text) if len(frame.columns) else frame


def spreadsheet_safe(value: Any) -> Any:
    """Text that a spreadsheet would take for a formula, made plain text with a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(frame: pd.DataFrame) -> str:
    """CSV of a result for a spreadsheet: flat cells, none of them a formula."""
    safe = flat(frame)
    if len(safe.columns):
        safe = safe.map(spreadsheet_safe)
    safe.columns = [spreadsheet_safe(str(c)) for c in safe.columns]
    return safe.to_csv(index=False)
