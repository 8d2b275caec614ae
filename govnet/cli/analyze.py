"""govnet analyze: every metric per community and village, as a table, JSON or an xlsx report."""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer

from govnet.cli.cli import app

if TYPE_CHECKING:  # imported where used: the CLI starts without the engine, openpyxl, pyarrow,
    # and a JSON or xlsx report is written without rich
    from graph.analysis import Analysis
    from graph.analysis.rubric import Rubric
    from graph.forked import Pending
    from graph.network import Network
    from loaders.errors import LedgerInvalid


class Format(StrEnum):
    table = "table"
    json = "json"
    xlsx = "xlsx"


class Engine(StrEnum):
    local = "local"
    dask = "dask"


SHOWN = ["stars", "coverage_index", "reach", "actor_kinds", "co_building_units"]
SHOWN += ["volunteers_per_1000", "closure_rate", "sla_rate", "backlog", "weak_score"]


def _fail(message: str, code: int = 1) -> None:
    from rich.console import Console

    Console(stderr=True).print(f"[red]{message}[/red]")
    raise typer.Exit(code)


def invalid_ledger(e: LedgerInvalid) -> str:
    """The first 20 problems of an invalid ledger, one per line, and how many more."""
    lines = [str(i) for i in e.errors[:20]]
    more = f"\n… and {len(e.errors) - 20} more" if len(e.errors) > 20 else ""
    return f"台账有误 invalid ledger ({len(e.errors)} errors):\n" + "\n".join(lines) + more


def _load(
    ledger: Path | None,
    db: str | None,
    graph: str | None,
    *,
    personal: bool = True,
    ahead: Pending[Network] | None = None,
) -> Network:
    """The network from a ledger file or from a graph database, with readable errors.

    ``personal=False``: a ledger's people without their (pseudonymized) personal columns,
    for a command that only analyzes (``read_ledger``). ``ahead``: that ledger being read
    already (``_read_ahead``); its errors are raised here, as a read's."""
    if db:
        from graph.store import StoreError, open_store

        try:
            with open_store(db, graph) as store:
                if not store.backend.exists():
                    _fail(
                        f"数据库中没有该图 nothing stored at {store.cfg.safe_uri} "
                        "(run govnet load first)"
                    )
                return store.read()
        except StoreError as e:
            _fail(f"数据库读取失败 cannot read the database: {e}")
    if ledger is None:
        _fail("give a LEDGER (xlsx, CSV folder or zip) or --db URI", 2)
    from loaders.errors import LedgerInvalid
    from loaders.ledger import read_ledger

    try:
        return ahead.result() if ahead else read_ledger(ledger, personal=personal)
    except LedgerInvalid as e:
        _fail(invalid_ledger(e))
    except (FileNotFoundError, OSError) as e:
        _fail(f"cannot read {ledger}: {e}")
    raise AssertionError("unreachable")


def _read_ahead(ledger: Path) -> Pending[Network] | None:
    """The ledger read for an analysis in a forked process on an idle core, while this one
    imports the engine and its libraries (``preload``); None on a busy machine or where
    forking is unsafe (then ``_load`` reads it here)."""
    from graph.forked import beside, can_fork, spare_core

    if not (can_fork() and spare_core()):
        return None
    from loaders.ledger import read_ledger

    return beside(partial(read_ledger, ledger, personal=False))


def is_dataset(path: Path | None) -> bool:
    """Whether ``path`` is a Parquet dataset written by ``govnet convert``."""
    from loaders.parquet import MANIFEST

    return path is not None and (path / MANIFEST).is_file()


