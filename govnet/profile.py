"""社区画像 Community profile: one community's picture for a planner's meeting, as plain data.

The app page and the PDF both draw from a ``Profile``: the core and who it reaches, the
six extensions with the nodes counted, resource links and 13710, structure weak points,
key actors, weak reasons and data gaps, stars criterion by criterion, the suggested links
with their projected effect, and the three-year trend. Metric names, labels and formats
come from the metric registry, so a metric added there appears here too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from graph import labels
from graph.analysis import Analysis
from graph.analysis.key_actors import key_actors
from graph.analysis.metrics import COMMUNITY_METRICS, EXTENSIONS, METRICS, label
from graph.analysis.model import plain, records
from graph.analysis.weak import NO_CORE
from graph.analysis.whatif import Baseline, Link, Scenario
from graph.schema import ACTOR_KIND_GROUPS

# sections of the profile: the metrics each shows, kept when the registry has them
SECTIONS: dict[str, tuple[str, ...]] = {
    "extensions": (*EXTENSIONS, "coverage_index", "reach", "actor_kinds"),
    "resources": (
        "co_building_units",
        "reporting_members_per_1000",
        "volunteers_per_1000",
        "needs_total",
        "needs_closed",
        "closure_rate",
        "unmatched_needs",
        "top_provider_share",
    ),
    "sla": ("sla_rate", "backlog", "cleared", "three_zero"),
    "structure": (
        "components",
        "isolates",
        "articulation_points",
        "bridges",
        "brokers",
        "core_constraint",
    ),
}
SCORE = ("weak_score", "weak", "reasons", "data_gaps", "completeness", "has_core")
TREND = ("coverage_index", "reach", "co_building_units", "volunteers_per_1000", "closure_rate")
TREND += ("sla_rate", "weak_score", "stars")
PROJECTED = ("coverage_index", "reach", "co_building_units", "unmatched_needs", "weak_score")
PROJECTED += ("stars",)


def fmt(metric: str, value: object, lang: str = "zh") -> str:
    """A value written the way its metric is read (percent, ‰, count, yes/no, list)."""
    v = plain(value)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    kind = METRICS[metric].format if metric in METRICS else None
    if isinstance(v, list):
        return "、".join(reason_label(x, lang) for x in v) or ("无" if lang == "zh" else "none")
    if isinstance(v, bool) or kind == "bool":
        return ("是" if v else "否") if lang == "zh" else ("yes" if v else "no")
    if kind == "share":
        return f"{float(v) * 100:.1f}%"
    if kind == "per_1000":
        return f"{float(v):.1f}‰"
    if isinstance(v, float) and not v.is_integer():
        return f"{v:.3f}"
    return str(int(v)) if isinstance(v, float) else str(v)


def reason_label(key: str, lang: str = "zh") -> str:
    if key == NO_CORE:
        return "无核心党组织" if lang == "zh" else "no core party organization"
    return label(key, lang) if key in METRICS else str(key)


@dataclass
class Profile:
    """Everything shown about one community, ready to draw."""

    year: int
    community: dict  # the communities row as plain values
    street: str
    core: dict | None  # id, name, kind
    reached: list[dict]  # actors the core reaches: id, name, kind, group
    unreached: list[dict]
    sections: dict[str, list[tuple[str, object]]]  # section → (metric, value)
    explain: dict[str, dict[str, list[str]]]  # metric → numerator / denominator names
    weak_points: dict[str, list[str]]  # articulation points, isolates, brokers (names)
    stars: list[dict]  # star, name, earned, criteria [metric, op, required, actual, met]
    suggestions: list[dict]  # kind, links [(src, TYPE, tgt), …], text
    projected: dict[str, tuple[object, object]] = field(default_factory=dict)  # all applied
    key_actors: pd.DataFrame = field(default_factory=pd.DataFrame)
    trend: pd.DataFrame = field(default_factory=pd.DataFrame)  # year × TREND metrics

    @property
    def name(self) -> str:
        return str(self.community["name"])

    @property
    def id(self) -> str:
        return str(self.community["id"])


def _names(base: Baseline) -> dict[str, str]:
    out: dict[str, str] = {}
    for table, col in (
        ("places", "name"),
        ("organizations", "name"),
        ("people", "name"),
        ("resources", "name"),
        ("matters", "title"),
    ):
        df = base.tables[table]
        ids = df["id"].astype(object)
        out.update(zip(ids, df[col].astype(object).where(df[col].notna(), ids), strict=True))
    return out


def _group(kind: str) -> str:
    return next((g for g, kinds in ACTOR_KIND_GROUPS.items() if kind in kinds), kind)


def suggestion_items(
    base: Baseline, community_id: str, names: dict[str, str], lang: str = "zh"
) -> list[dict]:
    """This community's suggestions, each with the links it adds and a sentence.

    A co-building partner is two links (the unit co-builds with the core, the core leads
    it); the sentence says both."""
    items = []
    for rec, links in base.suggested((community_id,)):
        if rec["kind"] == "resource":
            src, _type, tgt = links[0]
            text = labels.label("suggestion", "resource", lang).format(
                resource=names.get(src, src), matter=names.get(tgt, tgt)
            )
        else:
            unit = str(rec["unit_id"])
            led = any(x[1] == "LEADS" for x in links)
            leader = next((x[0] for x in links if x[1] == "LEADS"), None)
            text = labels.label("suggestion", "co_building_led" if led else "co_building", lang)
            text = text.format(unit=names.get(unit, unit), core=names.get(leader, leader))
        items.append({"kind": rec["kind"], "links": links, "text": text})
    return items


def projection(base: Baseline, community_id: str, links: list[Link]) -> dict:
    """metric → (today, projected) when ``links`` are added: the PROJECTED metrics and any
    other metric of the community that changes."""
    today = base.before.communities.set_index("id").loc[community_id]
    if not links:
        return {m: (today[m], today[m]) for m in PROJECTED}
    w = base.run(Scenario(add_links=tuple(links)))
    after = w.after.communities.set_index("id")
    changed = w.changes[w.changes["community_id"] == community_id]["metric"]
    shown = [*PROJECTED, *(m for m in changed if m not in PROJECTED and m in METRICS)]
    return {m: (today[m], after.at[community_id, m]) for m in shown}


def build_profile(
    base: Baseline,
    community_id: str,
    analyses: dict[int, Analysis] | None = None,
    *,
    with_key_actors: bool = True,
    lang: str = "zh",
) -> Profile:
    """The profile of one community as of the baseline's year, its sentences in ``lang``.

    ``analyses`` (year → Analysis) gives the trend; without it the trend has this year only.
    """
    a = base.before
    rows = a.communities.set_index("id")
    if community_id not in rows.index:
        raise KeyError(f"unknown community or village {community_id!r}")
    row = {"id": community_id, **{k: plain(v) for k, v in rows.loc[community_id].items()}}
    names = _names(base)
    orgs = base.tables["organizations"].set_index("id")
    num, den = _explained(a, community_id, "reach")
    actors = [
        {
            "id": x,
            "name": names.get(x, x),
            "kind": str(orgs.at[x, "kind"]) if x in orgs.index else "",
            "group": _group(str(orgs.at[x, "kind"])) if x in orgs.index else "",
        }
        for x in den
    ]
    core_id = row.get("core")
    core = None
    if core_id:
        core = {
            "id": core_id,
            "name": names.get(core_id, core_id),
            "kind": orgs.at[core_id, "kind"],
        }
    present = set(COMMUNITY_METRICS) | {"stars"}
    sections = {
        s: [(m, row.get(m)) for m in ms if m in present and m in row] for s, ms in SECTIONS.items()
    }
    shown = {m for ms in SECTIONS.values() for m in ms} | set(SCORE)
    other = [(m, row.get(m)) for m in COMMUNITY_METRICS if m not in shown and m in row]
    if other:
        sections["other"] = other
    sections["score"] = [(m, row.get(m)) for m in SCORE if m in row] + [("stars", row["stars"])]
    explain = {}
    for m in [*EXTENSIONS, "co_building_units", "unmatched_needs"]:
        n, d = _explained(a, community_id, m)
        explain[m] = {
            "numerator": [names.get(x, x) for x in n],
            "denominator": [names.get(x, x) for x in d],
        }
    weak_points = {
        m: [names.get(x, x) for x in _explained(a, community_id, m)[0]]
        for m in ("articulation_points", "isolates", "brokers")
    }
    stars = []
    d = a.star_detail[a.star_detail["community_id"] == community_id]
    for (star, key), g in d.groupby(["star", "key"], sort=True):
        stars.append(
            {
                "star": int(star),
                "key": key,
                "name": str(g["name"].iloc[0]),
                "earned": bool(g["earned"].iloc[0]),
                "criteria": records(g[["metric", "op", "required", "actual", "met"]]),
            }
        )
    items = suggestion_items(base, community_id, names, lang)
    projected = projection(base, community_id, [x for i in items for x in i["links"]])
    trend = _trend(analyses or {a.year: a}, community_id)
    ka = key_actors(base, community_id) if with_key_actors else pd.DataFrame()
    return Profile(
        a.year,
        row,
        names.get(row.get("street_id"), row.get("street_id") or ""),
        core,
        [x for x in actors if x["id"] in num],
        [x for x in actors if x["id"] not in num],
        sections,
        explain,
        weak_points,
        stars,
        items,
        projected,
        ka,
        trend,
    )


def _explained(a: Analysis, cid: str, metric: str) -> tuple[list[str], list[str]]:
    """Ids in a metric's numerator and denominator (none when nothing was counted)."""
    try:
        found = a.explain(cid, metric)
    except ValueError:  # no community of the district has evidence for it
        return [], []
    return found["numerator"], found["denominator"]


def _trend(analyses: dict[int, Analysis], cid: str) -> pd.DataFrame:
    recs = []
    for year, a in sorted(analyses.items()):
        rows = a.communities[a.communities["id"] == cid]
        if len(rows):
            r = rows.iloc[0]
            recs.append({"year": year, **{m: plain(r[m]) for m in TREND if m in r.index}})
    return pd.DataFrame(recs)


def kind_label(kind: str, lang: str = "zh") -> str:
    """An organization kind (the core, key actors) from the one bilingual label table."""
    return labels.label("org_kind", kind, lang)
