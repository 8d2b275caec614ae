"""The ready research questions on the demo district in a real FalkorDB: each answers with
rows, and the ones the notebook checks agree with the same question answered in pandas."""

from __future__ import annotations

import uuid

import pytest

from graph.store import open_store
from graph.store.errors import StoreError
from graph.store.templates import TEMPLATES
from tests.oracles import coreless, led_counts, unled_communities


@pytest.fixture(scope="module")
def demo_store(falkor_server, demo_net):
    target = {"uri": falkor_server.uri, "graph": f"tpl_{uuid.uuid4().hex[:10]}"}
    with open_store(**target) as store:
        store.write(demo_net, replace=True)
        yield store
        store.delete()


@pytest.fixture(scope="module")
def answers(demo_store, demo_net) -> dict:
    return {key: t.run(demo_store, demo_net) for key, t in TEMPLATES.items()}


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_every_template_answers_on_the_demo(answers, key: str) -> None:
    frame = answers[key]
    assert len(frame) > 0, key
    chart = TEMPLATES[key].chart
    assert chart is None or set(chart) <= set(frame.columns)


def test_templates_agree_with_the_ledger(answers, demo_net) -> None:
    tables = demo_net.tables
    end = f"{max(demo_net.years)}-12-31"
    led = led_counts(tables, end)
    hubs = answers["party_hubs"]
    assert hubs["actors_led"].iloc[0] == max(led.values())
    assert all(led[i] == n for i, n in zip(hubs["id"], hubs["actors_led"], strict=True))
    assert sorted(answers["unled_property"]["id"]) == unled_communities(tables, end)
    assert sorted(answers["coreless"]["id"]) == coreless(tables)
    for kinds in answers["leadership_chains"]["kinds"]:
        assert kinds[0] == "party_working_committee" and kinds[-1] == "volunteer_team"
    matters = tables["matters"].set_index("id")
    for row in answers["unreached_needs"].itertuples():
        assert (matters.loc[row.matters, "domain"] == row.domain).all()
        assert (matters.loc[row.matters, "status"] != "closed").all()


def test_parameters_are_checked_and_named() -> None:
    chains = TEMPLATES["leadership_chains"]
    with pytest.raises(StoreError, match="target_kind"):
        chains.bind({"target_kind": "castle", "end": "2024-12-31"})
    with pytest.raises(StoreError, match="top"):
        chains.bind({"top": 0, "end": "2024-12-31"})
    with pytest.raises(StoreError, match="end"):
        chains.bind({"end": "31.12.2024"})
    with pytest.raises(StoreError, match="no parameter"):
        chains.bind({"nope": 1})
    bound = chains.bind({"end": "2024-12-31", "top": "7"})
    assert bound["top"] == 7 and bound["committee"] is None
