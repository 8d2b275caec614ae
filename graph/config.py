"""Every ``GOVNET_*`` setting in one place: its name, environment variable, default and meaning.

Precedence, highest first: the environment (``GOVNET_…``), then the TOML config file
(``GOVNET_CONFIG``, else ``$XDG_CONFIG_HOME/govnet/config.toml``, else
``~/.config/govnet/config.toml``), then the default here. A setting ``db.uri`` lives in the
file as ``uri`` under ``[db]`` and in the environment as ``GOVNET_DB_URI``; a top-level
setting such as ``pseudonym_key`` is ``pseudonym_key`` at the top of the file and
``GOVNET_PSEUDONYM_KEY`` in the environment. The README's settings table is generated from
``SETTINGS`` (tests fail when it is stale), so a setting read anywhere else is a bug.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

CONFIG_ENV = "GOVNET_CONFIG"


class ConfigError(ValueError):
    """The config file cannot be read, or a setting has a value of the wrong form."""


@dataclass(frozen=True)
class Setting:
    """One setting: dotted name (``section.key``), default, a one-line meaning and its type."""

    name: str
    default: object
    doc: str
    secret: bool = False
    type: type = str  # str, int or float: values from the environment or file are converted

    @property
    def env(self) -> str:
        return "GOVNET_" + self.name.replace(".", "_").upper()


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("pseudonym_key", None, "key of the pseudonyms of people (else a key file)", True),
        Setting("db.uri", "falkor://127.0.0.1:6379", "graph database URI (falkor://, bolt://)"),
        Setting("db.graph", None, "graph (FalkorDB, default govnet) or database (Neo4j) name"),
        Setting("db.user", None, "database user"),
        Setting("db.password", None, "database password", True),
        Setting("db.batch", None, "rows per write batch of `govnet load`", type=int),
        Setting("db.timeout", 300.0, "seconds to wait for one database reply", type=float),
        Setting(
            "query_timeout_s", 30.0, "seconds a query on the app's 查询 page may run", type=float
        ),
        Setting("ledger", None, "ledger the app opens instead of the demo (`govnet app --ledger`)"),
        Setting("chromium", "/usr/bin/chromium", "Chromium binary for the browser tests"),
        Setting(
            "cache_dir",
            None,
            "analyses kept between app starts and `govnet analyze` runs (default: XDG cache)",
        ),
        Setting(
            "map.tile_url", "", "raster tile URL ({z}/{x}/{y}) under the app's map; empty: offline"
        ),
        # Archive limits (loaders/archive.py). Measured: the province demo's CSV zipped
        # holds 1,204 MB in 7 files, the largest 416 MB (people.csv); demo CSV and
        # workbook members compress 3-12x, a deflate bomb of zeros about 1,000x.
        Setting("archive.max_total_mb", 4096, "MB a .zip or .xlsx may hold uncompressed in all"),
        Setting("archive.max_entry_mb", 1024, "MB one file in a .zip or .xlsx may hold"),
        Setting("archive.max_ratio", 100, "largest compression ratio of a file over 1 MB"),
        Setting("archive.max_entries", 10_000, "most files a .zip or .xlsx may hold"),
    )
}


def config_dir() -> Path:
    """``$XDG_CONFIG_HOME/govnet`` or ``~/.config/govnet``: the key file and config live here."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "govnet"


def cache_dir() -> Path:
    """Setting ``cache_dir``, else ``$XDG_CACHE_HOME/govnet`` or ``~/.cache/govnet``."""
    value = get("cache_dir")
    if value:
        return Path(str(value)).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "govnet"


def config_file() -> Path:
    """The TOML file read for settings: ``GOVNET_CONFIG`` or ``config_dir()/config.toml``."""
    env = os.environ.get(CONFIG_ENV)
    return Path(env) if env else config_dir() / "config.toml"


def _file() -> dict:
    path = config_file()
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None


def _convert(setting: Setting, value: object, where: str) -> object:
    if setting.type is str:
        return str(value)
    try:
        number = setting.type(value)
    except (TypeError, ValueError):
        number = None
    if number is None or number <= 0:
        raise ConfigError(f"{where}: {setting.name} must be a positive number, not {value!r}")
    return number


def given(name: str) -> object:
    """The value a user set for a setting (environment, then config file), or None."""
    setting = SETTINGS[name]
    if os.environ.get(setting.env):
        return _convert(setting, os.environ[setting.env], f"environment {setting.env}")
    section: object = _file()
    for part in name.split("."):
        section = section.get(part) if isinstance(section, dict) else None
    if section is None or section == "":
        return None
    return _convert(setting, section, f"config file {config_file()}")


def get(name: str) -> object:
    """The value of a setting: environment, then config file, then default.

    A value of the wrong form (a timeout that is not a positive number) is a ``ConfigError``
    naming where it came from.
    """
    value = given(name)
    return SETTINGS[name].default if value is None else value


def settings_table() -> str:
    """The settings as a Markdown table (the README's and the docs' copy come from here)."""
    rows = [
        "| environment | config file | default | meaning |",
        "| --- | --- | --- | --- |",
        f"| `{CONFIG_ENV}` | – | `~/.config/govnet/config.toml` "
        "| the config file (`$XDG_CONFIG_HOME/govnet/config.toml` when that is set) |",
    ]
    for s in SETTINGS.values():
        section, _, key = s.name.rpartition(".")
        where = f"`{key}` in `[{section}]`" if section else f"`{key}`"
        default = "–" if s.default is None else f"`{s.default}`"
        secret = " (secret: never printed)" if s.secret else ""
        rows.append(f"| `{s.env}` | {where} | {default} | {s.doc}{secret} |")
    return "\n".join(rows) + "\n"
