"""govnet whatif: test a change to the ledger before making it (before, after, what changed)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from govnet.cli.analyze import _fail, _fmt, _load
from govnet.cli.cli import app
from graph.analysis.metrics import zh
from graph.analysis.model import json_text, records

if TYPE_CHECKING:  # the engine loads when the command runs, not when the CLI starts
    from graph.analysis.whatif import WhatIf


class Format(StrEnum):
    table = "table"
    json = "json"


def _print(w: WhatIf) -> None:
    console = Console()
    if w.links:
        console.print(
            f"新增关系 links added ({len(w.links)}): " + "; ".join(" ".join(x) for x in w.links)
        )
    for table, ids in w.removed.items():
        console.print(f"移除 removed {table}: {', '.join(ids)}")
    console.print(f"重新计算 re-measured: {', '.join(w.recomputed) or '—'}")
    if w.changes.empty:
        console.print("没有指标变化 no metric changes")
        return
    t = Table(title=f"变化 changes · {w.after.year}")
    for col in ("编号 id", "名称 name", "指标 metric", "之前 before", "之后 after"):
        t.add_column(col, overflow="fold")
    for r in w.changes.to_dict("records"):
        t.add_row(
            r["community_id"], str(r["name"]), zh(r["metric"]), _fmt(r["before"]), _fmt(r["after"])
        )
    console.print(t)


def _print_key_actors(cid: str, df) -> None:
    t = Table(title=f"关键主体 key actors of {cid}: what if each one left")
    for col in ("编号 id", "名称 name", "引领度 reach", "覆盖指数 coverage", "薄弱分 weak score"):
        t.add_column(col, overflow="fold")
    for r in df.head(15).to_dict("records"):
        t.add_row(
            r["id"],
            str(r["name"]),
            f"{_fmt(r['reach'])} → {_fmt(r['reach_after'])}",
            f"{_fmt(r['coverage_index'])} → {_fmt(r['coverage_index_after'])}",
            f"{r['weak_score']} → {r['weak_score_after']}",
        )
    Console().print(t)


@app.command("whatif")
def whatif_command(
    ledger: Annotated[
        Path | None, typer.Argument(help="台账 ledger: .xlsx, a folder of CSV or a .zip of CSV")
    ] = None,
    year: Annotated[int | None, typer.Option("--year", "-y", help="analysis year")] = None,
    rubric: Annotated[
        list[Path] | None, typer.Option("--rubric", "-r", help="rubric TOML (repeatable)")
    ] = None,
    add_link: Annotated[
        list[str] | None,
        typer.Option("--add-link", help='a link to add: "SOURCE TYPE TARGET" (repeatable)'),
    ] = None,
    remove_link: Annotated[
        list[str] | None,
        typer.Option("--remove-link", help='a link to remove: "SOURCE TYPE TARGET" (repeatable)'),
    ] = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help="a node id to remove (repeatable)")
    ] = None,
    apply_suggestions: Annotated[
        list[str] | None,
        typer.Option(
            "--apply-suggestions", help="apply a community's suggested links (repeatable)"
        ),
    ] = None,
    key: Annotated[
        list[str] | None,
        typer.Option(
            "--key-actors",
            help="also rank a community's key actors in the ledger as it is (repeatable)",
        ),
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table or json")] = Format.table,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="output file (json)")] = None,
    db: Annotated[str | None, typer.Option("--db", help="read from a graph database URI")] = None,
    graph: Annotated[str | None, typer.Option("--graph", help="graph name in the database")] = None,
) -> None:
    """假设分析 What if: the analysis before and after added/removed links and nodes."""
    from graph.analysis.whatif import what_if

    network = _load(ledger, db, graph)
    try:
        w = what_if(
            network,
            year,
            rubric or None,
            add_links=add_link or (),
            remove_links=remove_link or (),
            remove_nodes=remove or (),
            apply_suggestions=apply_suggestions or (),
        )
    except ValueError as e:  # ScenarioError and RubricError included
        _fail(str(e), 2)
    ranked = {}
    if key:
        from graph.analysis.key_actors import key_actors

        assert w.baseline is not None
        unknown = [c for c in key if c not in set(w.before.communities["id"])]
        if unknown:
            _fail(f"no community or village {', '.join(unknown)} in the ledger", 2)
        ranked = {c: key_actors(w.baseline, c) for c in key}
    if fmt is Format.json:
        data = w.to_json()
        if ranked:
            data["key_actors"] = {c: records(df) for c, df in ranked.items()}
        text = json_text(data)
        if out:
            out.write_text(text, encoding="utf-8")
            Console(stderr=True).print(f"wrote {out}")
        else:
            typer.echo(text)
    else:
        _print(w)
        for c, df in ranked.items():
            _print_key_actors(c, df)
