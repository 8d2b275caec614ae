"""analyze() = measure() + score(): every metric of docs/metrics.md for one year.

``measure`` reads the graph (per community/village, independent of the others);
``score`` does the district-wide rest from the measured rows alone, so parts of a
district can be measured apart (streets on a cluster, a few edited communities) and
scored once.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from functools import partial

import numpy as np
import pandas as pd

from graph.analysis import evidence as ev
from graph.analysis.asof import three_zero
from graph.analysis.core import cores
from graph.analysis.coverage import (
    actors,
    co_builders,
    extension_evidence,
    social_candidates,
)
from graph.analysis.engine import build_partitions, run_whole_graph, started
from graph.analysis.kernels import Partition
from graph.analysis.metrics import (
    COMMUNITY_METRICS,
    DISTRICT_METRICS,
    EXTENSIONS,
    METRICS,
    STREET_METRICS,
)
from graph.analysis.model import Analysis, Measured
from graph.analysis.resources import records_replies, resource_evidence, sla_limits
from graph.analysis.rollup import rollups, year_changes
from graph.analysis.rubric import Rubric, load_rubric
from graph.analysis.scope import STREET_KINDS, Context, build_context
from graph.analysis.stars import community_stars, earned_counts
from graph.analysis.suggest import COLUMNS as SUGGESTION_COLUMNS
from graph.analysis.suggest import (
    open_matters,
    partner_suggestions,
    resource_suggestions,
    spare_capacity,
    street_units,
)
from graph.analysis.weak import WEAK_COLUMNS, weak_columns
from graph.forked import Pending
from graph.network import Network
from graph.schema import ACTOR_KIND_GROUPS, TABLES
from graph.scope import place_scopes
from graph.tables import Tables, coerce, column_dtype, isin

MATTER_COLUMNS = ["id", "domain", "submitted_at", "community_id", "street_id", "district_id"]
SPARE_COLUMNS = ["id", "domain", "spare", "loc_community_id", "loc_street_id", "loc_district_id"]
COUNT_METRICS = ("co_building_units", "needs_total", "needs_closed", "unmatched_needs", "backlog")
ID_ORDER = ["id", "name", "kind", "street_id", "district_id", "core", "population"]
# the metrics counted from the evidence of the graph's searches (``_graph_evidence``)
GRAPH_EVIDENCE = ("ext_social", "reach")
# the columns measure fills: every community metric but the district-wide weak-link ones
MEASURED = [m for m in COMMUNITY_METRICS if m not in WEAK_COLUMNS]


def latest_year(network: Network) -> int:
    """The default analysis year: the latest year the ledger speaks of."""
    if not network.years:
        raise ValueError(
            "the ledger has no conditions or matters, so no year to analyze; pass year="
        )
    return max(network.years)


def _graph_found(
    results: list[dict], acts: pd.DataFrame, social: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The graph's columns per community (indexed by community id: the GRAPH_EVIDENCE
    shares and the structure counts) and their evidence, combined. Made where the results
    are (``started``): a district's forked process makes them beside the rest and sends
    back these, not the results' lists of ids (the evidence holds them once)."""
    found = ev.combine(_graph_evidence(results, acts, social))
    uid = pd.Index([x["cid"] for x in results], dtype=object)
    counts = ev.tally(found)
    columns = pd.DataFrame(
        {
            "components": pd.array([x["components"] for x in results], dtype="Int64"),
            "isolates": pd.array([len(x["isolates"]) for x in results], dtype="Int64"),
            "articulation_points": pd.array(
                [
                    None if x["articulation_points"] is None else len(x["articulation_points"])
                    for x in results
                ],
                dtype="Int64",
            ),
            "bridges": pd.array([len(x["bridges"]) for x in results], dtype="Int64"),
            "brokers": pd.Series([x["brokers"] for x in results], dtype=object).array,
            "core_constraint": pd.array([x["core_constraint"] for x in results], dtype="Float64"),
            **{m: ev.share(counts, uid, m).array for m in GRAPH_EVIDENCE},
        },
        index=uid,
    )
    return columns, found


def _graph_evidence(results: list[dict], acts: pd.DataFrame, social: pd.DataFrame) -> list:
    """Evidence rows from the per-community graph results."""

    def frame(rows: list[tuple]) -> pd.DataFrame:
        # Python objects: ``ev.combine`` takes them so, and pandas' inferred Arrow strings
        # would be a round trip for nothing
        return pd.DataFrame(rows, columns=["community_id", "id"], dtype=object)

    reach = frame([(r["cid"], t) for r in results for t in r["reached"]])
    out = [
        ev.rows(acts, "reach", ev.DEN),
        ev.rows(reach.merge(acts, on=["community_id", "id"]), "reach", ev.NUM),
        ev.rows(social, "ext_social", ev.DEN),
        ev.rows(reach.merge(social, on=["community_id", "id"]), "ext_social", ev.NUM),
    ]
    for metric in ("isolates", "articulation_points", "brokers"):
        listed = frame([(r["cid"], x) for r in results for x in (r[metric] or [])])
        out.append(ev.rows(listed, metric, ev.NUM))
    bridges = frame([(r["cid"], f"{a}|{b}") for r in results for a, b in r["bridges"]])
    out.append(ev.rows(bridges, "bridges", ev.NUM))
    return out


