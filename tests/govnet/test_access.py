"""Access: the app's sign-in gate (shared password or OIDC), database credentials that never
show, and a Cypher box that only reads, stops slow queries and caps its rows.

Every test drives the real app with ``AppTest`` (secrets and the signed-in user set on the
test app, as Streamlit would read them from ``secrets.toml`` and the identity provider) or
the real ``govnet`` CLI, against a real FalkorDB that requires a password.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from streamlit.testing.v1 import AppTest

from govnet.app import auth
from govnet.app.i18n import LABELS
from govnet.app.source import load_upload
from graph.network import Network
from graph.store import StoreError, open_store
from graph.store.server import FalkorServer
from tests.conftest import ROOT
from tests.ledgers import app_text, small_tables, zip_bytes

PASSWORD = "correct horse battery staple"
DB_PASSWORD = "Db-s3cret-7f9a2c"  # the FalkorDB password: must never reach a page or a log
TIMEOUT = 600
OVERVIEW = LABELS["page_overview"]
SLOW_QUERY = "MATCH (a), (b), (c), (d), (e), (f) RETURN count(*) AS n"  # ~10^9 rows
WRITES = [
    "CREATE (n:Place {id: 'X', name: 'x', kind: 'grid'})",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n:Place) SET n.name = 'hacked'",
    "MERGE (n:Place {id: 'Y'})",
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
    "CALL db.idx.fulltext.createNodeIndex('Person', 'name')",
    "CALL db.idx.fulltext.drop('Person')",
    "CALL dbms.security.createUser('x', 'y', false)",
    "CALL apoc.load.json('http://example.com/x.json') YIELD value RETURN value",
]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(scope="module")
def small_upload() -> bytes:
    return zip_bytes(small_tables())


@pytest.fixture(scope="module")
def small_net(small_upload: bytes) -> Network:
    result = load_upload("small.zip", small_upload)
    assert result.ok
    return result.network


@pytest.fixture(scope="module")
def locked_db(small_net: Network) -> Iterator[dict]:
    """A FalkorDB that requires ``DB_PASSWORD``, holding the small ledger in graph 'acc'."""
    with FalkorServer() as server:
        redis.Redis(port=server.port).config_set("requirepass", DB_PASSWORD)
        with open_store(server.uri, "acc", password=DB_PASSWORD) as store:
            store.write(small_net)
        yield {"uri": server.uri, "port": server.port}


def new_app(upload: bytes | None = None, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    if upload is not None:
        at.session_state["src"] = "upload"
        at.session_state["upload_bytes"] = ("small.zip", upload)
    return at


def shows_data(at: AppTest) -> bool:
    """Whether any page content ran: page headers or the overview's metrics."""
    return bool(at.header) or bool(at.metric) or bool(at.dataframe)


# --- sign-in -------------------------------------------------------------------------------


def test_no_secrets_means_no_sign_in(small_upload: bytes) -> None:
    at = new_app(small_upload).run()
    assert not at.exception
    assert OVERVIEW[1] in at.header[0].value or any(OVERVIEW[1] in h.value for h in at.header)
    assert not [ti for ti in at.text_input if ti.key == "_govnet_password"]


def test_password_gate(small_upload: bytes) -> None:
    at = new_app(small_upload)
    at.secrets["govnet"] = {"password_sha256": sha256(PASSWORD)}
    at.run()
    assert not at.exception
    assert not shows_data(at), "data shown before sign-in"
    assert [r.key for r in at.radio] == ["lang"]  # not even the data source choice
    box = at.text_input(key="_govnet_password")
    assert box.proto.type == box.proto.PASSWORD  # masked while typed

    started = time.monotonic()
    box.input("Correct Horse Battery Staple")
    at.button[0].click().run()
    assert time.monotonic() - started >= auth.FAIL_DELAY_S  # guessing is slowed down
    assert any(auth.TEXT["wrong"][1] in e.value for e in at.error)
    assert not shows_data(at)

    at.text_input(key="_govnet_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert shows_data(at) and at.metric
    assert PASSWORD not in app_text(at)
    assert "_govnet_password" not in at.session_state  # the clear password is not kept

    at.button(key="govnet_logout").click().run()  # signing out closes the gate again
    assert not shows_data(at)


def test_a_malformed_password_hash_locks_everyone_out(small_upload: bytes) -> None:
    at = new_app(small_upload)
    at.secrets["govnet"] = {"password_sha256": PASSWORD}  # clear text instead of a hash
    at.run()
    assert any(auth.TEXT["misconfigured"][1] in e.value for e in at.error)
    assert not shows_data(at)
    assert PASSWORD not in app_text(at)


OIDC = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "not-a-real-cookie-secret",
    "client_id": "govnet",
    "client_secret": "not-a-real-client-secret",
    "server_metadata_url": "https://sso.example.org/.well-known/openid-configuration",
}


