"""Concurrent analysts on the app: N AppTest sessions in threads render the overview of the
district demo, against the baseline of one warm session measured in the same run.

    .venv/bin/python bench/load_app.py [--sessions 20]

Prints the cold first session (demo load + analyses), one warm session (caches full), N
concurrent warm sessions, their ratio to N × one session, and how often each analysis ran
(``govnet.app.source.COMPUTED``: once per year however many sessions).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GOVNET_PSEUDONYM_KEY", "govnet-bench-key")


def session(lang: str = "zh") -> int:
    """One analyst's first page; returns how many metrics the overview showed."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    at.session_state["lang"] = lang
    at.run()
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return len(at.metric)


def timed(label: str, fn) -> float:
    t0 = time.perf_counter()
    fn()
    dt = time.perf_counter() - t0
    print(f"{label:<52} {dt:8.2f} s", flush=True)
    return dt


def concurrent(n: int) -> None:
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            session("en" if i % 2 else "zh")
        except BaseException as exc:  # counted and re-raised below
            errors.append(exc)

    from bench.app_sessions import one_runtime  # one runtime for all sessions, as a server has

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    with one_runtime():
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    if errors:
        raise RuntimeError(f"{len(errors)} of {n} sessions failed: {errors[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    args = parser.parse_args()

    from govnet.app import source

    cold = timed("first session (cold: demo + analyses)", session)
    one = timed("one session (warm)", session)
    many = timed(f"{args.sessions} concurrent sessions (warm)", lambda: concurrent(args.sessions))
    print(f"{'ratio to the cold first session':<52} {many / cold:8.2f} ×")
    label = f"ratio to {args.sessions} × one warm session"
    print(f"{label:<52} {many / (one * args.sessions):8.2f} ×")
    runs = Counter({k: v for k, v in source.COMPUTED.items() if k[0] in ("analysis", "summary")})
    print(f"analyses and overview tables computed: {dict(runs)}")


if __name__ == "__main__":
    main()
