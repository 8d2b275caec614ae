"""The demo district: reproducible, the promised size, valid, and with something to find."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from govnet.cli.main import app
from graph.network import Network
from graph.schema import CORE_KINDS, PARTY_ORG_KINDS
from loaders.demo import YEARS, generate
from loaders.ledger import read_ledger, validate_ledger
from loaders.write import write_csv


@pytest.fixture(scope="module")
def raw() -> dict[str, pd.DataFrame]:
    return generate("district", seed=7)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.*"))}


def test_same_seed_gives_the_same_bytes(demo_dir: Path, tmp_path: Path) -> None:
    """`govnet demo` writes exactly the files write_demo wrote for the same seed."""
    done = CliRunner().invoke(app, ["demo", str(tmp_path), "--seed", "7"])
    assert done.exit_code == 0, done.output
    said = done.output.replace("\n", "")  # a long folder's path wraps (xdist's tmp paths)
    assert "ledger.xlsx" in said and "51," in done.output  # summary of what it wrote
    first, second = _files(demo_dir), _files(tmp_path)
    assert "ledger.xlsx" in first and "csv/people.csv" in first
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_another_seed_gives_another_ledger(demo_dir: Path, tmp_path: Path) -> None:
    write_csv(generate("district", seed=8), tmp_path)
    ours = _files(demo_dir / "csv")
    other = _files(tmp_path)
    assert ours.keys() == other.keys()
    assert all(ours[k] != other[k] for k in ("people.csv", "links.csv", "matters.csv"))


def test_district_has_the_target_size(demo_net: Network) -> None:
    places = demo_net.tables["places"]
    kinds = places["kind"].value_counts()
    assert 12 <= kinds["street"] + kinds["town"] <= 20
    assert 120 <= kinds["community"] + kinds["village"] <= 180
    assert kinds["village"] > 0 and kinds["town"] > 0
    assert 1200 <= kinds["grid"] <= 1800
    assert 40_000 <= len(demo_net.tables["people"]) <= 60_000
    for kind in ("compound", "building", "venue"):
        assert kinds[kind] > 0
    orgs = demo_net.tables["organizations"]["kind"].value_counts()
    assert set(orgs.index) >= set(PARTY_ORG_KINDS) | {
        "residents_committee",
        "villagers_committee",
        "property_company",
        "owners_committee",
        "social_org",
        "volunteer_team",
        "unit",
    }
    assert set(demo_net.years) == set(YEARS)


def test_names_are_those_of_the_district(raw: dict[str, pd.DataFrame]) -> None:
    names = set(raw["places"]["name"])
    assert {"二七区", "大学路街道", "淮河路街道", "建中街街道", "马寨镇", "侯寨乡"} <= names
    venues = raw["places"].loc[raw["places"]["kind"] == "venue", "name"]
    assert venues.str.endswith("党群服务中心").sum() > 150


def test_people_data_is_well_formed(raw: dict[str, pd.DataFrame]) -> None:
    people = raw["people"]
    assert people["name"].str.fullmatch(r"[\u4e00-\u9fff]{2,4}").all()
    assert people["phone"].str.fullmatch(r"1[3-9]\d{9}").all()
    ids = people["id_number"]
    assert ids.str.fullmatch(r"\d{17}[\dX]").all()
    weights = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
    sample = ids.sample(2000, random_state=1)
    for number in sample:
        total = sum(int(c) * w for c, w in zip(number[:17], weights, strict=True))
        assert "10X98765432"[total % 11] == number[17]
    births = pd.to_datetime(ids.str[6:14], format="%Y%m%d")
    assert births.dt.year.between(1940, 2004).all()


def test_demo_validates_clean(demo_dir: Path, demo_net: Network) -> None:
    report = validate_ledger(demo_dir / "csv")
    assert report.errors == [] and report.warnings == []
    assert demo_net.warnings == []
    assert report.counts["links"] == len(demo_net.tables["links"])


def test_workbook_and_csv_read_back_equal(demo_dir: Path, demo_net: Network) -> None:
    from_xlsx = read_ledger(demo_dir / "ledger.xlsx")
    assert from_xlsx.equals(demo_net)
    assert from_xlsx.counts() == demo_net.counts()


def test_demo_network_is_cached(demo_net: Network) -> None:
    from loaders.demo import demo_network

    assert demo_network("district", seed=7) is demo_net
    assert demo_network() is demo_net and demo_network(scale="district") is demo_net


def test_unknown_scale_is_refused() -> None:
    with pytest.raises(ValueError, match="scale"):
        generate("planet")


# --- the story: a three-year plan with weak spots -----------------------------------------


def _as_of(links: pd.DataFrame, year: int) -> pd.DataFrame:
    end = pd.Timestamp(f"{year}-12-31")
    ok = (links["since"].isna() | (links["since"] <= end)) & (
        links["until"].isna() | (links["until"] > end)
    )
    return links[ok]


def test_links_grow_year_by_year(demo_net: Network) -> None:
    links = demo_net.tables["links"]
    counts = [len(_as_of(links, y)) for y in YEARS]
    assert counts[0] < counts[1] < counts[2]
    for type_ in ("CO_BUILDS", "REPORTS_TO", "LEADS", "ESTABLISHED_IN", "MEMBER_OF"):
        sub = links[links["type"] == type_]
        per_year = [len(_as_of(sub, y)) for y in YEARS]
        assert per_year[0] < per_year[2], type_
    assert links["until"].notna().any()


def test_grid_coverage_rises(demo_net: Network) -> None:
    t = demo_net.tables
    grids = set(t["places"].loc[t["places"]["kind"] == "grid", "id"])
    party = t["organizations"][t["organizations"]["kind"].isin(list(PARTY_ORG_KINDS))]
    located = set(party["place_id"]) & grids
    shares = []
    for y in YEARS:
        est = _as_of(t["links"][t["links"]["type"] == "ESTABLISHED_IN"], y)
        covered = located | (set(est["target_id"]) & grids)
        shares.append(len(covered) / len(grids))
    assert 0.4 < shares[0] < shares[1] < shares[2] < 1


def test_matters_are_handled_better_each_year(demo_net: Network) -> None:
    m = demo_net.tables["matters"]
    assert (m["closed_at"].dropna() >= m.loc[m["closed_at"].notna(), "submitted_at"]).all()
    assert (m.loc[m["status"] == "closed", "closed_at"].notna()).all()
    assert (m.loc[m["status"] != "closed", "closed_at"].isna()).all()
    year = m["submitted_at"].dt.year
    on_time = (m["claimed_at"] - m["submitted_at"] <= pd.Timedelta(days=1)) & (
        m["closed_at"] - m["submitted_at"] <= pd.Timedelta(days=7)
    )
    closure = [(m.loc[year == y, "status"] == "closed").mean() for y in YEARS]
    sla = [on_time[year == y].mean() for y in YEARS]
    assert closure[0] < closure[1] < closure[2]
    assert sla[0] < sla[1] < sla[2]
    assert sla[0] > 0 and sla[2] < 1  # some within 1/7 days, some late every year


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    """Calendar days between two dates (time of day ignored), as 13710 counts them."""
    return (later.dt.normalize() - earlier.dt.normalize()).dt.days


def test_every_13710_limit_has_cases_on_both_sides(demo_net: Network) -> None:
    m = demo_net.tables["matters"]
    sub = m["submitted_at"]
    major = m["major"].astype(bool)
    assert 0.05 <= major.mean() <= 0.2  # a minority of matters is major or complex
    claimed = m["claimed_at"].notna()
    assert 0.4 <= m["replied_at"].notna().sum() / claimed.sum() <= 0.9
    assert (m["replied_at"].dropna() >= sub[m["replied_at"].notna()]).all()
    closed_first = m["closed_at"].notna() & m["replied_at"].notna()
    assert (m.loc[closed_first, "replied_at"] < m.loc[closed_first, "closed_at"]).all()
    sides = {
        "claim": _days(m["claimed_at"], sub),  # 1: the same day
        "reply": _days(m["replied_at"], sub),  # 3: within 3 days
        "close": _days(m.loc[~major, "closed_at"], sub[~major]),  # 7: within 7 days
        "major": _days(m.loc[major, "closed_at"], sub[major]),  # 1: within a month
    }
    for name, limit in (("claim", 0), ("reply", 3), ("close", 7), ("major", 30)):
        days = sides[name].dropna()
        assert 0.05 <= (days <= limit).mean() <= 0.95, name
    assert (m.loc[major, "status"] != "closed").any()  # 0: some still to clear


def test_three_zero_counts_are_mostly_zero_some_positive_few_unrecorded(
    demo_net: Network,
) -> None:
    c = demo_net.tables["conditions"]
    kinds = demo_net.tables["places"].set_index("id")["kind"]
    c = c[c["place_id"].map(kinds).isin(["community", "village"])]
    counts = c[["petitions", "accidents", "criminal_cases"]]
    none = counts.isna().all(axis=1)
    all_zero = counts.notna().all(axis=1) & (counts.fillna(0) == 0).all(axis=1)
    positive = (counts.fillna(0) > 0).any(axis=1)
    assert 0.4 <= all_zero.mean() <= 0.7
    assert 0.2 <= positive.mean() <= 0.5
    assert 0.01 <= none.mean() <= 0.1
    for column in counts:
        assert (counts[column].dropna() == 0).mean() >= 0.75, column
    streets = demo_net.tables["conditions"].loc[lambda d: d["place_id"].map(kinds) == "street"]
    assert streets[["petitions", "accidents", "criminal_cases"]].isna().all().all()


def _community_of(t: dict[str, pd.DataFrame]) -> pd.Series:
    """Place id → its community or village id (for places at or below one)."""
    places = t["places"].set_index("id")
    out = pd.Series(pd.NA, index=places.index, dtype="string")
    is_comm = places["kind"].isin(["community", "village"])
    out[is_comm] = places.index[is_comm]
    for _ in range(4):  # community ← grid/compound ← building; venues hang anywhere
        parent = places["parent_id"].reindex(out.index)
        todo = out.isna() & parent.notna()
        out[todo] = out.reindex(parent[todo].to_numpy()).to_numpy()
    return out


def test_weak_spots_exist(demo_net: Network) -> None:
    t = demo_net.tables
    places, orgs, links = t["places"], t["organizations"], t["links"]
    communities = set(places.loc[places["kind"].isin(["community", "village"]), "id"])
    cores = orgs[orgs["kind"].isin(list(CORE_KINDS))]
    without_core = communities - set(cores["place_id"])
    assert 0 < len(without_core) < 0.1 * len(communities)

    led = links[links["type"].isin(["LEADS", "ESTABLISHED_IN"])]
    companies = set(orgs.loc[orgs["kind"] == "property_company", "id"])
    never_led = companies - set(led["target_id"])
    assert 0 < len(never_led) < len(companies) / 2

    social = set(orgs.loc[orgs["kind"] == "social_org", "id"])
    touched = set(
        links.loc[links["type"].isin(["LEADS", "ESTABLISHED_IN", "HOLDS_ROLE", "MEMBER_OF"]),
                  "target_id"]
    )  # fmt: skip
    assert len(social - touched) > 0

    # actors reached only through one grid branch or compound party group
    lower = set(orgs.loc[orgs["kind"].isin(["party_group"]), "id"]) | set(
        orgs.loc[orgs["place_id"].isin(places.loc[places["kind"] == "grid", "id"]), "id"]
    )
    leads = links[links["type"] == "LEADS"]
    assert leads["source_id"].isin(lower).sum() > 0


def test_some_needs_have_no_resource_in_their_street(demo_net: Network) -> None:
    t = demo_net.tables
    comm_of = _community_of(t)
    places = t["places"].set_index("id")
    street_of_comm = places["parent_id"]
    m = t["matters"]
    m_street = street_of_comm.reindex(comm_of.reindex(m["place_id"]).to_numpy()).to_numpy()
    r = t["resources"]
    r_comm = comm_of.reindex(r["place_id"]).to_numpy()
    r_street = np.where(
        pd.isna(r_comm),
        places["parent_id"].reindex(r["place_id"]).to_numpy(),  # venue of a street, etc.
        street_of_comm.reindex(r_comm).to_numpy(),
    )
    r_street = np.where(
        places["kind"].reindex(r["place_id"]).to_numpy() == "street",
        r["place_id"].to_numpy(),
        r_street,
    )
    offered = set(zip(r_street, r["domain"], strict=True))
    fulfilled = set(t["links"].loc[t["links"]["type"] == "FULFILLS", "target_id"])
    open_ = (m["status"] != "closed") & ~m["id"].isin(fulfilled)
    gap = [(s, d) not in offered for s, d in zip(m_street, m["domain"], strict=True)]
    assert (open_ & pd.Series(gap, index=m.index)).sum() > 0
    # and elsewhere resources do meet needs, without exceeding their capacity
    used = t["links"].loc[t["links"]["type"] == "FULFILLS", "source_id"].value_counts()
    cap = r.set_index("id")["capacity"]
    assert (used <= cap.reindex(used.index)).all()
    assert (cap > used.reindex(cap.index).fillna(0)).any()


def test_every_link_has_a_since_date_and_ids_are_readable(demo_net: Network) -> None:
    t = demo_net.tables
    assert t["links"]["since"].notna().all()
    assert t["people"]["id"].str.match(r"^P\d+$").all()
    assert all(re.fullmatch(r"[DSCGQBV]\d+", i) for i in t["places"]["id"].head(500))
