"""govnet db commands: ``load``, ``export``, ``query`` and ``db start``.

``query --ledger`` needs no database: it starts a temporary local FalkorDB for one query.

Every database error becomes one clear line on stderr and exit code 1; passwords come
from the environment or the config file and are never printed.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from govnet.cli.cli import app

db_app = typer.Typer(help="本地图数据库 local FalkorDB server.", no_args_is_help=True)
app.add_typer(db_app, name="db")

out = Console()
err = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", help="数据库 URI: falkor://host:port, bolt://…, neo4j+s://… (env GOVNET_DB_URI)"
    ),
]
GraphOption = Annotated[
    str | None,
    typer.Option("--graph", help="图名称 FalkorDB graph / Neo4j database (env GOVNET_DB_GRAPH)"),
]


def fail(message: str) -> typer.Exit:
    err.print(f"[red]错误 error:[/red] {message}", highlight=False, markup=True)
    return typer.Exit(1)


@contextmanager
def store_errors() -> Iterator[None]:
    from graph.store.errors import StoreError  # the store package loads NetworkX

    """Turn store failures into a message and exit code 1, never a stack trace."""
    try:
        yield
    except StoreError as exc:
        raise fail(str(exc)) from None


def _read_ledger(path: Path) -> Any:
    from loaders.errors import LedgerInvalid
    from loaders.ledger import read_ledger

    try:
        return read_ledger(path, progress=True)
    except LedgerInvalid as exc:
        err.print(
            f"[red]台账有误 invalid ledger[/red] {path}: {len(exc.errors)} error(s), nothing loaded"
        )
        for issue in exc.errors:
            err.print(f"  {issue}", highlight=False, markup=False)
        raise typer.Exit(1) from None


@app.command()
def load(
    ledger: Annotated[Path, typer.Argument(help="台账 ledger: .xlsx, CSV folder or .zip")],
    db: DbOption = None,
    graph: GraphOption = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="替换 build a new graph, swap it in once complete")
    ] = False,
    bulk: Annotated[
        bool | None,
        typer.Option(
            "--bulk/--no-bulk",
            help="批量 FalkorDB bulk insert for a new graph or --replace "
            "(default: when possible); --no-bulk: resumable batched statements",
        ),
    ] = None,
) -> None:
    """载入 Validate a ledger and load it into the graph database (idempotent)."""
    from graph.store import open_store

    if not ledger.exists():
        raise fail(f"no such ledger: {ledger}")
    network = _read_ledger(ledger)
    with store_errors(), open_store(db, graph) as store:
        summary = store.write(network, replace=replace, progress=True, bulk=bulk)
        where = store.cfg.safe_uri
    if summary.resumed:
        out.print("完成了上次中断的载入 completed an interrupted load")
    if summary.merged:
        out.print(
            "已合并到已有的图 merged into the existing graph (use --replace to drop old rows)"
        )
    out.print(
        f"已载入 loaded {summary.nodes} nodes and {summary.relationships} relationships "
        f"into {where}" + (" (replaced)" if summary.replaced else ""),
        highlight=False,
    )


@app.command()
def export(
    out_path: Annotated[
        Path | None, typer.Argument(metavar="OUT", help="ledger to write: .xlsx or a CSV folder")
    ] = None,
    db: DbOption = None,
    graph: GraphOption = None,
    neo4j_admin: Annotated[
        Path | None,
        typer.Option("--neo4j-admin", help="write CSV files for `neo4j-admin database import`"),
    ] = None,
    ledger: Annotated[
        Path | None,
        typer.Option("--ledger", help="take the network from this ledger instead of --db"),
    ] = None,
) -> None:
    """导出 Write the stored district back as a ledger, or as neo4j-admin import files."""
    if out_path is None and neo4j_admin is None:
        raise fail("give OUT (a .xlsx file or a folder) or --neo4j-admin DIR")
    if ledger is not None:
        network = _read_ledger(ledger)
    else:
        from graph.store import open_store

        with store_errors(), open_store(db, graph) as store:
            if not store.backend.exists():
                raise fail(f"nothing stored at {store.cfg.safe_uri}")
            network = store.read()
    if neo4j_admin is not None:
        from graph.store.neo4j_admin import write_import_files

        command = write_import_files(network.graph, neo4j_admin)
        out.print(f"已写出 wrote neo4j-admin import files to {neo4j_admin}; run:", highlight=False)
        out.print(command, highlight=False, markup=False, soft_wrap=True)
    if out_path is not None:
        from loaders.write import write_csv, write_xlsx

        if out_path.suffix.lower() == ".xlsx":
            write_xlsx(network.tables, out_path)
        else:
            write_csv(network.tables, out_path)
        out.print(
            f"已导出 exported {sum(network.counts().values())} rows to {out_path}", highlight=False
        )


def parse_param(text: str) -> tuple[str, Any]:
    """``k=v``: v read as JSON when it parses (numbers, true, "quoted", lists), else a string."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise fail(f"--param wants NAME=VALUE, got {text!r}")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return key.strip(), value


