"""What the app keeps on disk between starts: the demo, a ledger read once, their analyses.

Free of Streamlit, so a second process can fill the same entries while the server starts
(``python -m govnet.app.disk``, run by ``govnet.app.launch``): the two processes share the
work through the lock files of ``graph.analysis.persist`` instead of doing it twice.

Keys depend on content only: the demo's on the release, the code and the pseudonym key
(hashed); a ledger's on its files' bytes (hashed, not parsed), so a restart reads no ledger
when its analyses are on disk.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from graph.network import Network

DEMO_SCALE, DEMO_SEED = "district", 7
log = logging.getLogger("govnet.app")


def _release() -> tuple:
    """The release, the loaders' and graph's code, and the pseudonym key (hashed only):
    what a network read from the same bytes depends on."""
    import loaders
    from govnet import __version__
    from graph.analysis.persist import code_digest
    from loaders.pseudonymize import load_key

    secret = hashlib.sha256(b"govnet-demo-cache:" + load_key()).hexdigest()
    return __version__, code_digest(Path(loaders.__file__).parent), code_digest(), secret


def demo_key() -> str:
    """The demo's content key: same release, code and pseudonym key, same demo."""
    from graph.analysis.persist import key_of

    version, code_loaders, code_graph, secret = _release()
    code = code_loaders, code_graph  # the tuple the key always had: entries stay valid
    return key_of("demo", DEMO_SCALE, DEMO_SEED, version, code, secret)


def ledger_key(path: str | Path) -> str:
    """A ledger's content key: its files' bytes (hashed, not parsed) and the release."""
    from graph.analysis.persist import key_of
    from loaders.ledger import ledger_fingerprint

    return key_of("ledger", ledger_fingerprint(path), *_release())


def demo_network() -> Network:
    """The demo district: generated once, then read from disk."""
    from graph.analysis.persist import persisted

    def generate() -> Network:
        from loaders.demo import demo_network  # the generator only when not on disk

        return demo_network(DEMO_SCALE, seed=DEMO_SEED)

    return persisted("demo", demo_key(), generate)[0]


def ledger_network(path: str | Path, key: str) -> Network:
    """The ledger at ``path`` (content ``key``): read and validated once, then from disk."""
    from graph.analysis.persist import persisted

    def read() -> Network:
        from loaders.ledger import read_ledger

        return read_ledger(path)

    return persisted("ledger", key, read)[0]


def analysis(content: str, network: Network | Callable[[], Network], year: int | None, rubric=None):
    """``analyze(network, year, rubric)`` of the source with content key ``content``, from
    disk when it was analyzed before (``rubric`` None: the shipped one); ``network`` may be
    a function that reads it, called only when the analysis is not on disk. The entry is
    the one ``govnet analyze`` keeps for the same ledger."""
    from govnet import __version__
    from graph.analysis.persist import persisted_analysis

    return persisted_analysis(network, year, rubric, __version__, ledger=content)[0]


def rubric_from_text(key: str | None):
    """The rubric in force: the shipped files overridden by the edited ones in ``key``."""
    from graph.analysis.rubric import load_rubric

    if not key:
        return load_rubric(None)
    texts: dict[str, str] = json.loads(key)
    with tempfile.TemporaryDirectory(prefix="govnet-rubric-") as tmp:
        paths = []
        for kind, text in sorted(texts.items()):
            path = Path(tmp) / f"{kind}.toml"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        return load_rubric(paths)


@dataclass(frozen=True)
class Summary:
    """What the overview shows of one year's analysis: a few small tables, kept on disk
    beside the whole analysis, so a restart reads kilobytes instead of the evidence."""

    year: int
    district: pd.DataFrame
    streets: pd.DataFrame
    communities: pd.DataFrame  # id and stars
    goods: pd.DataFrame


def summary(content: str, year: int, rubric_text: str | None, analyzed: Callable) -> Summary:
    """The overview's tables of the analysis ``analyzed()`` returns (called only when they are
    not on disk) of the source ``content``, ``year`` and ``rubric_text``: the edited rubric
    files (``govnet.app.source.rubric_key``), None for the shipped rubric."""
    from graph.analysis.persist import persisted

    def compute() -> Summary:
        a = analyzed()
        communities = a.communities[["id", "stars"]]
        return Summary(a.year, a.district, a.streets, communities, a.goods)

    return persisted("summary", summary_key(content, year, rubric_text), compute)[0]


@cache
def _own_digest() -> str:
    """This module picks the summary's tables: a change to it is a miss."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def summary_key(content: str, year: int, rubric_text: str | None) -> str:
    from govnet import __version__
    from graph.analysis.persist import code_digest, key_of

    tables = _own_digest()
    return key_of("summary", content, int(year), rubric_text, __version__, code_digest(), tables)


def _content(ledger: str | Path | None) -> tuple[str, str]:
    """The source's kind and content key: the demo, or the ledger at ``ledger``."""
    return ("demo", demo_key()) if ledger is None else ("ledger", ledger_key(ledger))


def _network(ledger: str | Path | None, content: str) -> Network:
    return demo_network() if ledger is None else ledger_network(ledger, content)


def ready(ledger: str | Path | None = None) -> bool:
    """Whether what the overview shows first is on disk (a restart), so no warming is due:
    the source and its latest two years' summaries, as ``warm`` leaves them."""
    from graph.analysis.persist import stored

    kind, content = _content(ledger)
    if not stored(kind, content):
        return False
    network = _network(ledger, content)
    return all(stored("summary", summary_key(content, y, None)) for y in network.years[-2:])


def warm(ledger: str | Path | None = None, years: int = 2) -> None:
    """Put on disk what the overview shows first: the source, then its latest ``years``
    years' analyses and summaries, the earliest first. The warming process does two while
    the starting server does the latest alone (``years=1``, as the browser loads the page),
    so on two cores the two are computed at once, each by one process."""
    _kind, content = _content(ledger)
    network = _network(ledger, content)
    for year in network.years[-years:]:
        summary(content, year, None, lambda y=year: analysis(content, network, y))


if __name__ == "__main__":  # the source the app shows first: GOVNET_LEDGER, else the demo
    from govnet.app import disk  # not this __main__: Summary must pickle as govnet.app.disk's
    from graph import config
    from graph.collector import one_job

    one_job()  # this process warms the cache, then exits
    disk.warm(config.get("ledger") or None)
