"""Where the graph database is and how to log in: URI, environment and config file.

Precedence, highest first: explicit arguments (CLI options), the parts of the URI itself
(``falkor://user:pw@host:port/graph``), the environment (``GOVNET_DB_URI``,
``GOVNET_DB_USER``, ``GOVNET_DB_PASSWORD``, ``GOVNET_DB_GRAPH``), the ``[db]`` section of the
config file, then defaults; the last three come from ``graph.config``, the settings registry.
Secrets never appear in ``repr``/``str`` or in messages: ``DbConfig.safe_uri`` masks them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import unquote, urlsplit

from graph import config
from graph.store.errors import StoreError

DEFAULT_GRAPH = "govnet"

FALKOR_SCHEMES = {"falkor": False, "falkors": True, "redis": False, "rediss": True}
NEO4J_SCHEMES = {"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"}


@dataclass(frozen=True)
class DbConfig:
    """A resolved connection: backend, address, credentials and graph/database name."""

    backend: str  # "falkor" or "neo4j"
    scheme: str
    host: str
    port: int
    graph: str | None  # FalkorDB graph key, or Neo4j database (None: the server default)
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def tls(self) -> bool:
        return self.scheme in ("falkors", "rediss") or "+s" in self.scheme

    @property
    def address(self) -> str:
        """The URI without credentials or path, as the drivers take it."""
        return f"{self.scheme}://{self.host}:{self.port}"

    @property
    def safe_uri(self) -> str:
        """The URI for messages: user shown, password masked."""
        who = f"{self.user}:***@" if self.user and self.password else ""
        who = who or (f"{self.user}@" if self.user else "")
        path = f"/{self.graph}" if self.graph else ""
        return f"{self.scheme}://{who}{self.host}:{self.port}{path}"

    def __repr__(self) -> str:
        secret = "'***'" if self.password else "None"
        return (
            f"DbConfig(backend={self.backend!r}, uri={self.safe_uri!r}, "
            f"user={self.user!r}, password={secret})"
        )

    __str__ = __repr__


def _setting(name: str) -> str | None:
    try:
        value = config.get(f"db.{name}")
    except config.ConfigError as exc:
        raise StoreError(str(exc)) from None
    return None if value is None else str(value)


def parse_uri(uri: str) -> DbConfig:
    """Split a database URI into a ``DbConfig``; unknown schemes are a clear error."""
    try:
        parts = urlsplit(uri.strip())
        port = parts.port
    except ValueError as exc:
        raise StoreError(f"bad database URI: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme in FALKOR_SCHEMES:
        backend, default_port = "falkor", 6379
    elif scheme in NEO4J_SCHEMES:
        backend, default_port = "neo4j", 7687
    else:
        known = ", ".join(sorted([*FALKOR_SCHEMES, *NEO4J_SCHEMES]))
        raise StoreError(f"unknown database URI scheme {scheme!r} (use one of: {known})")
    if not parts.hostname:
        raise StoreError("the database URI has no host (e.g. falkor://127.0.0.1:6379)")
    path = unquote(parts.path.strip("/")) or None
    return DbConfig(
        backend=backend,
        scheme=scheme,
        host=parts.hostname,
        port=port or default_port,
        graph=path,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def resolve(
    uri: str | None = None,
    graph: str | None = None,
    user: str | None = None,
    password: str | None = None,
) -> DbConfig:
    """The connection to use, from arguments, URI, environment, config file and defaults."""
    cfg = parse_uri(uri or _setting("uri"))
    default_graph = DEFAULT_GRAPH if cfg.backend == "falkor" else None
    return replace(
        cfg,
        graph=graph or cfg.graph or _setting("graph") or default_graph,
        user=user or cfg.user or _setting("user"),
        password=password or cfg.password or _setting("password"),
    )


def configured_uri() -> str | None:
    """The database URI set in the environment or the config file; None when neither sets
    one (then ``gn.open_store()`` starts a private local FalkorDB)."""
    try:
        value = config.given("db.uri")
    except config.ConfigError as exc:
        raise StoreError(str(exc)) from None
    return None if value is None else str(value)
