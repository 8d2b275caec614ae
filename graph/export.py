"""A network (or a part of it) as GraphML or GEXF for Gephi, Cytoscape and NetworkX users.

Only what a reader of the picture needs travels: node ``label`` (Place, Organization, …),
``kind`` and ``name`` (people's names are the pseudonyms made on import; matters give their
title), edge ``type`` plus ``weight``, ``since`` and ``until`` where the ledger has them.
Phone and id numbers never leave. Every value is a string or a number, because GraphML
and GEXF cannot hold None or lists. GEXF reserves an edge's ``type`` for its direction, so
there the link type is the edge's ``label`` (what Gephi shows on the edge).
"""

from __future__ import annotations

import io
from pathlib import Path

import networkx as nx

FORMATS = ("graphml", "gexf")
EDGE_EXTRAS = ("weight", "since", "until")


def exportable(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The graph with only the exported attributes, every value a str or a number."""
    out = nx.MultiDiGraph()
    for n, a in g.nodes(data=True):
        name = a.get("name") or a.get("title") or n
        out.add_node(
            str(n), label=str(a.get("label", "")), kind=str(a.get("kind", "")), name=str(name)
        )
    for u, v, k, a in g.edges(keys=True, data=True):
        attrs: dict[str, object] = {"type": str(a.get("type", ""))}
        for key in EDGE_EXTRAS:
            value = a.get(key)
            if value is not None and value == value:  # NaN is missing too
                attrs[key] = float(value) if key == "weight" else str(value)[:10]
        out.add_edge(str(u), str(v), key=str(k), **attrs)
    return out


def graph_format(path: Path | str) -> str:
    """``graphml`` or ``gexf`` from a file name; anything else is refused by name."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ValueError(f"{path}: the file name must end in .graphml or .gexf")
    return suffix


def graph_bytes(g: nx.MultiDiGraph, fmt: str) -> bytes:
    """The exported graph as the bytes of a .graphml or .gexf file (UTF-8 XML)."""
    buf = io.BytesIO()
    clean = exportable(g)
    if fmt == "graphml":
        nx.write_graphml(clean, buf, encoding="utf-8")
    elif fmt == "gexf":
        for _u, _v, d in clean.edges(data=True):
            d["label"] = d.pop("type")
        nx.write_gexf(clean, buf, encoding="utf-8")
    else:
        raise ValueError(f"unknown graph format {fmt!r} (one of {', '.join(FORMATS)})")
    return buf.getvalue()


def write_graph(g: nx.MultiDiGraph, path: Path | str) -> Path:
    """Write ``g`` to ``path`` in the format its suffix names; the whole file or nothing."""
    path = Path(path)
    data = graph_bytes(g, graph_format(path))
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path
