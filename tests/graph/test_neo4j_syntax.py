"""Every Cypher statement govnet can send to Neo4j, checked by Neo4j's own front end.

No Neo4j server runs here, so the statements go through ``@neo4j-cypher/language-support``
(``tests/cypher_lint``; ``npm ci`` there first, as ``.ci/run`` does): Neo4j's parser and
semantic analysis, with the schema's labels, relationship types and property keys and Neo4j
5's functions. Each statement is linted twice, in ONE node process: as sent, with its
parameters declared (an undeclared ``$x`` fails), and with the parameter values written in
as literals, so a value of the wrong type for where it is used fails as well.

The statements come from ``collect()``: loads (every label, kind label and relationship type
of the demo district, fresh and merging, sync deletes and relabels), the reads, the Neo4j
backend's DDL and clean-up, the query templates and the Cypher notebook. ``test_neo4j_syntax_
covers_every_cypher_string`` scans the code and the notebooks for Cypher text and fails for
any string none of the collected statements comes from.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import nbformat
import pytest

from graph.schema import CORE_KINDS, LABELS, PARTY_ORG_KINDS, REL_TYPES, TABLES
from graph.store import neo4j_backend, repository
from graph.store.backend import GOVNET_LABELS, META_LABEL
from graph.store.names import KIND_NAMES
from graph.store.templates import TEMPLATES
from tests.conftest import ROOT

LINT = ROOT / "tests" / "cypher_lint"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# Python sources that build Cypher. FalkorDB-only modules (falkor*.py: its DDL and bulk
# commands) never reach Neo4j and are checked by the FalkorDB tests instead.
SOURCES = [
    p
    for folder in ("graph", "govnet", "loaders")
    for p in sorted((ROOT / folder).rglob("*.py"))
    if not p.name.startswith("falkor")
]
# Values the notebooks pass to their literal queries (the notebook cell says which).
NOTEBOOK_PARAMS: dict[str, Any] = {
    "main": list(LABELS),
    "units": ["community", "village"],
    "core_kinds": list(CORE_KINDS),
    "party": list(PARTY_ORG_KINDS),
    "end": "2024-12-31",
    "top": 10,
}
CYPHER = re.compile(
    r"\b(?:MATCH\s*[(\w]|OPTIONAL MATCH|MERGE\s*\(|UNWIND\s|CREATE\s*[(A-Z]|RETURN\s+\S)"
)
PARAM = re.compile(r"\$([A-Za-z_]\w*)")

Statement = tuple[str, str, dict[str, Any]]  # where it comes from, Cypher, parameters


def _sample(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters as the linter needs them: a batch's rows cut to two."""
    return {k: v[:2] if k == "rows" and isinstance(v, list) else v for k, v in params.items()}


def load_statements(network) -> list[Statement]:
    """Every statement of a load of ``network``: fresh, merging, and syncing a stored graph
    that has a node too many per label, a kind changed per label and a link too many per
    relationship type."""
    g = network.graph
    out: list[Statement] = []
    start, finish = repository.marker_statements(g)
    out += [("load marker", *start), ("load marker", *finish)]
    for fresh in (True, False):
        out += [("load nodes", c, p) for c, p in repository.node_statements(g, fresh=fresh)]
        out += [("load edges", c, p) for c, p in repository.edge_statements(g, fresh=fresh)]
    stored: dict[str, tuple[str, str | None]] = {}
    for label in LABELS:
        nid, attrs = next((n, a) for n, a in g.nodes(data=True) if a["label"] == label)
        other = next(a["kind"] for _, a in g.nodes(data=True) if a["label"] == label)
        kinds = sorted({a["kind"] for _, a in g.nodes(data=True) if a["label"] == label})
        other = next((k for k in kinds if k != attrs["kind"]), other)
        stored[nid] = (label, other)
        stored[f"gone-{label}"] = (label, attrs["kind"])
    edges = set()
    for type_ in REL_TYPES:
        u, v, _key = next((u, v, k) for u, v, k, d in g.edges(keys=True, data=True)
                          if d["type"] == type_)  # fmt: skip
        stored.setdefault(u, (g.nodes[u]["label"], g.nodes[u]["kind"]))
        stored.setdefault(v, (g.nodes[v]["label"], g.nodes[v]["kind"]))
        edges.add((u, v, type_, "stale-key"))
    out += [("load sync", c, p) for c, p in repository.sync_statements(g, stored, edges)]
    return out