def _table(
    ctx: Context,
    core: pd.Series,
    evidence: pd.DataFrame,
    acts: pd.DataFrame,
    conditions: pd.DataFrame,
) -> pd.DataFrame:
    """The communities table's columns from ``measure``'s own evidence, indexed by id: all
    but the graph's (``_with_graph``), so it is built while the graph metrics run."""
    u = ctx.units.copy()
    uid = pd.Index(u["id"].astype(object))
    u.index = uid
    counts = ev.tally(evidence)
    u["core"] = core.reindex(uid).astype("string")
    u["has_core"] = u["core"].notna().astype(bool)
    for m in EXTENSIONS:
        if m not in GRAPH_EVIDENCE:
            u[m] = ev.share(counts, uid, m)
    groups = acts.groupby("community_id")["group"].nunique()
    u["actor_kinds"] = groups.reindex(uid, fill_value=0).astype("Int64")
    assert set(acts["group"]) <= set(ACTOR_KIND_GROUPS)
    for m in COUNT_METRICS:
        u[m] = ev.count(counts, uid, m)
    u["cleared"] = (u["backlog"] == 0).astype(bool)
    pop = u["population"].astype("Float64")
    per = (1000 / pop).where(pop > 0)
    for m in ("reporting_members_per_1000", "volunteers_per_1000"):
        u[m] = (ev.count(counts, uid, m).astype("Float64") * per).astype("Float64")
    for m in ("closure_rate", "sla_rate"):
        u[m] = ev.share(counts, uid, m)
    top = ev.count(counts, uid, "top_provider_share", ev.NUM).astype("Float64")
    links = ev.count(counts, uid, "top_provider_share", ev.DEN).astype("Float64")
    u["top_provider_share"] = (top / links).where(links > 0).astype("Float64")
    u["three_zero"] = three_zero(conditions, u["id"], ctx.year).array
    return u


def _with_graph(u: pd.DataFrame, graph: pd.DataFrame) -> pd.DataFrame:
    """``_table``'s rows with the graph's columns (``_graph_found``) and the coverage index
    over all six extensions."""
    for c in graph.columns:
        u[c] = graph[c]  # aligned on the community ids
    u["coverage_index"] = u[EXTENSIONS].astype(float).mean(axis=1, skipna=True).astype("Float64")
    u["reach"] = u["reach"].where(u["has_core"], 0.0).astype("Float64")
    return u.reset_index(drop=True)


