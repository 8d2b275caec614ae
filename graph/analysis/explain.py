"""Explanations: the ids behind a community's metric, read from the evidence table."""

from __future__ import annotations

import pandas as pd

from graph.analysis import evidence as ev


def explainable(evidence: pd.DataFrame) -> list[str]:
    """Metrics that have evidence rows (shares, counts and the structure lists)."""
    return sorted(evidence["metric"].unique())


def explain(evidence: pd.DataFrame, units: pd.Index, community_id: str, metric: str) -> dict:
    """``{"numerator": [ids], "denominator": [ids]}`` of one metric of one community.

    Count metrics (e.g. ``co_building_units``, ``isolates``) have only a numerator;
    per-1000 metrics list the people counted (the denominator is the population, a number).
    Bridges are given as ``"a|b"`` and FULFILLS links as ``"resource→matter"``.
    """
    if community_id not in units:
        raise KeyError(f"unknown community or village {community_id!r}")
    metrics = explainable(evidence)
    if metric not in metrics:
        raise ValueError(f"no explanation for {metric!r}; explainable: {', '.join(metrics)}")
    sel = evidence[(evidence["community_id"] == community_id) & (evidence["metric"] == metric)]
    return {
        part: sorted(sel.loc[sel["part"] == part, "id"].astype(str).unique())
        for part in (ev.NUM, ev.DEN)
    }