def analyze_partitioned(
    source: Path,
    year: int | None,
    rubric: Rubric | list[Path] | None,
    engine: Engine,
    scheduler: str | None,
    workers: int | None = None,
) -> Analysis:
    """Analyze a dataset (or a ledger converted on the fly) street by street, with progress.

    A ledger file is converted into a temporary dataset first: fine for the local engine
    and a LocalCluster; a remote cluster needs a dataset on a path its workers can read.
    """
    from graph.analysis.partitioned import analyze_dataset
    from graph.analysis.rubric import load_rubric
    from loaders.errors import LedgerInvalid
    from loaders.parquet import Dataset, convert_ledger

    if isinstance(rubric, list):
        rubric = load_rubric(rubric or None)
    with ExitStack() as stack:
        root = source
        if not is_dataset(source):
            if scheduler:
                raise typer.BadParameter(
                    "a remote Dask cluster reads a Parquet dataset: run `govnet convert "
                    f"{source} OUT` on a path every worker can read, then analyze OUT"
                )
            root = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "dataset"
            try:  # table by table, as govnet convert: bounded memory for a big ledger
                convert_ledger(source, root, progress=True)
            except LedgerInvalid as e:
                _fail(invalid_ledger(e))
        return analyze_dataset(
            Dataset(root),
            year,
            rubric,
            engine=engine.value,
            scheduler=scheduler,
            workers=workers,
            progress=True,
        )


def _analyze(ledger: Path | None, db: str | None, graph: str | None, year: int | None, rubric):
    from graph.analysis import analyze  # the engine: not imported for an analysis on disk

    return analyze(_load(ledger, db, graph, personal=False), year, rubric)


def analyze_whole(
    ledger: Path | None,
    db: str | None,
    graph: str | None,
    year: int | None,
    rubric: list[Path] | None,
    cache: bool,
) -> Analysis:
    """The analysis of a whole network, kept on disk with ``cache`` (``graph.analysis.persist``)
    so running it again on the same input skips the work.

    A ledger file is keyed by its bytes and the release (``govnet.app.disk.ledger_key``, as
    ``govnet app --ledger`` keys it: either warms the other's cache), the rubric and the
    year: a second run does not even read it. A database is read first and keyed by the
    network's content, as the app does."""
    if not cache:
        return _analyze(ledger, db, graph, year, rubric)
    from govnet import __version__
    from graph.analysis.persist import analysis_stored, persisted_analysis

    if db or ledger is None:
        return persisted_analysis(_load(ledger, db, graph), year, rubric, __version__)[0]
    from govnet.app.disk import ledger_key

    try:
        key = ledger_key(ledger)
    except (OSError, ValueError):  # a bad setting: read_ledger reports it the usual way
        return _analyze(ledger, db, graph, year, rubric)
    rules = None  # the shipped rubric: read by the engine, only on a miss
    if rubric:
        from graph.analysis.rubric import load_rubric

        rules = load_rubric(rubric)  # once, for both calls below
    ahead = None if analysis_stored(key, year, rules, __version__) else _read_ahead(ledger)

    def read() -> Network:  # only on a miss
        if ahead is not None:
            from graph.analysis.engine import preload

            preload()  # while the other core reads
        return _load(ledger, None, None, personal=False, ahead=ahead)

    try:
        return persisted_analysis(read, year, rules, __version__, ledger=key)[0]
    finally:
        if ahead is not None:
            ahead.cancel()  # nothing to do once taken


def _fmt(v: object) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return "—"
    if isinstance(v, float):
        return f"{v:.2f}"
    return str(v)


def undecided_stars(detail: pd.DataFrame) -> pd.Series:
    """Per community, the stars not earned only because a criterion's value is unknown."""
    failed = ~detail["met"].astype(bool) & ~detail["unknown"].astype(bool)
    rule = detail.assign(failed=failed).groupby(["community_id", "star"])
    per = rule.agg(earned=("earned", "first"), failed=("failed", "any"))
    return (~per["earned"] & ~per["failed"]).groupby(level=0).sum()


