"""govnet profile: the 社区画像 PDF of one community, or of every weak one of a street/district."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from govnet.cli.analyze import _fail, _load
from govnet.cli.cli import app


@app.command("profile")
def profile_command(
    ledger: Annotated[
        Path | None, typer.Argument(help="台账 ledger: .xlsx, a folder of CSV or a .zip of CSV")
    ] = None,
    community: Annotated[
        str | None, typer.Argument(help="社区/村编号 community or village id")
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="the PDF to write")] = Path(
        "profile.pdf"
    ),
    street: Annotated[
        str | None, typer.Option("--street", help="every weak community of this street")
    ] = None,
    weak: Annotated[
        bool, typer.Option("--weak", help="every weak community of the district")
    ] = False,
    year: Annotated[int | None, typer.Option("--year", "-y", help="analysis year")] = None,
    rubric: Annotated[
        list[Path] | None, typer.Option("--rubric", "-r", help="rubric TOML (repeatable)")
    ] = None,
    key_actors: Annotated[
        bool,
        typer.Option("--key-actors/--no-key-actors", help="rank who would be missed most"),
    ] = True,
    font: Annotated[
        Path | None, typer.Option("--font", help="a Chinese .ttf/.ttc font to embed")
    ] = None,
    db: Annotated[str | None, typer.Option("--db", help="read from a graph database URI")] = None,
    graph: Annotated[str | None, typer.Option("--graph", help="graph name in the database")] = None,
) -> None:
    """社区画像 Community profile as a printable PDF (A4, Chinese font embedded)."""
    from govnet.profile import build_profile
    from govnet.profile_pdf import FontMissing, find_font, write_pdf
    from graph.analysis import analyze
    from graph.analysis.whatif import Baseline

    if sum(x is not None and x is not False for x in (community, street, weak or None)) != 1:
        _fail("give one of COMMUNITY_ID, --street ID or --weak", 2)
    try:
        find_font(font)  # before the analysis: a missing font is known at once
    except FontMissing as e:
        _fail(str(e), 2)
    network = _load(ledger, db, graph)
    console = Console(stderr=True)
    try:
        with console.status("分析中 analysing…"):
            base = Baseline(network, year, rubric or None)
            analyses = {
                y: base.before if y == base.year else analyze(network, y, base.rubric)
                for y in network.years
                if y <= base.year
            }
    except ValueError as e:  # RubricError included
        _fail(str(e), 2)
    c = base.before.communities
    if community is not None:
        if community not in set(c["id"]):
            _fail(f"no community or village {community!r} in the ledger", 2)
        ids = [community]
    else:
        chosen = c[c["weak"].astype(bool)]
        if street is not None:
            if street not in set(c["street_id"].dropna()):
                _fail(f"no street or town {street!r} with communities in the ledger", 2)
            chosen = chosen[chosen["street_id"] == street]
        ids = chosen.sort_values(["weak_score", "id"], ascending=[False, True])["id"].tolist()
        if not ids:
            _fail("没有薄弱社区 no weak community there: nothing to write", 1)
    profiles = []
    with console.status("画像 profiles…") as status:
        for i, cid in enumerate(ids, 1):
            status.update(f"画像 profile {i}/{len(ids)}: {cid}")
            profiles.append(build_profile(base, cid, analyses, with_key_actors=key_actors))
    path = write_pdf(profiles, out, font)
    console.print(f"wrote {path} ({len(profiles)} profile{'s' if len(profiles) > 1 else ''})")
