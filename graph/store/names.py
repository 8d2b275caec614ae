"""Labels and relationship types that may enter query text: only the schema's, checked.

Shared by the statement path (``repository``) and the bulk path (``falkor_bulk``).
"""

from __future__ import annotations

from graph.schema import (
    KIND_LABELS,
    LABELS,
    ORG_KINDS,
    PLACE_KINDS,
    REL_TYPES,
    RESOURCE_KINDS,
    pascal,
)
from graph.store.errors import StoreError

# Kind labels that may be put into query text: every place, organization and resource kind
# (schema.KIND_LABELS has the first two; resources carry a kind label too).
KIND_NAMES: frozenset[str] = frozenset(KIND_LABELS) | {
    pascal(k) for k in (*PLACE_KINDS, *ORG_KINDS, *RESOURCE_KINDS)
}


def safe_label(name: str) -> str:
    """A main label, checked against the schema before it goes into query text."""
    if name not in LABELS:
        raise StoreError(f"not a govnet label: {name!r}")
    return name


def safe_kind(name: str) -> str:
    if name not in KIND_NAMES:
        raise StoreError(f"not a govnet kind label: {name!r}")
    return name


def safe_type(name: str) -> str:
    if name not in REL_TYPES:
        raise StoreError(f"not a govnet relationship type: {name!r}")
    return name


def labels_pattern(label: str, kind_label: str | None) -> str:
    """``Place:Community``: both checked against the schema before they enter query text."""
    return safe_label(label) + (f":{safe_kind(kind_label)}" if kind_label else "")
