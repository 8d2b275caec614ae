"""Metrics of docs/metrics.md computed per community and village, rolled up, rated and explained.

Notebook use::

    from graph.analysis import analyze
    a = analyze(network, year=2024)
    a.communities            # one row per community/village, docs/metrics.md metric names
    a.explain("C01", "reach")

``analyze`` is ``score(measure(...))``: ``measure`` reads the graph per community,
``score`` rates the district from the measured rows (see their docstrings).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graph.analysis.model import Analysis, Measured, json_text, to_json
    from graph.analysis.report import write_report
    from graph.analysis.rubric import RubricError, load_rubric
    from graph.analysis.run import analyze, analyze_years, changes, measure, score

# Where each public name lives: imported on first use (PEP 562), so importing one small
# submodule (metrics, coverage) or unpickling a kept Analysis does not load NetworkX and
# the whole engine — a restarted app's first page is mostly imports.
_HOME = {
    "Analysis": "model",
    "Measured": "model",
    "to_json": "model",
    "json_text": "model",
    "write_report": "report",
    "RubricError": "rubric",
    "load_rubric": "rubric",
    "analyze": "run",
    "analyze_years": "run",
    "changes": "run",
    "measure": "run",
    "score": "run",
}

__all__ = [
    "Analysis",
    "Measured",
    "RubricError",
    "analyze",
    "analyze_years",
    "changes",
    "json_text",
    "load_rubric",
    "measure",
    "score",
    "to_json",
    "write_report",
]


def __getattr__(name: str) -> object:
    if name in _HOME:
        return getattr(importlib.import_module(f"graph.analysis.{_HOME[name]}"), name)
    raise AttributeError(f"module 'graph.analysis' has no attribute {name!r}")