@contextmanager
def _store_for(ledger: Path | None, db: str | None, graph: str | None) -> Iterator[Any]:
    """The configured database, or with ``--ledger`` a private FalkorDB loaded with it."""
    if ledger is None:
        from graph.store import open_store

        with store_errors(), open_store(db, graph) as store:
            yield store
        return
    if db is not None:
        raise fail("give --ledger or --db, not both")
    if not ledger.exists():
        raise fail(f"no such ledger: {ledger}")
    network = _read_ledger(ledger)
    from graph.store.local import local_store

    with store_errors(), local_store(network) as store:
        yield store


@app.command()
def query(
    cypher: Annotated[
        str | None, typer.Argument(help="只读 Cypher 查询 a read-only Cypher query")
    ] = None,
    db: DbOption = None,
    graph: GraphOption = None,
    ledger: Annotated[
        Path | None,
        typer.Option(
            "--ledger", help="台账 query this ledger in a temporary local FalkorDB (no setup)"
        ),
    ] = None,
    template: Annotated[
        str | None,
        typer.Option("--template", help="研究问题 a ready question (--template list names them)"),
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", help="query parameter NAME=VALUE (repeatable)")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv")] = "table",
) -> None:
    """查询 Run a read-only Cypher query (or a ready question) on a database or a ledger."""
    from graph.store.results import flat, to_csv
    from graph.store.templates import TEMPLATES

    if fmt not in ("table", "json", "csv"):
        raise fail("--format is table, json or csv")
    if template == "list":
        for key, tpl in TEMPLATES.items():
            names = ", ".join(f"{p.name}={p.default!r}" for p in tpl.params)
            out.print(f"{key}: {tpl.zh} {tpl.en} ({names})", highlight=False, markup=False)
        return
    if (cypher is None) == (template is None):
        raise fail("give a CYPHER query or --template NAME (one of them)")
    if template is not None and template not in TEMPLATES:
        raise fail(f"no template {template!r}; --template list names them")
    params = dict(parse_param(p) for p in param or [])
    with _store_for(ledger, db, graph) as store, store_errors():
        if template is not None:
            frame = TEMPLATES[template].run(store, **params)
        else:
            frame = store.query(cypher, **params)
    if fmt == "csv":
        typer.echo(to_csv(frame), nl=False)
        return
    if fmt == "json":
        records = frame.to_dict(orient="records")
        typer.echo(json.dumps(records, ensure_ascii=False, default=str, indent=1))
        return
    table = Table(*[str(c) for c in frame.columns], show_lines=False)
    for row in flat(frame).itertuples(index=False):
        table.add_row(*["" if v is None else str(v) for v in row])
    out.print(table)
    out.print(f"{len(frame)} row(s)")


@db_app.command("start")
def db_start(
    port: Annotated[int | None, typer.Option("--port", help="port (default: a free one)")] = None,
    data: Annotated[
        Path | None, typer.Option("--data", help="data folder (default: temporary, not kept)")
    ] = None,
) -> None:
    """启动 Start a local FalkorDB server on 127.0.0.1 until Ctrl-C."""
    from graph.store.server import FalkorServer

    server = FalkorServer(port=port, data_dir=data)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    with store_errors():
        server.start()
    try:
        out.print(
            f"FalkorDB 已启动 running at {server.uri}  (Ctrl-C 停止 to stop)", highlight=False
        )
        if data is not None:
            out.print(f"data in {data}", highlight=False)
        out.print(f"export GOVNET_DB_URI={server.uri}", highlight=False)
        code = server.process.wait()
        raise fail(f"FalkorDB exited with code {code}: {server.log_tail()}")
    except KeyboardInterrupt:
        out.print("stopping FalkorDB…")
    finally:
        server.stop()
    out.print("已停止 stopped")