def test_oidc_gate(small_upload: bytes) -> None:
    at = new_app(small_upload)
    at.secrets["auth"] = OIDC
    at.user = {"is_logged_in": False}
    at.run()
    assert not at.exception
    assert not shows_data(at)
    assert at.button(key="govnet_login").label == auth.TEXT["oidc"][1]
    assert OIDC["client_secret"] not in app_text(at)

    at.user = {"is_logged_in": True, "email": "li.hua@district.gov.cn", "name": "Li Hua"}
    at.run()
    assert not at.exception
    assert shows_data(at)
    assert any("Li Hua" in c.value for c in at.sidebar.caption)


def test_oidc_allow_list(small_upload: bytes) -> None:
    at = new_app(small_upload)
    at.secrets["auth"] = OIDC
    at.secrets["govnet"] = {"allowed_emails": ["chen.jing@district.gov.cn"]}
    at.user = {"is_logged_in": True, "email": "stranger@example.com"}
    at.run()
    assert not shows_data(at)
    assert any("stranger@example.com" in e.value for e in at.error)
    at.user = {"is_logged_in": True, "email": "Chen.Jing@district.gov.cn"}
    at.run()
    assert shows_data(at)


def test_sign_in_mode_and_password_check() -> None:
    assert auth.mode({}) is None
    assert auth.mode({"govnet": {"password_sha256": sha256("x")}}) == "password"
    assert auth.mode({"auth": OIDC, "govnet": {"password_sha256": sha256("x")}}) == "oidc"
    assert auth.password_matches(PASSWORD, sha256(PASSWORD).upper())
    assert not auth.password_matches(PASSWORD + " ", sha256(PASSWORD))
    assert not auth.password_matches("", sha256(PASSWORD))


# --- database credentials ------------------------------------------------------------------


def db_app(uri: str, graph: str, password: str | None) -> AppTest:
    at = new_app()
    if password is not None:
        at.secrets["db"] = {"password": password}
    at.session_state["src"] = "db"
    at.session_state["db_target"] = (uri, graph)
    return at


