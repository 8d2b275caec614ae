"""Sign-in gate: nothing of the data shows until the visitor has signed in, when configured.

Two ways, chosen by ``.streamlit/secrets.toml`` (never by the page):

- ``[auth]`` present: Streamlit's built-in OpenID Connect sign-in (``st.login``), for an
  intranet with an identity provider. Optional ``[govnet] allowed_emails = [...]`` limits
  who may enter after the provider has vouched for them.
- ``[govnet] password_sha256 = "<hex>"``: one shared password for a small office; the typed
  password's SHA-256 is compared in constant time (``hmac.compare_digest``) and the clear
  password is never stored or logged.
- Neither: no sign-in (the demo on a laptop).
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import logging
import time
from collections.abc import Mapping
from typing import Any, Literal

import streamlit as st

from govnet.app.i18n import current_lang

log = logging.getLogger("govnet.auth")

Mode = Literal["oidc", "password"]
SESSION_KEY = "_govnet_signed_in"
FAIL_DELAY_S = 1.0  # each wrong password costs a second: guessing stays slow

TEXT: dict[str, tuple[str, str]] = {
    "title": ("govnet 登录", "Sign in to govnet"),
    "why": (
        "本系统含党员、志愿者等人员信息，请先登录。",
        "govnet holds data about party members and volunteers; please sign in.",
    ),
    "password": ("口令", "Password"),
    "submit": ("登录", "Sign in"),
    "wrong": ("口令不正确。", "Wrong password."),
    "oidc": ("使用单位账号登录", "Sign in with your organization account"),
    "not_allowed": (
        "账号 {email} 未获授权使用本系统，请联系管理员。",
        "The account {email} is not allowed to use govnet; ask the administrator.",
    ),
    "no_authlib": (
        "单位账号登录需要安装 Authlib（pip install Authlib）。",
        "Organization sign-in needs the Authlib package (pip install Authlib).",
    ),
    "signed_in": ("已登录：{who}", "Signed in: {who}"),
    "logout": ("退出登录", "Sign out"),
    "misconfigured": (
        "登录配置有误（secrets.toml 的 [govnet] password_sha256 应为 64 位十六进制）。",
        "Sign-in is misconfigured ([govnet] password_sha256 in secrets.toml must be 64 hex "
        "digits).",
    ),
}


def _t(key: str, **fmt: object) -> str:
    zh, en = TEXT[key]
    text = en if current_lang() == "en" else zh
    return text.format(**fmt) if fmt else text


def _secrets() -> Mapping[str, Any]:
    """``st.secrets`` as a mapping; empty when there is no secrets file."""
    try:
        return {k: st.secrets[k] for k in st.secrets}
    except Exception:  # no secrets.toml anywhere: Streamlit raises on first access
        return {}


def mode(secrets: Mapping[str, Any] | None = None) -> Mode | None:
    """Which sign-in the secrets ask for (OIDC wins when both are set), or None."""
    secrets = _secrets() if secrets is None else secrets
    if secrets.get("auth"):
        return "oidc"
    if (secrets.get("govnet") or {}).get("password_sha256"):
        return "password"
    return None


def password_matches(typed: str, expected_sha256: str) -> bool:
    """Whether the SHA-256 of ``typed`` is ``expected_sha256``, compared in constant time."""
    digest = hashlib.sha256(typed.encode("utf-8")).hexdigest()
    return hmac.compare_digest(digest, expected_sha256.strip().lower())


def _valid_hash(value: str) -> bool:
    text = value.strip().lower()
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def _password_gate(expected: str) -> bool:
    if st.session_state.get(SESSION_KEY):
        return True
    if not _valid_hash(expected):
        st.error(_t("misconfigured"))
        return False
    st.title(_t("title"))
    st.caption(_t("why"))
    with st.form("govnet_login"):
        typed = st.text_input(_t("password"), type="password", key="_govnet_password")
        submitted = st.form_submit_button(_t("submit"))
    if submitted:
        st.session_state.pop("_govnet_password", None)  # the clear password leaves the state
        if password_matches(typed or "", expected):
            st.session_state[SESSION_KEY] = "password"
            log.info("password sign-in succeeded")
            st.rerun()
        log.warning("password sign-in failed")
        time.sleep(FAIL_DELAY_S)
        st.error(_t("wrong"))
    return False


def _oidc_gate(allowed: list[str]) -> bool:
    if st.user.is_logged_in:
        email = str(st.user.get("email") or "")
        if allowed and email.lower() not in {a.lower() for a in allowed}:
            st.error(_t("not_allowed", email=email or "?"))
            st.button(_t("logout"), on_click=st.logout, key="govnet_logout")
            return False
        return True
    st.title(_t("title"))
    st.caption(_t("why"))
    if importlib.util.find_spec("authlib") is None:  # st.login needs it; say so, not a trace
        st.error(_t("no_authlib"))
        return False
    st.button(_t("oidc"), on_click=st.login, key="govnet_login", type="primary")
    return False


def _signed_in_sidebar(how: Mode) -> None:
    who = str(st.user.get("name") or st.user.get("email") or "") if how == "oidc" else ""
    st.sidebar.caption(_t("signed_in", who=who or "✓"))
    if how == "oidc":
        st.sidebar.button(_t("logout"), on_click=st.logout, key="govnet_logout")
    elif st.sidebar.button(_t("logout"), key="govnet_logout"):
        st.session_state.pop(SESSION_KEY, None)
        st.rerun()


def gate() -> bool:
    """Whether the run may go on: sign-in is off or the visitor has signed in (call first;
    on False the caller ends its run, having shown the sign-in form)."""
    secrets = _secrets()
    how = mode(secrets)
    if how is None:
        return True
    section = secrets.get("govnet") or {}
    if how == "oidc":
        ok = _oidc_gate(list(section.get("allowed_emails") or []))
    else:
        ok = _password_gate(str(section.get("password_sha256")))
    if ok:
        _signed_in_sidebar(how)
    return ok
