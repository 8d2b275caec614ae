"""Rubric files: the stars of communities and villages, the streets' five goods, the red flag.

A rubric is TOML (see ``rubrics/community.toml``): ``applies_to`` (community or village),
``[settings]`` (``claim_days``, ``reply_days``, ``close_days``, ``major_close_days`` for
sla_rate, ``weak_min`` for weak links, ``co_building_min`` for suggestions),
``[[stars]]`` each with ``criteria`` = ``{metric, op, value}``, and optionally
``[[goods]]`` (street rules over roll-up metrics) and ``[red_flag]`` (a district rule).
Files are validated with pydantic so a typo names the file, the place and the known
metrics instead of silently failing every star.
"""

from __future__ import annotations

import operator
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from graph.analysis.metrics import DISTRICT_METRICS, RUBRIC_COMMUNITY_METRICS, STREET_METRICS

RUBRIC_DIR = Path(__file__).parent / "rubrics"
OPS = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
Op = Literal[">=", ">", "<=", "<", "==", "!="]


class RubricError(ValueError):
    """A rubric file that cannot be used; the message says where and why."""


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    metric: str
    op: Op
    value: bool | int | float

    def holds(self, actual: object) -> bool:
        """Whether an actual value meets the criterion; a missing value never does."""
        if actual is None or actual != actual:  # None or NaN
            return False
        return bool(OPS[self.op](actual, self.value))


def _known(metrics, level: str):
    def check(criteria: list[Criterion]) -> list[Criterion]:
        for c in criteria:
            if c.metric not in metrics:
                raise ValueError(
                    f"unknown {level} metric {c.metric!r} (known: {', '.join(metrics)})"
                )
        return criteria

    return check


class Rule(BaseModel):
    """A star, a good or the red flag: earned when all its criteria hold."""

    model_config = ConfigDict(extra="forbid")
    key: str
    name: str
    criteria: list[Criterion] = Field(min_length=1)


class Star(Rule):
    _check = field_validator("criteria")(_known(RUBRIC_COMMUNITY_METRICS, "community"))


class Good(Rule):
    _check = field_validator("criteria")(_known(tuple(STREET_METRICS), "street"))


class RedFlag(Rule):
    _check = field_validator("criteria")(_known(tuple(DISTRICT_METRICS), "district"))


class Settings(BaseModel):
    """Rubric settings: the 13710 day limits (calendar days), the weak threshold, partners."""

    model_config = ConfigDict(extra="forbid")
    claim_days: int = Field(0, ge=0)  # 1: studied and claimed the same day
    reply_days: int = Field(3, ge=0)  # 3: progress reported back (when the ledger has replies)
    close_days: int = Field(7, ge=0)  # 7: ordinary matters solved
    major_close_days: int = Field(30, ge=0)  # 1 month: major or complex matters solved
    weak_min: int = Field(3, ge=1)  # weak when weak_score reaches it
    co_building_min: int = Field(3, ge=0)  # partner suggestions below this many units


class RubricFile(BaseModel):
    """One rubric file as written."""

    model_config = ConfigDict(extra="forbid")
    applies_to: Literal["community", "village"]
    title: str = ""
    settings: Settings = Settings()
    stars: list[Star] = Field(min_length=1, max_length=5)
    goods: list[Good] | None = Field(None, min_length=1, max_length=5)
    red_flag: RedFlag | None = None


@dataclass
class Rubric:
    """The rubric in force: one file per kind, plus the street and district rules."""

    by_kind: dict[str, RubricFile]
    goods: list[Good]
    red_flag: RedFlag
    sources: list[str]

    def for_kind(self, kind: str) -> RubricFile:
        return self.by_kind[kind]


def read_rubric_file(path: str | Path) -> RubricFile:
    """Parse and validate one TOML rubric file, raising RubricError with readable messages."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise RubricError(f"rubric file {path} not found") from e
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise RubricError(f"rubric file {path} is not valid TOML: {e}") from e
    try:
        return RubricFile.model_validate(data)
    except ValidationError as e:
        lines = [
            f"  {'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in e.errors()
        ]
        raise RubricError(f"rubric file {path} is invalid:\n" + "\n".join(lines)) from e


def load_rubric(path: str | Path | list[str | Path] | None = None) -> Rubric:
    """The shipped rubrics, overridden by the given file(s) for the kinds they apply to.

    Goods and the red flag come from the last file that defines them (the shipped
    community rubric defines both).
    """
    shipped = [RUBRIC_DIR / "community.toml", RUBRIC_DIR / "village.toml"]
    given = [] if path is None else [path] if isinstance(path, str | Path) else list(path)
    files = [(p, read_rubric_file(p)) for p in [*shipped, *given]]
    by_kind: dict[str, RubricFile] = {}
    goods, red = None, None
    for _p, f in files:
        by_kind[f.applies_to] = f
        goods = f.goods or goods
        red = f.red_flag or red
    assert goods is not None and red is not None  # the shipped community rubric has both
    return Rubric(by_kind, goods, red, [str(p) for p, _f in files])
