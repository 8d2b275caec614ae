"""govnet export-graph: a ledger's network (or one community's scope, as of a year) as
GraphML or GEXF for Gephi, Cytoscape and NetworkX."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from govnet.cli.analyze import _fail, _load
from govnet.cli.cli import app


@app.command("export-graph")
def export_graph_command(
    ledger: Annotated[Path, typer.Argument(help="台账 ledger: .xlsx, a folder of CSV or a .zip")],
    out: Annotated[Path, typer.Argument(help="output file: OUT.graphml or OUT.gexf")],
    community: Annotated[
        str | None,
        typer.Option("--community", "-c", help="only this place's scope (a community id)"),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", "-y", help="links active and matters submitted in this year"),
    ] = None,
) -> None:
    """导出网络 Write the network as GraphML or GEXF (node label, kind, name; edge type).

    People's names are the pseudonyms made on import; phone and id numbers are never
    written. In GEXF the link type is the edge label (GEXF keeps ``type`` for direction).
    """
    from graph.export import graph_format, write_graph  # NetworkX: only for this command
    from graph.subgraph import as_of

    try:
        graph_format(out)
    except ValueError as e:
        _fail(str(e), 2)
    network = _load(ledger, None, None)
    g = network.graph
    if community is not None and community not in g:
        _fail(f"台账中没有该地点 no place {community!r} in {ledger}", 2)
    if year is not None and network.years and year not in network.years:
        years = ", ".join(map(str, network.years))
        _fail(f"台账中没有该年度 no year {year} in {ledger} (years: {years})", 2)
    sub = as_of(g, community, year)
    try:
        write_graph(sub, out)
    except OSError as e:
        _fail(f"cannot write {out}: {e}")
    Console(stderr=True).print(
        f"{out}: {sub.number_of_nodes():,} nodes, {sub.number_of_edges():,} edges"
    )
