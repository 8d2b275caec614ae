"""govnet ledger commands: validate and info (demo and template are added below)."""

from __future__ import annotations

import json
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from govnet.cli.cli import app
from graph.labels import kind_label, label
from graph.schema import TABLES
from loaders.errors import Issue
from loaders.ledger import validate_ledger


class Format(StrEnum):
    text = "text"
    json = "json"


LedgerArg = Annotated[
    Path, typer.Argument(help="台账 ledger: .xlsx, a folder of CSV or a .zip of CSV")
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="text or json")]


SHOWN = 500  # rows of a text table; --format json lists every issue


def _issue_table(title: str, issues: list[Issue], style: str) -> Table:
    caption = (
        f"… {len(issues) - SHOWN} more (--format json lists all)" if len(issues) > SHOWN else None
    )
    table = Table(title=title, title_style=style, caption=caption)
    for name in ("表 table", "行 row", "列 column", "值 value", "问题 problem"):
        table.add_column(name, overflow="fold")
    for i in issues[:SHOWN]:
        where = i.table or i.file or ""
        if i.sheet and i.sheet != i.table:
            where = f"{where} [{i.sheet}]"
        table.add_row(
            where,
            "" if i.row is None else str(i.row),
            i.column or "",
            "" if i.value is None else str(i.value),
            i.message,
        )
    return table


def _counts_table(counts: dict[str, int]) -> Table:
    table = Table(title="读取 read")
    table.add_column("表 table")
    table.add_column("行数 rows", justify="right")
    for key, spec in TABLES.items():
        table.add_row(f"{spec.zh} {key}", str(counts.get(key, 0)))
    return table


@app.command()
def validate(ledger: LedgerArg, format: FormatOpt = Format.text) -> None:
    """校验台账 Check a ledger and list every error; exit code 1 when there is any."""
    report = validate_ledger(ledger, progress=format is Format.text)
    if format is Format.json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        console = Console()
        if report.errors:
            console.print(
                _issue_table(f"{len(report.errors)} 个错误 errors", report.errors, "bold red")
            )
        else:
            console.print("[bold green]台账有效 the ledger is valid[/]")
            console.print(_counts_table(report.counts))
        if report.warnings:
            console.print(
                _issue_table(f"{len(report.warnings)} 个提示 warnings", report.warnings, "yellow")
            )
    if report.errors:
        raise typer.Exit(1)


@app.command()
def info(ledger: LedgerArg, format: FormatOpt = Format.text) -> None:
    """台账概况 Count the nodes by label and kind and the edges by type of a ledger's graph."""
    report = validate_ledger(ledger, progress=format is Format.text)
    if report.network is None:
        if format is Format.json:
            typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        else:
            Console().print(
                _issue_table(f"{len(report.errors)} 个错误 errors", report.errors, "bold red")
            )
        raise typer.Exit(1)
    g = report.network.graph
    nodes = Counter((a["label"], a["kind"]) for _, a in g.nodes(data=True))
    edges = Counter(t for _, _, t in g.edges(data="type"))
    if format is Format.json:
        out = {
            "nodes": [
                {"label": lab, "kind": k, "count": n} for (lab, k), n in sorted(nodes.items())
            ],
            "edges": [{"type": t, "count": n} for t, n in sorted(edges.items())],
            "years": report.network.years,
            "warnings": len(report.warnings),
        }
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    console = Console()
    nt = Table(title=f"节点 nodes ({g.number_of_nodes()})")
    for name in ("标签 label", "类型 kind"):
        nt.add_column(name)
    nt.add_column("数量 count", justify="right")
    for (lab, k), n in sorted(nodes.items()):
        nt.add_row(lab, f"{kind_label(lab, k)} {k}", str(n))
    et = Table(title=f"关系 edges ({g.number_of_edges()})")
    et.add_column("类型 type")
    et.add_column("数量 count", justify="right")
    for t, n in sorted(edges.items()):
        et.add_row(f"{label('rel_type', t)} {t}", str(n))
    console.print(nt)
    console.print(et)
    years = ", ".join(map(str, report.network.years)) or "-"
    console.print(f"年度 years: {years}; 提示 warnings: {len(report.warnings)}")


# --- demo and template (helper "demo") ------------------------------------------------------


class Scale(StrEnum):
    district = "district"
    city = "city"
    province = "province"


@app.command()
def demo(
    out: Annotated[Path, typer.Argument(help="输出文件夹 output folder")],
    seed: Annotated[int, typer.Option(help="随机种子 random seed: same seed, same files")] = 7,
    scale: Annotated[
        Scale, typer.Option(help="规模 district (~50k people), city (10×), province (100×)")
    ] = Scale.district,
) -> None:
    """生成演示台账 Write a demo ledger of a 二七区-like district: ledger.xlsx and csv/."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from loaders.demo import write_demo

    console = Console()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("生成 generating", total=None)

        def step(what: str, done: int, total: int) -> None:
            bar.update(task, description=what, completed=done, total=total)

        written = write_demo(out, scale=scale.value, seed=seed, progress=step)
    summary = Table(title=f"演示台账 demo ledger: {scale.value}, seed {seed}")
    summary.add_column("表 table")
    summary.add_column("行数 rows", justify="right")
    for key, spec in TABLES.items():
        summary.add_row(f"{spec.zh} {key}", f"{written.counts[key]:,}")
    console.print(summary)
    if written.xlsx:
        console.print(f"工作簿 workbook: {written.xlsx}")
    if written.csv:
        console.print(f"CSV 文件夹 folder: {written.csv}")
    if written.note:
        console.print(f"[yellow]{written.note}[/]")


@app.command()
def template(
    out: Annotated[Path, typer.Argument(help="输出 .xlsx 文件 output workbook")],
) -> None:
    """台账模板 Write an empty ledger workbook with drop-down lists and a 说明 help sheet."""
    from loaders.template import write_template

    if out.suffix.lower() != ".xlsx":
        Console().print(f"[red]模板须为 .xlsx the template must be an .xlsx file: {out}[/]")
        raise typer.Exit(2)
    path = write_template(out)
    Console().print(f"模板 template: {path} ({len(TABLES)} 张表 sheets + 说明)")
