"""CSV files for ``neo4j-admin database import full``: the fastest way to seed a big Neo4j.

One header file and one data file per node group (main label + kind label) and per
relationship type, typed headers (``:ID``, ``:LABEL``, ``:long``, ``:double``,
``:boolean``), plus ``import.sh`` holding the exact command. Values come from the same
MultiDiGraph the repository writes, so an imported database reads back as the same network.
"""

from __future__ import annotations

import csv
import shlex
from collections import defaultdict
from pathlib import Path

import networkx as nx

from graph.network import second_label
from graph.store.backend import META_ID, META_LABEL


def _type(values: list[object]) -> str:
    """The neo4j-admin header type of a column from its values."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return ":boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return ":long"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return ":double"
    return ""


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _write_group(folder: Path, stem: str, fixed: list[str], rows: list[dict]) -> list[str]:
    """Write ``stem_header.csv`` and ``stem.csv``; return both file names."""
    keys = sorted({k for r in rows for k in r} - set(fixed))
    header = fixed + [f"{k}{_type([r.get(k) for r in rows])}" for k in keys]
    names = [f"{stem}_header.csv", f"{stem}.csv"]
    with open(folder / names[0], "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerow(header)
    with open(folder / names[1], "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        for r in rows:
            w.writerow([_cell(r.get(k)) for k in fixed] + [_cell(r.get(k)) for k in keys])
    return names


def write_import_files(g: nx.MultiDiGraph, folder: str | Path, database: str = "neo4j") -> str:
    """Write the import files for graph ``g`` into ``folder``; return the import command."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    nodes: dict[str, list[dict]] = defaultdict(list)
    for nid, attrs in g.nodes(data=True):
        label = attrs["label"]
        kind_label = second_label(label, attrs["kind"])
        labels = ";".join(x for x in (label, kind_label) if x)
        row = {k: v for k, v in attrs.items() if k != "label"}
        nodes[labels].append({"id:ID": nid, ":LABEL": labels, **row})
    meta = {
        "id:ID(meta)": META_ID,
        ":LABEL": META_LABEL,
        "complete": True,
        "nodes": g.number_of_nodes(),
        "relationships": g.number_of_edges(),
    }
    rels: dict[str, list[dict]] = defaultdict(list)
    for u, v, key, attrs in g.edges(keys=True, data=True):
        row = {k: val for k, val in attrs.items() if k != "type"}
        rels[attrs["type"]].append(
            {":START_ID": u, ":END_ID": v, ":TYPE": attrs["type"], "key": key, **row}
        )
    args = ["neo4j-admin", "database", "import", "full", "--multiline-fields=true"]
    for labels, rows in sorted(nodes.items()):
        files = _write_group(folder, "nodes_" + labels.replace(";", "_"), ["id:ID", ":LABEL"], rows)
        args.append("--nodes=" + ",".join(files))
    files = _write_group(folder, "nodes_" + META_LABEL, ["id:ID(meta)", ":LABEL"], [meta])
    args.append("--nodes=" + ",".join(files))
    for type_, rows in sorted(rels.items()):
        files = _write_group(folder, "rels_" + type_, [":START_ID", ":END_ID", ":TYPE"], rows)
        args.append("--relationships=" + ",".join(files))
    args.append(database)
    command = shlex.join(args)
    (folder / "import.sh").write_text(
        "#!/bin/sh\n# Run from this folder with the Neo4j server stopped.\n"
        "# The load marker node has its own id group so it cannot collide with a ledger id.\n"
        "# Create the id constraints afterwards with any `govnet load` or by hand.\n"
        f'cd "$(dirname "$0")" && {command}\n',
        encoding="utf-8",
    )
    return command
