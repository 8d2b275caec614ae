"""Privacy: clear names, phone numbers and ID numbers of people never leave the loader.

placeholder: filled below
"""

from __future__ import annotations

import json

import pandas as pd
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest


def app_text(at: AppTest) -> str:
    """Everything an AppTest run shows, as text: every element's message (markdown, labels,
    options, metrics, captions, iframes, charts) and every dataframe's cells."""
    parts: list[str] = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "DESCRIPTOR"):
            parts.append(json.dumps(MessageToDict(proto), ensure_ascii=False))
        try:
            value = node.value
        except Exception:  # blocks and some elements have no value
            continue
        if isinstance(value, pd.DataFrame):
            parts.append(value.to_csv())
        elif isinstance(value, str | int | float | list | tuple):
            parts.append(str(value))
    return "\n".join(parts)