def read_statements() -> list[Statement]:
    out: list[Statement] = [("status", repository.STATUS_QUERY, {"id": "load"})]
    out += [("stored", repository.stored_nodes_query(label), {}) for label in LABELS]
    out += [("stored", repository.stored_edges_query(t), {}) for t in REL_TYPES]
    out += [("read", cypher, {}) for cypher, _types in repository.read_queries()]
    return out


def neo4j_statements() -> list[Statement]:
    out: list[Statement] = [
        ("neo4j ddl", neo4j_backend.constraint_statement(label), {}) for label in GOVNET_LABELS
    ]
    out += [
        ("neo4j replace", neo4j_backend.delete_statement(GOVNET_LABELS), {}),
        ("neo4j exists", neo4j_backend.exists_statement(), {}),
    ]
    return out


def template_statements(network) -> list[Statement]:
    return [(f"template {k}", t.cypher, t.bind(network=network)) for k, t in TEMPLATES.items()]


def _is_docstring(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    parent = parents.get(node)
    if not isinstance(parent, ast.Expr):
        return False
    holder = parents.get(parent)
    body = getattr(holder, "body", None)
    return isinstance(holder, ast.Module | ast.ClassDef | ast.FunctionDef) and body[0] is parent


def cypher_strings(source: str) -> list[tuple[str, re.Pattern[str]]]:
    """Cypher-looking string literals of Python source (docstrings aside), each with a
    pattern that matches the text it becomes (f-string fields match anything)."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = [
                re.escape(v.value) if isinstance(v, ast.Constant) else ".*?" for v in node.values
            ]
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if isinstance(parents.get(node), ast.JoinedStr) or _is_docstring(node, parents):
                continue
            parts, text = [re.escape(node.value)], node.value
        else:
            continue
        if CYPHER.search(text):
            found.append((text, re.compile("".join(parts), re.DOTALL)))
    return found


def notebook_sources() -> list[tuple[Path, str]]:
    """Code cells as Python (IPython's own transformer turns magics into calls)."""
    from IPython.core.inputtransformer2 import TransformerManager

    python = TransformerManager().transform_cell
    return [
        (path, python(cell.source))
        for path in NOTEBOOKS
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "code"
    ]


def notebook_statements() -> list[Statement]:
    """The notebooks' literal Cypher, with the values the notebook passes."""
    out: list[Statement] = []
    for path, source in notebook_sources():
        for text, _pattern in cypher_strings(source):
            names = set(PARAM.findall(text))
            params = {k: v for k, v in NOTEBOOK_PARAMS.items() if k in names}
            out.append((f"notebook {path.name}", text, params))
    return out


def collect(network) -> list[Statement]:
    """Every statement govnet sends to Neo4j, one per distinct text."""
    every = [
        *load_statements(network),
        *read_statements(),
        *neo4j_statements(),
        *template_statements(network),
        *notebook_statements(),
    ]
    unique: dict[str, Statement] = {}
    for where, cypher, params in every:
        unique.setdefault(cypher, (where, cypher, _sample(params)))
    return list(unique.values())


NAMES = re.compile(r"(?<=:)([A-Za-z_]\w*)")


def shape(cypher: str) -> str:
    """A statement with its schema labels and relationship types blanked: statements that
    differ only there (one load batch per label and kind) parse and type-check alike."""
    known = {*LABELS, *KIND_NAMES, META_LABEL, *REL_TYPES}
    return NAMES.sub(lambda m: "_" if m[1] in known else m[1], cypher)


def representatives(statements: list[Statement]) -> list[Statement]:
    """One statement per shape (the first): what Neo4j's front end is given, since it takes
    a fraction of a second per statement; the names blanked are checked separately."""
    unique: dict[str, Statement] = {}
    for statement in statements:
        unique.setdefault(shape(statement[1]), statement)
    return list(unique.values())


def literal(value: Any) -> str:
    """A parameter value written as a Cypher literal."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"`{k}`: {literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no Cypher literal for {type(value).__name__}")


def inline(cypher: str, params: dict[str, Any]) -> str:
    """The statement with each declared ``$name`` replaced by its value as a literal."""
    return PARAM.sub(lambda m: literal(params[m[1]]) if m[1] in params else m[0], cypher)


def schema() -> dict[str, list[str]]:
    keys = {c.key for t in TABLES.values() for c in t.columns}
    keys |= {"kind", "conditions", "key", "complete", "started_at", "finished_at", "load_id"}
    keys |= {"nodes", "relationships"}
    return {
        "labels": sorted({*LABELS, *KIND_NAMES, META_LABEL}),
        "relationshipTypes": sorted(REL_TYPES),
        "propertyKeys": sorted(keys),
    }


@cache
def _node_ready() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed (Debian: apt-get install nodejs npm)")
    if not (LINT / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        pytest.fail(f"run `npm ci` in {LINT} first (./dev test does)")
    return node


def lint(statements: list[tuple[str, str, dict[str, Any]]]) -> dict[str, list[dict]]:
    """Diagnostics per statement id from one node process."""
    payload = {
        "schema": schema(),
        "statements": [{"id": i, "cypher": c, "parameters": p} for i, c, p in statements],
    }
    done = subprocess.run(
        [_node_ready(), str(LINT / "lint.cjs")],
        input=json.dumps(payload, ensure_ascii=False),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return {r["id"]: r["diagnostics"] for r in json.loads(done.stdout)}


@pytest.fixture(scope="module")
def statements(demo_net) -> list[Statement]:
    return collect(demo_net)


@pytest.fixture(scope="module")
def linted(statements) -> list[Statement]:
    return representatives(statements)


@pytest.fixture(scope="module")
def verdicts(linted) -> dict[str, list[dict]]:
    batch = []
    for n, (_where, cypher, params) in enumerate(linted):
        batch.append((f"{n}:declared", cypher, params))
        batch.append((f"{n}:inlined", inline(cypher, params), {}))
    return lint(batch)


def test_neo4j_syntax_every_statement_passes(linted, verdicts) -> None:
    failures = []
    for n, (where, cypher, _params) in enumerate(linted):
        for how in ("declared", "inlined"):
            for d in verdicts[f"{n}:{how}"]:
                failures.append(
                    f"{where} ({how}) {d['line']}:{d['column']} {d['message']}\n{cypher}"
                )
    assert not failures, "\n\n".join(failures[:20])


def test_neo4j_syntax_names_are_the_schemas(statements) -> None:
    """What ``shape`` blanks: every label and relationship type a statement names is one of
    the schema's, and every one of them is in some statement."""
    known = {*LABELS, *KIND_NAMES, META_LABEL, *REL_TYPES}
    pattern = re.compile(r"[(\[]\w*((?::\w+)+)|\bn((?::\w+)+)|:(\w+)\|")
    for _where, cypher, _params in statements:
        for m in pattern.finditer(cypher):
            names = "".join(g for g in m.groups() if g).strip(":").split(":")
            assert set(names) <= known, (names, cypher)
    text = "\n".join(c for _, c, _ in statements)
    for label in (*LABELS, *KIND_NAMES):
        assert re.search(rf":{label}\b", text), label
    for type_ in REL_TYPES:
        assert re.search(rf"\[r:{type_}\b", text), type_
    for phrase in ("DETACH DELETE", "REMOVE n:", "SET n:", "DELETE r", "CREATE CONSTRAINT"):
        assert phrase in text, phrase


def test_neo4j_syntax_covers_every_cypher_string(statements) -> None:
    """Each Cypher literal in the code and notebooks becomes a collected statement."""
    texts = [c for _, c, _ in statements]
    sources = [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in SOURCES]
    sources += [(str(p.relative_to(ROOT)), s) for p, s in notebook_sources()]
    seen, missing = 0, []
    for name, source in sources:
        for text, pattern in cypher_strings(source):
            seen += 1
            if not any(pattern.search(t) for t in texts):
                missing.append(f"{name}: {text[:160]!r}")
    assert seen >= 20, "the scan found too little Cypher to be looking in the right places"
    assert not missing, "Cypher not checked by test_neo4j_syntax:\n" + "\n".join(missing)


def test_neo4j_syntax_catches_what_it_should() -> None:
    """The checker itself: a typo, an undefined variable, an undeclared parameter, a value
    of the wrong type and an unknown function each fail; a correct statement passes."""
    cases = [
        ("ok", "MATCH (n:Place) WHERE n.kind IN $k RETURN n.id LIMIT $top", {"k": ["x"], "top": 3}),
        ("typo", "MATCH (n:Place) RETRUN n", {}),
        ("variable", "MATCH (n:Place) RETURN m.id", {}),
        ("param", "MATCH (n:Place) WHERE n.id = $id RETURN n", {}),
        ("type", inline("MATCH (n:Place) RETURN n LIMIT $top", {"top": "ten"}), {}),
        ("function", "MATCH (n:Place) RETURN substr(n.name, 0, 2)", {}),
    ]
    found = lint(cases)
    assert found["ok"] == []
    for name in ("typo", "variable", "param", "type", "function"):
        assert any(d["severity"] == "error" for d in found[name]), (name, found[name])