def _print_table(a: Analysis) -> None:
    from rich.console import Console
    from rich.table import Table

    from graph.analysis.metrics import zh

    console = Console()
    c = a.communities.sort_values(["weak", "weak_score", "id"], ascending=[False, False, True])
    t = Table(title=f"社区/村 communities and villages · {a.year} (weak first)")
    for col in ["id", "name", "core", *SHOWN, "reasons", "data_gaps"]:
        t.add_column(zh(col), overflow="fold")
    undecided = undecided_stars(a.star_detail)
    for row in c.to_dict("records"):
        style = "red" if row["weak"] else None
        reasons = "、".join("无核心" if r == "no_core" else zh(r) for r in row["reasons"])
        gaps = "、".join(zh(r) for r in row["data_gaps"])
        cells = {k: _fmt(row[k]) for k in ["id", "name", "core", *SHOWN]}
        if undecided.get(row["id"], 0):
            cells["stars"] += f" (+{undecided[row['id']]}?)"
        t.add_row(*cells.values(), reasons, gaps, style=style)
    console.print(t)
    if undecided.sum():
        console.print(
            "星级 (+n?): n 颗星因数据缺口未知, 不算未达标 — n stars unknown for a data gap "
            "(a criterion's value is missing), not failed"
        )
    s = Table(title="街道 streets · 五好")
    for col in ["id", "name", "communities", "weak_count", "mean_stars", "goods"]:
        s.add_column(zh(col))
    for row in a.streets.to_dict("records"):
        s.add_row(
            *(
                _fmt(row[k])
                for k in ["id", "name", "communities", "weak_count", "mean_stars", "goods"]
            )
        )
    console.print(s)
    for row in a.district.to_dict("records"):
        flag = (
            "[green]红旗 red flag earned[/green]" if row["red_flag"] else "红旗 red flag not earned"
        )
        console.print(
            f"{row['name']} ({row['id']}): {row['communities']} communities/villages, "
            f"{row['weak_count']} weak, full-star share {_fmt(row['full_star_share'])}; {flag}"
        )
    kinds = a.suggestions["kind"].value_counts()
    console.print(
        f"建议 suggestions: {kinds.get('resource', 0)} matter→resource links, "
        f"{kinds.get('co_building', 0)} co-building partners (--format json or xlsx lists them)"
    )


@app.command("analyze")
def analyze_command(
    ledger: Annotated[
        Path | None, typer.Argument(help="台账 ledger: .xlsx, a folder of CSV or a .zip of CSV")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", "-y", help="analysis year (default: latest)")
    ] = None,
    rubric: Annotated[
        list[Path] | None,
        typer.Option("--rubric", "-r", help="rubric TOML (community or village; repeatable)"),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", "-f", help="table, json or xlsx")
    ] = Format.table,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="output file (json, xlsx)")
    ] = None,
    db: Annotated[
        str | None, typer.Option("--db", help="read from a graph database URI instead")
    ] = None,
    graph: Annotated[str | None, typer.Option("--graph", help="graph name in the database")] = None,
    engine: Annotated[
        Engine | None,
        typer.Option(
            "--engine",
            help="local or dask: street by street (default for a dataset from govnet convert)",
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask scheduler address (default: a LocalCluster)"),
    ] = None,
    cache: Annotated[
        bool,
        typer.Option(
            "--cache/--no-cache",
            help="reuse an analysis kept on disk for the same ledger, year, rubric and release",
        ),
    ] = True,
) -> None:
    """分析 Analyze: core, six extensions, reach, resource links, structure, weak links, stars."""
    partitioned = engine is not None or scheduler is not None or is_dataset(ledger)
    if partitioned and ledger is None:
        _fail("--engine/--scheduler analyze a LEDGER or a dataset from govnet convert", 2)
    try:
        if partitioned:
            engine = engine or (Engine.dask if scheduler else Engine.local)
            a = analyze_partitioned(ledger, year, rubric, engine, scheduler)
        else:
            a = analyze_whole(ledger, db, graph, year, rubric or None, cache)
    except ValueError as e:  # RubricError included
        _fail(str(e), 2)
    if fmt is Format.json:
        from graph.analysis import json_text, to_json

        text = json_text(to_json(a))
        if out:
            from graph.files import replaced

            with replaced(out) as tmp:  # the whole file or none of it
                tmp.write_text(text, encoding="utf-8")
            typer.echo(f"wrote {out}", err=True)
        else:
            typer.echo(text)
    elif fmt is Format.xlsx:
        from graph.analysis import write_report

        path = write_report(a, out or Path(f"govnet-analysis-{a.year}.xlsx"))
        typer.echo(f"wrote {path}", err=True)
    else:
        _print_table(a)
