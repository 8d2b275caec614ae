"""A client-side guard for read-only queries, so a write is refused before it is sent.

The servers enforce read-only access too (FalkorDB ``GRAPH.RO_QUERY``, Neo4j read
sessions); this check only makes the refusal immediate and the message the same on both.
It strips string literals, comments and backtick-quoted names first, so a property or a
value spelled like a keyword (``n.set``, ``'DELETE me'``) is not mistaken for a clause.
"""

from __future__ import annotations

import re

from graph.store.errors import ReadOnlyError

WRITE_CLAUSES = ("CREATE", "MERGE", "DELETE", "DETACH", "SET", "REMOVE", "DROP", "FOREACH")
WRITE_PHRASES = (r"LOAD\s+CSV", r"CALL\s+\{[^}]*\}\s+IN\s+TRANSACTIONS")

_LITERALS = re.compile(
    r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`|//[^\n]*|/\*.*?\*/""", re.DOTALL
)
_CLAUSE = re.compile(r"(?<![\w.:$])(" + "|".join(WRITE_CLAUSES) + r")(?![\w])", re.IGNORECASE)

# Procedures a read-only query may CALL (lower case); every other procedure is refused,
# since many write (db.idx.fulltext.createNodeIndex, db.createLabel), administer the server
# (dbms.setConfigValue, dbms.killQuery, dbms.security.*) or read files/URLs (apoc.load.*).
READ_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshiptypes",
        "db.propertykeys",
        "db.indexes",
        "db.constraints",
        "db.meta.stats",
        "db.schema.visualization",
        "db.schema.nodetypeproperties",
        "db.schema.reltypeproperties",
        "db.idx.fulltext.querynodes",
        "dbms.procedures",
        "dbms.components",
    }
)
READ_PROCEDURE_PREFIXES = ("algo.",)  # FalkorDB's graph algorithms only read
_CALL = re.compile(r"(?<![\w.:$])CALL\s+([A-Za-z_][\w.]*)", re.IGNORECASE)


def write_procedure(cypher: str) -> str | None:
    """The first procedure a query CALLs that is not known to only read, or None."""
    for m in _CALL.finditer(_LITERALS.sub(" ", cypher)):
        name = m.group(1).lower()
        if name not in READ_PROCEDURES and not name.startswith(READ_PROCEDURE_PREFIXES):
            return m.group(1)
    return None


def write_clause(cypher: str) -> str | None:
    """The first write clause in a query, or None when it only reads."""
    code = _LITERALS.sub(" ", cypher)
    for phrase in WRITE_PHRASES:
        m = re.search(phrase, code, re.IGNORECASE)
        if m:
            return " ".join(m.group(0).split()).upper()
    m = _CLAUSE.search(code)
    return m.group(1).upper() if m else None


def check_read_only(cypher: str) -> None:
    """Raise ``ReadOnlyError`` naming the clause when a query would write."""
    clause = write_clause(cypher)
    if clause:
        raise ReadOnlyError(
            f"只读查询 read-only: the query contains {clause}, which changes the graph; "
            "queries may only read (use `govnet load` to change data)"
        )
    procedure = write_procedure(cypher)
    if procedure:
        raise ReadOnlyError(
            f"只读查询 read-only: the query calls {procedure}, which is not a read-only "
            "procedure; queries may only read"
        )
