"""The overview's charts are written as Vega-Lite dicts (no Altair import at start-up): they
must be exactly what the Altair charts they replace gave Streamlit — spec and data bytes."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from govnet.app import i18n, overview
from govnet.app.i18n import metric_label, t
from graph.analysis import analyze
from loaders.ledger import read_ledger
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "fixtures" / "small"


@pytest.fixture(scope="module")
def analysis():
    net = read_ledger(SMALL)
    return analyze(net, max(net.years))


def _altair_stars(communities: pd.DataFrame):
    """The Altair chart the overview drew before (the reference)."""
    counts = communities["stars"].astype(int).value_counts().reindex(range(6), fill_value=0)
    frame = pd.DataFrame({"stars": [t("n_stars", n=n) for n in counts.index], "n": counts.values})
    bars = (
        alt.Chart(frame, title=t("stars_dist"))
        .mark_bar(color="#c62828")
        .encode(
            x=alt.X("stars:N", sort=None, title=t("stars"), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("n:Q", title=t("communities")),
            tooltip=[
                alt.Tooltip("stars:N", title=t("stars")),
                alt.Tooltip("n:Q", title=t("communities")),
            ],
        )
    )
    labels = bars.mark_text(dy=-8).encode(text="n:Q")
    return (bars + labels).properties(height=320)


def _altair_streets(streets: pd.DataFrame):
    frame = pd.DataFrame(
        {
            "name": streets["name"].astype(str),
            "coverage": streets["mean_coverage_index"].astype(float),
            "weak": streets["weak_count"].astype(float),
        }
    )
    coverage, weak = metric_label("mean_coverage_index"), metric_label("weak_count")
    chart = (
        alt.Chart(frame, title=t("coverage_by_street"))
        .mark_bar()
        .encode(
            x=alt.X("name:N", sort=None, title=t("street")),
            y=alt.Y(
                "coverage:Q",
                title=coverage,
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format=".0%"),
            ),
            color=alt.Color("weak:Q", title=weak, scale=alt.Scale(scheme="orangered")),
            tooltip=[
                alt.Tooltip("name:N", title=t("street")),
                alt.Tooltip("coverage:Q", title=coverage, format=".1%"),
                alt.Tooltip("weak:Q", title=weak),
            ],
        )
    )
    return chart.properties(height=320)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_charts_are_what_altair_made(analysis, lang, monkeypatch) -> None:
    monkeypatch.setattr(i18n, "current_lang", lambda: lang)
    for ours, theirs in (
        (overview.stars_spec(analysis.communities), _altair_stars(analysis.communities)),
        (overview.street_spec(analysis.streets), _altair_streets(analysis.streets)),
    ):
        reference = _convert_altair_to_vega_lite_spec(theirs)
        assert ours["datasets"] == reference["datasets"]  # the same Arrow bytes, same name
        assert len(ours["datasets"]) == 1 and next(iter(ours["datasets"].values()))
        # key order too: Streamlit sends json.dumps of the spec
        assert json.dumps(ours, default=len) == json.dumps(reference, default=len)
    assert (t("stars_dist") == "Stars distribution") == (lang == "en")
