"""Roll-ups: street and district summaries of the communities beneath; year changes."""

from __future__ import annotations

import pandas as pd

from graph.analysis.rubric import Rubric
from graph.analysis.stars import earned_counts, evaluate


def _summary(df: pd.DataFrame, by: str, full_stars: pd.Series) -> pd.DataFrame:
    """The ROLLUP_METRICS of every group of communities (vectorized groupby)."""
    f = df.assign(
        full=full_stars.astype(float),
        has_core_f=df["has_core"].astype(float),
        weak_f=df["weak"].astype(float),
    )
    for m in (
        "coverage_index",
        "reach",
        "actor_kinds",
        "co_building_units",
        "reporting_members_per_1000",
        "volunteers_per_1000",
        "sla_rate",
        "stars",
        "needs_total",
        "needs_closed",
        "unmatched_needs",
    ):
        f[m] = f[m].astype("Float64").astype(float)
    g = f.groupby(by)
    out = pd.DataFrame(
        {
            "communities": g.size(),
            "weak_count": g["weak_f"].sum(),
            "weak_share": g["weak_f"].mean(),
            "full_star_share": g["full"].mean(),
            "mean_stars": g["stars"].mean(),
            "min_stars": g["stars"].min(),
            "has_core_share": g["has_core_f"].mean(),
            "mean_coverage_index": g["coverage_index"].mean(),
            "mean_reach": g["reach"].mean(),
            "mean_actor_kinds": g["actor_kinds"].mean(),
            "co_building_units": g["co_building_units"].sum(),
            "mean_co_building_units": g["co_building_units"].mean(),
            "mean_reporting_members_per_1000": g["reporting_members_per_1000"].mean(),
            "mean_volunteers_per_1000": g["volunteers_per_1000"].mean(),
            "needs_total": g["needs_total"].sum(),
            "needs_closed": g["needs_closed"].sum(),
            "mean_sla_rate": g["sla_rate"].mean(),
            "unmatched_needs": g["unmatched_needs"].sum(),
        }
    )
    out["closure_rate"] = out["needs_closed"] / out["needs_total"].where(out["needs_total"] > 0)
    ints = ["communities", "weak_count", "min_stars", "co_building_units"]
    ints += ["needs_total", "needs_closed", "unmatched_needs"]
    out = out.astype("Float64")
    out[ints] = out[ints].round().astype("Int64")
    return out


def rollups(
    communities: pd.DataFrame, places: pd.DataFrame, rubric: Rubric, max_stars: pd.Series
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """streets, goods detail, district, red-flag detail.

    ``max_stars`` is how many stars the rubric of each community's kind offers, so a
    "full star" community is one that earned all of them.
    """
    names = places.set_index("id")[["name", "kind"]]
    full = communities["stars"] >= max_stars
    with_street = communities[communities["street_id"].notna()]
    streets = _summary(with_street, "street_id", full[with_street.index])
    streets.index.name = "id"
    streets = streets.reset_index()
    streets.insert(1, "name", streets["id"].map(names["name"]).astype("string"))
    streets.insert(2, "kind", streets["id"].map(names["kind"]).astype("string"))
    district_of = with_street.drop_duplicates("street_id").set_index("street_id")["district_id"]
    streets.insert(3, "district_id", streets["id"].map(district_of).astype("string"))
    goods = evaluate(streets, "id", "street_id", rubric.goods)
    streets["goods"] = earned_counts(goods, "street_id", pd.Index(streets["id"])).to_numpy()
    for rule in rubric.goods:
        got = goods[(goods["key"] == rule.key) & goods["earned"]]["street_id"]
        streets["good_" + rule.key] = streets["id"].isin(got)

    in_district = communities[communities["district_id"].notna()]
    district = _summary(in_district, "district_id", full[in_district.index])
    district.index.name = "id"
    district = district.reset_index()
    district.insert(1, "name", district["id"].map(names["name"]).astype("string"))
    sg = streets.groupby("district_id")["goods"]
    district["streets"] = district["id"].map(sg.size()).fillna(0).astype("Int64")
    district["min_goods"] = district["id"].map(sg.min()).astype("Int64")
    district["mean_goods"] = district["id"].map(sg.mean()).astype("Float64")
    five = streets.assign(five=streets["goods"] >= len(rubric.goods)).groupby("district_id")["five"]
    district["five_good_share"] = district["id"].map(five.mean()).astype("Float64")
    flag = evaluate(district, "id", "district_id", [rubric.red_flag])
    district["red_flag"] = district["id"].isin(flag[flag["earned"]]["district_id"])
    return streets, goods, district, flag


def year_changes(tables: dict[int, pd.DataFrame], metrics: list[str]) -> pd.DataFrame:
    """Long table of each id's change in each numeric metric from one analyzed year to the next."""
    years = sorted(tables)
    frames = []
    for before, after in zip(years, years[1:], strict=False):
        a = tables[before].set_index("id")
        b = tables[after].set_index("id")
        for m in metrics:
            if m not in a.columns or m not in b.columns:
                continue
            va = a[m].astype("Float64").astype(float)
            vb = b[m].astype("Float64").astype(float)
            ids = b.index.union(a.index)
            frame = pd.DataFrame(
                {
                    "from_year": before,
                    "to_year": after,
                    "id": ids,
                    "metric": m,
                    "before": va.reindex(ids).to_numpy(),
                    "after": vb.reindex(ids).to_numpy(),
                }
            )
            frame["change"] = frame["after"] - frame["before"]
            frames.append(frame)
    cols = ["from_year", "to_year", "id", "metric", "before", "after", "change"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    for c in ("before", "after", "change"):
        out[c] = out[c].astype("Float64")
    return out
