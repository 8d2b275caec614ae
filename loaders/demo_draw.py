"""Vectorized drawing helpers of the demo generator: random picks within groups, dates,
and the column chunks the ledger is assembled from.

Everything works on whole numpy arrays, so the generator never loops over people.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

# Link `since` buckets: probability of (before 2022, 2022, 2023, 2024); the rest never.
Bucket = tuple[float, float, float, float]
Arr = npt.ArrayLike


def cat(*parts: np.ndarray | str) -> np.ndarray:
    """Element-wise string concatenation of arrays and scalars."""
    out = np.asarray(parts[0]).astype(str)
    for p in parts[1:]:
        out = np.strings.add(out, np.asarray(p).astype(str))
    return out


def group_pick(
    rng: np.random.Generator, cand_group: np.ndarray, n_groups: int, query: np.ndarray
) -> np.ndarray:
    """For each query group, a random candidate index of that group (-1 when none)."""
    query = np.asarray(query, dtype=np.int64)
    order = np.argsort(cand_group, kind="stable")
    counts = np.bincount(cand_group, minlength=n_groups)
    starts = np.cumsum(counts) - counts
    safe = np.where(query >= 0, query, 0)
    c = counts[safe]
    r = np.floor(rng.random(len(query)) * np.maximum(c, 1)).astype(np.int64)
    idx = order[np.minimum(starts[safe] + r, len(order) - 1)] if len(order) else r * 0
    return np.where((query >= 0) & (c > 0), idx, -1)


def rank(groups: np.ndarray) -> np.ndarray:
    """Position of each element within its group, for group-sorted arrays (0-based)."""
    n = len(groups)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    start = np.r_[True, groups[1:] != groups[:-1]]
    first = np.maximum.accumulate(np.where(start, np.arange(n), 0))
    return np.arange(n) - first


def day_in_year(rng: np.random.Generator, years: np.ndarray) -> np.ndarray:
    """A random day (datetime64[D]) in each given year."""
    base = (
        (np.asarray(years, dtype=np.int64) - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    )
    return base + rng.integers(0, 365, len(base)).astype("timedelta64[D]")


def draw_since(rng: np.random.Generator, n: int, bucket: Bucket) -> np.ndarray:
    """``since`` dates drawn from a bucket; NaT where the link never happens."""
    p = np.array([*bucket, max(0.0, 1 - sum(bucket))])
    which = rng.choice(5, size=n, p=p / p.sum())
    years = np.where(which == 0, rng.integers(2012, 2022, n), 2021 + which)
    dates = day_in_year(rng, years)
    dates[which == 4] = np.datetime64("NaT")
    return dates


# --- the ledger being built ----------------------------------------------------------------


@dataclass
class Parts:
    """Column chunks of one table, concatenated once at the end."""

    cols: dict[str, list[np.ndarray]] = field(default_factory=dict)
    n: int = 0

    def add(self, **cols: np.ndarray | object) -> np.ndarray:
        n = max(len(v) for v in cols.values() if isinstance(v, np.ndarray))
        for k, v in cols.items():
            arr = v if isinstance(v, np.ndarray) else np.full(n, v)
            self.cols.setdefault(k, []).append(arr)
        idx = np.arange(self.n, self.n + n)
        self.n += n
        return idx

    def get(self, key: str) -> np.ndarray:
        return np.concatenate(self.cols[key])


@dataclass
class Ledger:
    """The tables being drawn: node chunks and queued links (as indices until the end)."""

    places: Parts = field(default_factory=Parts)
    orgs: Parts = field(default_factory=Parts)
    people: Parts = field(default_factory=Parts)
    links: list[tuple[str, str, np.ndarray, str, np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=list
    )

    def link(
        self,
        type_: str,
        src: tuple[str, np.ndarray],
        dst: tuple[str, np.ndarray],
        since: np.ndarray,
        until: np.ndarray | None = None,
    ) -> None:
        """Queue links; rows with a missing end (-1) or a NaT ``since`` are dropped."""
        s_idx, d_idx = np.asarray(src[1]), np.asarray(dst[1])
        keep = (s_idx >= 0) & (d_idx >= 0) & ~np.isnat(since)
        if until is None:
            until = np.full(len(s_idx), np.datetime64("NaT"), "datetime64[D]")
        self.links.append(
            (type_, src[0], s_idx[keep], dst[0], d_idx[keep], since[keep], until[keep])
        )

    def add_orgs(self, name: Arr, kind: Arr, place: Arr, founded: Arr) -> np.ndarray:
        """Queue organizations; returns their indices (ids are given at the end)."""
        name = np.asarray(name).astype(str)
        n = len(name)
        return self.orgs.add(
            name=name,
            kind=np.broadcast_to(np.asarray(kind).astype(str), (n,)).copy(),
            place=np.asarray(place, dtype=np.int64),
            founded=np.asarray(founded, dtype="datetime64[D]"),
        )