def test_db_password_from_secrets_never_shows(
    locked_db: dict, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    at = db_app(locked_db["uri"], "acc", DB_PASSWORD).run()
    assert not at.exception
    assert shows_data(at), [e.value for e in at.error]
    at.switch_page("govnet/app/query.py").run()
    shown = app_text(at)
    assert "MATCH" in shown  # the query page is there
    assert DB_PASSWORD not in shown
    assert DB_PASSWORD not in caplog.text


@pytest.mark.parametrize("password", [None, "wrong-password-123"])
def test_db_refused_without_the_right_password(
    locked_db: dict, password: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    graph = f"acc_{uuid.uuid4().hex[:6]}"  # its own cache entry
    at = db_app(locked_db["uri"], graph, password).run()
    assert not at.exception
    assert not shows_data(at)
    message = " ".join(e.value for e in at.error)
    assert "FalkorDB" in message and "Traceback" not in message
    for secret in filter(None, [password, DB_PASSWORD]):
        assert secret not in app_text(at) and secret not in caplog.text


def test_credentials_typed_into_the_page_are_refused(locked_db: dict) -> None:
    uri = f"falkor://default:{DB_PASSWORD}@127.0.0.1:{locked_db['port']}"
    at = db_app(uri, "acc", None).run()
    assert any(LABELS["db_creds_in_uri"][1] in e.value for e in at.error)
    assert not shows_data(at)


def govnet(*args: str, **env: str) -> subprocess.CompletedProcess:
    """The real ``govnet`` command in a subprocess with a wide terminal (one line is one line)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("GOVNET_DB_")}
    return subprocess.run(
        [sys.executable, "-m", "govnet.cli.main", *args],
        cwd=ROOT,
        env={**base, "PYTHONPATH": str(ROOT), "COLUMNS": "300", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("password", [None, "wrong-password-123"])
def test_cli_auth_failure_is_one_line_without_secrets(
    locked_db: dict, password: str | None
) -> None:
    env = {"GOVNET_DB_PASSWORD": password} if password else {}
    result = govnet("query", "--db", locked_db["uri"], "--graph", "acc", "RETURN 1", **env)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and not result.stdout.strip(), result.stderr
    assert "password" in lines[0], lines[0]
    assert DB_PASSWORD not in result.stderr and (password or DB_PASSWORD) not in result.stderr


# --- the Cypher box ------------------------------------------------------------------------


def query_page(locked_db: dict) -> AppTest:
    at = db_app(locked_db["uri"], "acc", DB_PASSWORD).run()
    at.switch_page("govnet/app/query.py").run()
    at.selectbox(key="q_template").set_value("custom").run()  # one's own Cypher, not a template
    assert not at.exception
    return at


def run_cypher(at: AppTest, cypher: str) -> AppTest:
    at.text_area(key="q_cypher").set_value(cypher)
    return at.button(key="q_run").click().run()


def test_cypher_box_refuses_writes_and_write_procedures(
    locked_db: dict, small_net: Network
) -> None:
    at = query_page(locked_db)
    for cypher in WRITES:
        run_cypher(at, cypher)
        assert not at.exception
        errors = " ".join(e.value for e in at.error)
        assert "read-only" in errors, (cypher, errors)
        assert not at.dataframe, cypher
    with open_store(locked_db["uri"], "acc", password=DB_PASSWORD) as store:
        assert store.read().equals(small_net)
        assert store.query("CALL db.indexes()").shape[0] >= 1  # a read procedure still runs


def test_cypher_box_caps_rows(locked_db: dict) -> None:
    at = run_cypher(query_page(locked_db), "UNWIND range(1, 5000) AS x RETURN x")
    assert not at.error
    assert len(at.dataframe[0].value) == 1000
    assert any("1000" in c.value for c in at.caption)


def test_cypher_box_stops_slow_queries(locked_db: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVNET_QUERY_TIMEOUT_S", "1")
    at = query_page(locked_db)
    started = time.monotonic()
    run_cypher(at, SLOW_QUERY)
    took = time.monotonic() - started
    assert any("timed out" in e.value for e in at.error), [e.value for e in at.error]
    assert took < 30, took


def test_store_query_bounded(locked_db: dict) -> None:
    with open_store(locked_db["uri"], "acc", password=DB_PASSWORD) as store:
        frame, cut = store.query_bounded(
            "UNWIND range(1, 50) AS x RETURN x", timeout=5, max_rows=10
        )
        assert list(frame["x"]) == list(range(1, 11)) and cut
        frame, cut = store.query_bounded("RETURN 1 AS one", timeout=5, max_rows=10)
        assert len(frame) == 1 and not cut
        with pytest.raises(StoreError, match="timed out"):
            store.query_bounded(SLOW_QUERY, timeout=1, max_rows=10)


@pytest.mark.parametrize("cypher", [WRITES[4], WRITES[7]])  # the app test tries all
def test_cli_query_refuses_write_procedures(locked_db: dict, cypher: str) -> None:
    result = govnet(
        "query", "--db", locked_db["uri"], "--graph", "acc", cypher, GOVNET_DB_PASSWORD=DB_PASSWORD
    )
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "read-only" in lines[0], result.stderr


def test_app_source_is_the_only_credential_path() -> None:
    """No page asks for a password of the database: only the sign-in form has one."""
    pages = [ROOT / "app.py", *sorted((ROOT / "govnet" / "app").glob("*.py"))]
    for path in pages:
        text = Path(path).read_text(encoding="utf-8")
        if path.name == "auth.py":
            continue
        assert 'type="password"' not in text, path
