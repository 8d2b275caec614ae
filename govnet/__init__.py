"""govnet: a graph-based analyzer for 一核多元 community governance networks.

``import govnet as gn`` gives the small public API; everything else is reachable through
the packages ``graph`` (schema, network, stores, analysis) and ``loaders`` (ledgers).

Examples
--------
>>> import govnet as gn
>>> net = gn.demo("district", seed=7)
>>> a = gn.analyze(net, year=2024)
>>> int(a.communities["id"].nunique()) == len(a.communities)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from govnet.api import (
        Analysis,
        Network,
        analyze,
        analyze_years,
        demo,
        label,
        open_store,
        read_ledger,
        validate,
        what_if,
    )

__version__ = "0.2.0"

__all__ = [
    "Analysis",
    "Network",
    "__version__",
    "analyze",
    "analyze_years",
    "demo",
    "label",
    "open_store",
    "read_ledger",
    "validate",
    "what_if",
]


def __getattr__(name: str) -> object:
    """The API on first use (PEP 562): ``govnet.cli`` and ``govnet.app`` start without it."""
    if name in __all__:
        from govnet import api

        return getattr(api, name)
    raise AttributeError(f"module 'govnet' has no attribute {name!r}")
