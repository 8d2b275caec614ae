"""Metrics of DOMAIN.md computed per community and village, rolled up, rated and explained.

Notebook use::

    from graph.analysis import analyze
    a = analyze(network, year=2024)
    a.communities            # one row per community/village, DOMAIN.md metric names
    a.explain("C01", "reach")

``analyze`` is ``score(measure(...))``: ``measure`` reads the graph per community,
``score`` rates the district from the measured rows (see their docstrings).
"""

from graph.analysis.model import Analysis, Measured, to_json
from graph.analysis.report import write_report
from graph.analysis.rubric import RubricError, load_rubric
from graph.analysis.run import analyze, analyze_years, changes, measure, score

__all__ = [
    "Analysis",
    "Measured",
    "RubricError",
    "analyze",
    "analyze_years",
    "changes",
    "load_rubric",
    "measure",
    "score",
    "to_json",
    "write_report",
]