def _graph_inputs(ctx: Context) -> tuple[pd.Series, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Cores, actors, social-organization candidates, and the targets of reach."""
    uid = pd.Index(ctx.units["id"].astype(object))
    core = cores(ctx.orgs, ctx.units["id"]).reindex(uid)
    acts = actors(ctx)
    social = social_candidates(ctx)
    targets = pd.concat([acts[["community_id", "id"]], social]).drop_duplicates()
    return core, acts, social, targets


def graph_partitions(network: Network, year: int) -> tuple[Context, list[Partition]]:
    """The per-community graph inputs of ``analyze`` (for benchmarks and cross-checks)."""
    ctx = build_context(network.tables, year)
    core, acts, _social, targets = _graph_inputs(ctx)
    return ctx, build_partitions(ctx, core, acts, targets)


def community_nodes(network: Network, communities: Iterable[str]) -> dict[str, set[str]]:
    """Ledger table → ids of the nodes located in the given communities/villages.

    The ``own`` of a partial measure of those communities: their places, and the
    matters, organizations and resources (by their place, else their provider's) in them.
    """
    cids = set(communities)
    tables = network.tables
    where = place_scopes(tables["places"]).set_index("id")["community_id"]
    return nodes_in(tables, set(where[where.isin(cids)].index))


def nodes_in(tables: Tables, inside: set[str]) -> dict[str, set[str]]:
    """Ledger table → ids of the nodes at these places: matters, organizations and people
    by their place, resources by their place, else by their provider's."""
    own = {"places": inside}
    for t in ("matters", "organizations", "people"):
        df = tables[t]
        own[t] = set(df.loc[isin(df["place_id"], inside), "id"])
    r = tables["resources"]
    providers = own["organizations"] | own["people"]
    at = isin(r["place_id"], inside) | (r["place_id"].isna() & isin(r["provider_id"], providers))
    own["resources"] = set(r.loc[at, "id"])
    return own


def measure(
    network: Network | Tables,
    year: int | None = None,
    rubric: Rubric | str | None = None,
    *,
    communities: Iterable[str] | None = None,
    own: Mapping[str, Collection[str]] | None = None,
    parallel: bool | None = None,
    baseline: bool = False,
    evidence: bool = True,
    replies: bool | None = None,
) -> Measured:
    """Every raw metric per community/village as of ``year``, and what suggestions need.

    Only the graph is read here; nothing depends on other communities' values (no
    percentiles, stars or roll-ups), so measures of parts of a district can be computed
    apart and joined (``Measured.combine``). The rubric is used for its ``[settings]``
    only (13710 limits); ``score`` applies the rest. Contract for re-measuring:
    ``communities`` (ids) or ``own`` (ledger table → ids) restrict the result to those
    rows (see ``Measured``); ``cached.update(measure(net, y, r, communities=ids))``
    then equals ``measure(net, y, r)`` for an edit confined to those communities.
    ``evidence=False`` drops the ids behind each metric (they grow with the ledger).
    ``replies``: whether the ledger records replies (13710's reply limit); default: any
    matter of ``network`` has a replied_at — a part of a ledger passes the whole's.
    ``parallel``/``baseline``: as in ``analyze``. ``network`` may also be a network's
    tables with string columns held as Python objects (a what-if's part of a ledger): they
    are read as they are, sparing the round trip through arrow strings (``_typed``).
    """
    if communities is not None and own is not None:
        raise ValueError("pass communities or own, not both")
    if not isinstance(network, Network):
        tables = _typed(network)
        network = Network(tables) if year is None or communities is not None else None
    else:
        tables = network.tables
    rubric = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
    year = latest_year(network) if year is None else int(year)
    if communities is not None:
        own = community_nodes(network, communities)
    ctx = build_context(tables, year)
    if own is not None:  # only the communities asked for go through the graph searches
        ctx.units = ctx.units[isin(ctx.units["id"], own.get("places", ()))]
        ctx.units = ctx.units.reset_index(drop=True)
    core, acts, social, targets = _graph_inputs(ctx)
    # the graph metrics and their evidence may be made in another process meanwhile
    graph = partial(_graph_found, acts=acts, social=social)
    if baseline:
        whole = run_whole_graph(ctx, build_partitions(ctx, core, acts, targets))
        pending = Pending.done(graph(whole))
    else:
        pending = started(ctx, core, acts, targets, graph, parallel)
    try:
        if replies is None:
            replies = records_replies(tables["matters"])
        # combined and counted now, while the graph metrics run: theirs are other metrics
        # (GRAPH_EVIDENCE), so no row of theirs can repeat one of these
        found = ev.combine(
            extension_evidence(ctx)
            + resource_evidence(ctx, acts, sla_limits(ctx.units, rubric), replies)
        )
        table = _table(ctx, core, found, acts, tables["conditions"])
        rest = (
            co_builders(ctx).reset_index(drop=True),
            open_matters(ctx)[MATTER_COLUMNS].reset_index(drop=True),
            spare_capacity(ctx)[SPARE_COLUMNS].reset_index(drop=True),
            street_units(ctx),
        )
        flows = None
        if own is None:  # a whole district is scored next (a part is measured for what-ifs)
            flows = resource_suggestions(rest[1], rest[2])  # while the graph metrics run
    except BaseException:
        pending.cancel()
        raise
    graph_columns, graph_found = pending.result()
    found = pd.concat([found, graph_found], ignore_index=True)
    table = _with_graph(table, graph_columns)
    places = tables["places"]
    out = Measured(
        year,
        table[[*ID_ORDER, *MEASURED]],
        found if evidence else found.iloc[:0],
        *rest,
        places[places["kind"].isin([*STREET_KINDS, "district"])][["id", "name", "kind"]],
        flows=flows,
    )
    return out if own is None else out.only(own)


def _typed(tables: Tables) -> Tables:
    """Tables as ``Network`` keeps them, but string columns may stay Python objects.

    ``build_context`` turns strings into objects anyway, so only missing values are made
    None (as the round trip does); any other dtype off the schema, and the places and
    conditions (read outside the context, and small), go through ``coerce``."""
    out: Tables = {}
    for name in TABLES:
        df = tables.get(name, pd.DataFrame())
        if name in ("places", "conditions") or list(df.columns) != list(TABLES[name].column_keys):
            out[name] = coerce(name, df)
            continue
        fixed: dict[str, np.ndarray] = {}
        for c, dtype in df.dtypes.items():
            want = pd.api.types.pandas_dtype(column_dtype(name, c))
            if dtype == want:
                continue
            if not pd.api.types.is_object_dtype(dtype) or not isinstance(want, pd.StringDtype):
                break
            values = df[c].to_numpy()
            missing = pd.isna(values)
            if missing.any():
                fixed[c] = np.where(missing, None, values)
        else:
            df = df.reset_index(drop=True)
            out[name] = df.assign(**fixed) if fixed else df
            continue
        out[name] = coerce(name, df)
    return out


Rater = Callable[[pd.DataFrame, Rubric], tuple[pd.DataFrame, pd.DataFrame, pd.Series]]


def _rated(table: pd.DataFrame, rubric: Rubric) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Weak links and stars over the district's community table (district-wide percentiles).

    Returns the table with weak and star columns, the star detail, and each row's star maximum.
    """
    table = pd.concat([table, weak_columns(table, rubric)], axis=1)
    detail = community_stars(table, rubric)
    table["stars"] = earned_counts(detail, "community_id", pd.Index(table["id"])).to_numpy()
    for i in range(1, 6):
        got = detail[(detail["star"] == i) & detail["earned"]]["community_id"]
        table[f"star_{i}"] = table["id"].isin(got)
    max_stars = table["kind"].map(lambda k: len(rubric.for_kind(k).stars)).astype(int)
    return table, detail, max_stars


def score(
    measured: Measured, rubric: Rubric | str | None = None, *, rate: Rater | None = None
) -> Analysis:
    """The district-wide half of ``analyze``, from a measured table alone (no graph).

    Weak flags (district quartiles), stars, the streets' 五好 and the district's 红旗
    roll-ups, and the suggestions (min-cost flow of open matters to spare resources,
    partners for weak communities). ``measured`` must cover the whole district (a full
    ``measure``, a ``combine`` of its parts, or a cached one ``update``d), since the
    quartiles and the flow read every community. Cheap: re-score freely, e.g. with
    another rubric whose ``[settings]`` are the same. ``rate`` stands in for ``_rated``
    (a what-if scenario re-rates only the rows it changed).
    """
    rubric = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
    m = measured
    table = m.communities.sort_values("id", kind="stable").reset_index(drop=True)
    table, detail, max_stars = (rate or _rated)(table, rubric)
    streets, goods, district, flag = rollups(table, m.places, rubric, max_stars)
    flows = resource_suggestions(m.open_matters, m.spare) if m.flows is None else m.flows
    suggestions = pd.concat(
        [
            flows.astype(object),
            partner_suggestions(m.units, table, m.co_builders, rubric).astype(object),
        ],
        ignore_index=True,
    ).reindex(columns=SUGGESTION_COLUMNS)
    order = [*ID_ORDER, *COMMUNITY_METRICS, "stars"] + [f"star_{i}" for i in range(1, 6)]
    return Analysis(
        m.year,
        table[order],
        streets,
        district,
        suggestions,
        detail,
        goods,
        flag,
        m.evidence,
        rubric,
    )


def analyze(
    network: Network,
    year: int | None = None,
    rubric: Rubric | str | None = None,
    *,
    parallel: bool | None = None,
    baseline: bool = False,
) -> Analysis:
    """Every docs/metrics.md metric per community and village as of ``year`` (default: latest).

    ``measure`` then ``score``. ``rubric`` is a loaded Rubric, a TOML path, or None for
    the shipped example rubric. ``parallel`` forces the process pool on or off (default:
    on for big ledgers; a district's graph metrics run in one forked process beside the
    evidence, and nothing forks where ``parallel=False``). ``baseline`` runs the graph
    metrics on views of one whole graph (benchmarks, tests).
    """
    rubric = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
    return score(measure(network, year, rubric, parallel=parallel, baseline=baseline), rubric)


def analyze_years(
    network: Network, rubric: Rubric | str | None = None, *, parallel: bool | None = None
) -> dict[int, Analysis]:
    """The same tables for every year in the ledger."""
    rubric = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
    return {y: analyze(network, y, rubric, parallel=parallel) for y in network.years}


def changes(analyses: dict[int, Analysis]) -> dict[str, pd.DataFrame]:
    """Change of every numeric metric between consecutive analyzed years, per level."""
    numeric = [m for m in COMMUNITY_METRICS if METRICS[m].format not in ("bool", "list", "text")]
    return {
        "communities": year_changes(
            {y: a.communities for y, a in analyses.items()}, [*numeric, "stars"]
        ),
        "streets": year_changes({y: a.streets for y, a in analyses.items()}, list(STREET_METRICS)),
        "district": year_changes(
            {y: a.district for y, a in analyses.items()}, list(DISTRICT_METRICS)
        ),
    }
