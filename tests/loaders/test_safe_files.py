"""Files that cannot be turned against their readers (SECURITY.md, "Files").

- Every workbook govnet writes stores text as text: a name ``=HYPERLINK(…)`` is written as
  those characters, never as a formula (report, export, template, app downloads).
- Archives (.zip of CSV, .xlsx) are held against the ``archive.*`` limits before they are
  read, and read with a cap, so a bomb or a lying header is refused in one line.
- Running out of memory ends in one line, never a traceback, and leaves no half-written file.
- One unreadable row reports its consequences as one counted line.

CLI cases run ``python -m govnet.cli.main`` in child processes, started together; bombs are
zeros (a few MB compressed to KB) against limits lowered through the environment.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ERROR_CODES
from streamlit.testing.v1 import AppTest

from bench.bombs import lie_about_size, xlsx_bomb
from govnet.app.i18n import LABELS
from govnet.app.source import report_bytes
from govnet.app.weak import workbook
from graph.analysis import analyze, write_report
from graph.schema import TABLES
from graph.workbook import clean_text, replaced
from loaders.ledger import read_ledger, validate_ledger
from loaders.write import write_xlsx
from tests.conftest import ROOT

SMALL = ROOT / "tests" / "fixtures" / "small"
KEY = "safe-files-key"
INJECTIONS = [
    '=HYPERLINK("http://evil.example/x","幸福社区")',
    "=1+1",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1)",
    "=cmd|'/c calc'!A0",
    "#N/A",
    "==",
]
MB = 1024 * 1024


# --- helpers -------------------------------------------------------------------------------


def env(tmp: Path, **settings: str) -> dict[str, str]:
    """A clean environment for a child: no user config, wide console (one line stays one)."""
    return {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp),
        "GOVNET_CONFIG": str(tmp / "no-config.toml"),
        "GOVNET_PSEUDONYM_KEY": KEY,
        "COLUMNS": "400",
        "OMP_NUM_THREADS": "1",  # few threads: little address space besides the data
        "MALLOC_ARENA_MAX": "2",
        **settings,
    }


LIMITED = "import resource,runpy,sys; resource.setrlimit(resource.RLIMIT_AS, ({0}, {0})); "
LIMITED += "sys.argv = ['govnet', *sys.argv[1:]]; runpy.run_module('govnet.cli.main', "
LIMITED += "run_name='__main__')"


def cli_all(runs: list[tuple[list[str], dict[str, str], int | None]]) -> list[tuple[int, str]]:
    """Run CLI commands at once (args, environment, address-space limit in MB or None);
    (exit code, stdout + stderr) of each."""
    procs = []
    for args, environment, limit in runs:
        head = ["-m", "govnet.cli.main"] if limit is None else ["-c", LIMITED.format(limit * MB)]
        procs.append(
            subprocess.Popen(
                [sys.executable, *head, *args],
                cwd=ROOT,
                env=environment,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
    return [(p.wait(timeout=300), p.stdout.read()) for p in procs]  # type: ignore[union-attr]


def ledger_folder(path: Path, names: dict[str, list[str]] | None = None) -> Path:
    """The small ledger as CSV, with ``names`` put into the first rows' text cells:
    {"places:name": [...], ...}."""
    shutil.copytree(SMALL, path)
    for spec, values in (names or {}).items():
        table, column = spec.split(":")
        with (path / f"{table}.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        c = rows[0].index(column)
        for row, value in zip(rows[1:], values, strict=False):
            row[c] = value
        with (path / f"{table}.csv").open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(rows)
    return path


def zip_of(folder: Path, path: Path, extra: dict[str, bytes] | None = None) -> Path:
    """A zip of a folder's CSV files; ``extra`` members replace or join them."""
    extra = extra or {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(folder.glob("*.csv")):
            if p.name not in extra:
                z.write(p, p.name)
        for name, data in extra.items():
            z.writestr(name, data)
    return path


def zeros_csv(table: str, mb: int) -> bytes:
    """A table's header and then ``mb`` MB of zeros: compresses about 1,000×."""
    return (SMALL / f"{table}.csv").read_bytes().splitlines()[0] + b"\n" + b"0" * (mb * MB)


def small_xlsx(path: Path) -> Path:
    """The small ledger as a workbook, written by govnet's own writer."""
    write_xlsx(read_ledger(SMALL, key=KEY).tables, path)
    return path


def bomb_xlsx(path: Path, mb: int) -> Path:
    """The small ledger's workbook with ``mb`` MB of zeros in its first sheet."""
    path.write_bytes(xlsx_bomb(small_xlsx(path.with_name("seed.xlsx")).read_bytes(), mb))
    return path


def lie(path: Path, member: str, prefix_crc: bool = False) -> None:
    path.write_bytes(lie_about_size(path.read_bytes(), member, prefix_crc=prefix_crc))


def one_line(output: str, *needles: str) -> str:
    """The single output line holding every needle (the refusal), else fail."""
    lines = [ln for ln in output.splitlines() if all(n in ln for n in needles)]
    assert lines, (needles, output[-2000:])
    assert "Traceback" not in output, output[-3000:]
    return lines[0]


def cells(path_or_bytes: Path | bytes):
    """Every non-empty cell of a workbook as openpyxl reads it."""
    src = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    wb = openpyxl.load_workbook(src)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def assert_no_formulas(path_or_bytes: Path | bytes) -> list[str]:
    """No cell is a formula or an error value; returns the text of the string cells."""
    found = cells(path_or_bytes)
    bad = [(c.coordinate, c.value) for c in found if c.data_type in ("f", "e")]
    assert not bad, bad
    return [c.value for c in found if c.data_type == "s"]


# --- text stays text -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small ledger with formula-like community, organization and matter names."""
    tmp = tmp_path_factory.mktemp("inj")
    return ledger_folder(
        tmp / "ledger",
        {
            "places:name": INJECTIONS,
            "organizations:name": INJECTIONS[::-1],
            "matters:title": INJECTIONS,
        },
    )


def test_formula_like_names_stay_text_in_every_workbook_the_cli_writes(
    injected: Path, tmp_path: Path
) -> None:
    e = env(tmp_path)
    report, export, template = tmp_path / "r.xlsx", tmp_path / "e.xlsx", tmp_path / "t.xlsx"
    csv_out = tmp_path / "csv"
    runs = [
        (["analyze", str(injected), "-f", "xlsx", "-o", str(report)], e, None),
        (["export", str(export), "--ledger", str(injected)], e, None),
        (["export", str(csv_out), "--ledger", str(injected)], e, None),
        (["template", str(template)], e, None),
    ]
    for code, out in cli_all(runs):
        assert code == 0, out
    texts = assert_no_formulas(report)
    for name in INJECTIONS[:3]:  # the communities' names, in the report as typed
        assert name in texts, name
    ops = pd.read_excel(report, sheet_name="星级对照", engine="openpyxl")["比较"]
    assert "==" in set(ops), set(ops)  # the operator is text, not a broken formula
    assert set(INJECTIONS) <= set(assert_no_formulas(export))
    assert_no_formulas(template)
    # the exported workbook and CSV read back as the same ledger: nothing was escaped
    original = read_ledger(injected, key=KEY)
    assert read_ledger(export, key=KEY).equals(original)
    assert read_ledger(csv_out, key=KEY).equals(original)
    with (csv_out / "places.csv").open(encoding="utf-8") as f:
        assert INJECTIONS[0].replace('"', '""') in f.read()  # CSV: data verbatim, quoted


def test_app_downloads_store_formula_like_text_as_text(injected: Path) -> None:
    a = analyze(read_ledger(injected, key=KEY))
    texts = assert_no_formulas(report_bytes(a))
    assert INJECTIONS[0] in texts
    frame = pd.DataFrame({"名称": INJECTIONS, "n": range(len(INJECTIONS))})
    assert assert_no_formulas(workbook({"sheet": frame})) == ["名称", "n", *INJECTIONS]


@pytest.fixture(scope="module")
def small_analysis():
    net = read_ledger(SMALL, key=KEY)
    return net, analyze(net)


TEXT = st.one_of(  # any text, and text made to look like a formula or an error value
    st.text(max_size=40),
    st.tuples(st.sampled_from(["=", "+", "-", "@", "\t", "\r", "#"]), st.text(max_size=30)).map(
        "".join
    ),
    st.sampled_from([*INJECTIONS, *ERROR_CODES]),
)


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # a failure shows its input at once
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(names=st.lists(TEXT, min_size=3, max_size=3))
def test_any_string_survives_report_and_export_as_the_same_text(
    small_analysis, names: list[str], tmp_path: Path
) -> None:
    net, a = small_analysis
    a = dataclasses.replace(a, communities=a.communities.assign(name=names))
    path = write_report(a, tmp_path / "p.xlsx")
    book = openpyxl.load_workbook(path)
    assert all(c.data_type not in "fe" for ws in book for row in ws.iter_rows() for c in row)
    sheet = book.worksheets[0]
    col = [c.value for c in sheet[1]].index("名称")
    written = {row[0].value: row[col].value or "" for row in sheet.iter_rows(min_row=2)}
    assert written == {i: clean_text(n) for i, n in zip(a.communities["id"], names, strict=True)}
    tables = dict(net.tables)
    places = tables["places"].copy()
    places.loc[places.index[:3], "name"] = names
    tables["places"] = places
    out = write_xlsx(tables, tmp_path / "x.xlsx")
    ws = openpyxl.load_workbook(out)[TABLES["places"].zh]
    got = [c.value or "" for c in ws["B"][1:4]]
    assert got == [clean_text(n) for n in names]
    assert all(c.data_type != "f" for c in ws["B"])


def test_every_workbook_writer_goes_through_graph_workbook() -> None:
    """pandas' to_excel and a bare save would write '=…' strings as formulas."""
    offenders = []
    for pkg in ("govnet", "graph", "loaders"):
        for path in (ROOT / pkg).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if path.name != "workbook.py" and any(
                s in text for s in (".to_excel(", "ExcelWriter(", "wb.save(", ".save(path)")
            ):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


# --- archives: checked, then read with a cap --------------------------------------------------


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("bombs")
    out = {
        "ratio": zip_of(SMALL, tmp / "ratio.zip", {"places.csv": zeros_csv("places", 8)}),
        "entry": zip_of(SMALL, tmp / "entry.zip", {"people.csv": zeros_csv("people", 3)}),
        "total": zip_of(
            SMALL,
            tmp / "total.zip",
            {f"{t}.csv": zeros_csv(t, 2) for t in ("people", "matters", "links")},
        ),
        "lying": zip_of(SMALL, tmp / "lying.zip", {"places.csv": zeros_csv("places", 16)}),
        "xlsx": bomb_xlsx(tmp / "bomb.xlsx", 16),
        "lying_xlsx": bomb_xlsx(tmp / "lying.xlsx", 16),
        "crc_xlsx": bomb_xlsx(tmp / "crc.xlsx", 16),  # a lie a truncating reader misses
    }
    lie(out["lying"], "places.csv")
    lie(out["lying_xlsx"], "xl/worksheets/sheet1.xml")
    lie(out["crc_xlsx"], "xl/worksheets/sheet1.xml", prefix_crc=True)
    return out


def test_bombs_are_refused_in_one_line_on_the_cli(bombs: dict[str, Path], tmp_path: Path) -> None:
    base = env(tmp_path)
    report = tmp_path / "r.xlsx"
    cases = [
        (["validate", str(bombs["ratio"])], ("GOVNET_ARCHIVE_MAX_RATIO", "places.csv")),
        (["validate", str(bombs["lying"])], ("damaged archive", "places.csv")),
        (["analyze", str(bombs["xlsx"]), "-f", "xlsx", "-o", str(report)], ("MAX_RATIO",)),
        (["load", str(bombs["crc_xlsx"]), "--db", "falkor://127.0.0.1:1"], ("damaged",)),
    ]
    results = cli_all([(args, base, None) for args, _ in cases])
    for (args, needles), (code, out) in zip(cases, results, strict=True):
        assert code == 1, (args, out)
        line = one_line(out, Path(args[1]).name, *needles)
        assert len(line) < 400, line
    assert not report.exists() and not list(tmp_path.glob(".r.xlsx.*"))


@pytest.mark.parametrize(
    ("kind", "settings", "needles"),
    [
        ("ratio", {}, ("places.csv", "GOVNET_ARCHIVE_MAX_RATIO", "bomb")),
        ("entry", {"MAX_ENTRY_MB": "2", "MAX_RATIO": "1e6"}, ("people.csv", "MAX_ENTRY_MB")),
        ("total", {"MAX_TOTAL_MB": "5", "MAX_RATIO": "1e6"}, ("MAX_TOTAL_MB",)),
        ("entries", {"MAX_ENTRIES": "5"}, ("7 files", "GOVNET_ARCHIVE_MAX_ENTRIES")),
        ("lying", {}, ("places.csv", "damaged archive", "more than the 1,000 bytes")),
        ("xlsx", {}, ("xl/worksheets/sheet1.xml", "MAX_RATIO")),
        ("lying_xlsx", {}, ("xl/worksheets/sheet1.xml", "damaged archive")),
        ("crc_xlsx", {}, ("xl/worksheets/sheet1.xml", "more than the 1,000 bytes it declares")),
        ("ratio", {"MAX_RATIO": "lots"}, ("GOVNET_ARCHIVE_MAX_RATIO", "positive number")),
    ],
)
def test_each_archive_limit_refuses_with_the_file_and_the_setting(
    bombs: dict[str, Path],
    kind: str,
    settings: dict[str, str],
    needles: tuple[str, ...],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    for key, value in settings.items():
        monkeypatch.setenv(f"GOVNET_ARCHIVE_{key}", value)
    path = bombs[kind] if kind != "entries" else zip_of(SMALL, tmp_path / "n.zip")
    report = validate_ledger(path, key=KEY)
    (error,) = report.errors
    assert error.file == path.name and "\n" not in error.message
    for needle in needles:
        assert needle in error.message, (needle, error.message)


def test_province_sized_archives_pass_the_default_limits() -> None:
    """The defaults admit the province demo: its CSV zipped (``govnet demo --scale
    province``), measured once here rather than generated in a test."""
    from loaders.archive import Limits, check

    limits = Limits.from_config()
    measured = {  # member: (uncompressed, compressed) bytes
        "conditions.csv": (1_586_083, 524_857),
        "links.csv": (392_291_119, 56_224_727),
        "matters.csv": (307_632_032, 54_848_290),
        "organizations.csv": (38_072_738, 5_946_046),
        "people.csv": (436_735_180, 129_075_617),
        "places.csv": (66_292_003, 8_388_714),
        "resources.csv": (20_121_370, 2_804_443),
    }

    class Province:
        def infolist(self) -> list[zipfile.ZipInfo]:
            out = []
            for name, (size, packed) in measured.items():
                info = zipfile.ZipInfo(name)
                info.file_size, info.compress_size = size, packed
                out.append(info)
            return out

    check(Province(), "province.zip", limits)  # type: ignore[arg-type]
    assert sum(s for s, _ in measured.values()) < limits.total / 3  # room to grow
    assert max(s for s, _ in measured.values()) < limits.entry / 2
    assert max(s / p for s, p in measured.values()) * 10 < limits.ratio


# --- out of memory ----------------------------------------------------------------------------


def big_zip(path: Path, mb: int) -> Path:
    """A plausible places.csv of ``mb`` MB (compresses far below the upload cap)."""
    rows = b"X,name,community,S1,,\n" * 40_000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(SMALL.glob("*.csv")):
            if p.name != "places.csv":
                z.write(p, p.name)
        with z.open("places.csv", "w") as m:
            m.write(b"id,name,kind,parent_id,lat,lon\n")
            for _ in range(mb * MB // len(rows)):
                m.write(rows)
    return path


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return big_zip(tmp_path_factory.mktemp("big") / "big.zip", 160)


def test_out_of_memory_is_one_line_and_leaves_no_file(big: Path, tmp_path: Path) -> None:
    e = env(tmp_path, GOVNET_ARCHIVE_MAX_RATIO="100000")
    report = tmp_path / "r.xlsx"
    report.write_bytes(b"the old report")
    limit = 600  # MB of address space: enough for govnet and the small ledger
    results = cli_all(
        [
            (["validate", str(SMALL)], e, limit),
            (["validate", str(big)], e, limit),
            (["analyze", str(big), "-f", "xlsx", "-o", str(report)], e, limit),
        ]
    )
    (ok, out_ok), *failed = results
    assert ok == 0, out_ok
    for code, out in failed:
        assert code == 1, out
        one_line(out, "out of memory", "no file was left half-written")
    assert report.read_bytes() == b"the old report"
    # beside the report only the cache folder (HOME is tmp_path), which holds no analysis
    assert sorted(p.name for p in tmp_path.iterdir()) == [".cache", "r.xlsx"]
    assert not list((tmp_path / ".cache").rglob("*.pickle"))


def test_replaced_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    path.write_text("old")
    with pytest.raises(MemoryError), replaced(path) as tmp:
        tmp.write_text("half")
        raise MemoryError
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["out.json"]
    with replaced(path) as tmp:
        tmp.write_text("new")
    assert path.read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["out.json"]


UPLOAD_WORKER = """
import re, resource, sys
import loaders.ledger
from govnet.app.source import load_upload
small, data = (open(p, "rb").read() for p in sys.argv[1:])
used = int(re.search(r"VmSize:\\s+(\\d+) kB", open("/proc/self/status").read())[1]) * 1024
resource.setrlimit(resource.RLIMIT_AS, (used + {0}, used + {0}))  # room for the small ledger
print("SMALL", load_upload("small.zip", small, "en").ok)
print("MESSAGE", load_upload("big.zip", data, "en").message)
"""


def test_app_upload_out_of_memory_is_a_message(big: Path, tmp_path: Path) -> None:
    small = zip_of(SMALL, tmp_path / "small.zip")
    proc = subprocess.run(
        [sys.executable, "-c", UPLOAD_WORKER.format(200 * MB), str(small), str(big)],
        cwd=ROOT,
        env=env(tmp_path, GOVNET_ARCHIVE_MAX_RATIO="100000"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "SMALL True" in proc.stdout, proc.stdout
    assert f"MESSAGE {LABELS['upload_memory'][1]}" in proc.stdout, proc.stdout


# --- the app's upload -------------------------------------------------------------------------


def upload(name: str, data: bytes, **settings: str) -> AppTest:
    old = {k: os.environ.get(k) for k in settings}
    os.environ.update(settings)
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state["lang"] = "en"
        at.session_state["src"] = "upload"
        at.session_state["upload_bytes"] = (name, data)
        return at.run()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.mark.parametrize(
    ("kind", "name", "settings", "needle"),
    [
        ("ratio", "bomb.zip", {}, "GOVNET_ARCHIVE_MAX_RATIO"),
        ("entry", "bomb.zip", {"GOVNET_ARCHIVE_MAX_ENTRY_MB": "2"}, "MAX_ENTRY_MB"),
        ("lying", "lying.zip", {}, "damaged archive"),
        ("xlsx", "bomb.xlsx", {}, "GOVNET_ARCHIVE_MAX_RATIO"),
        ("lying_xlsx", "lying.xlsx", {}, "damaged archive"),
        ("crc_xlsx", "crc.xlsx", {}, "more than the 1,000 bytes it declares"),
    ],
)
def test_app_upload_refuses_bombs(
    bombs: dict[str, Path], kind: str, name: str, settings: dict[str, str], needle: str
) -> None:
    at = upload(name, bombs[kind].read_bytes(), **settings)
    assert not at.exception
    assert any(LABELS["upload_invalid"][1] in e.value for e in at.error)
    (message,) = at.dataframe[0].value["message"]
    assert needle in message and "\n" not in message, message
    assert not at.header  # nothing of the bomb was loaded


# --- one unreadable row, one counted line -----------------------------------------------------


def test_an_unreadable_place_row_reports_its_consequences_as_one_line(tmp_path: Path) -> None:
    folder = ledger_folder(tmp_path / "l")
    places = (folder / "places.csv").read_text(encoding="utf-8")
    broken = places.replace("C1,一社区,community,S1,,", 'C1,一社区,"community,S1,,')
    (folder / "places.csv").write_text(broken, encoding="utf-8")
    people = (folder / "people.csv").read_text(encoding="utf-8").splitlines()
    people[1] = people[1].replace(",B1,", ",NOWHERE,")  # a real unknown id, not a consequence
    (folder / "people.csv").write_text("\n".join(people) + "\n", encoding="utf-8")
    report = validate_ledger(folder, key=KEY)
    first, second, *rest = report.errors
    assert (first.table, first.row, second.table, second.row) == ("places", 5, "places", 5)
    assert "unclosed quote" in first.message
    assert "as a consequence" in second.message and "C1" in second.message
    count = int(second.message.split("consequence, ")[1].split()[0])
    assert count > 20  # the many references to the ids this row swallowed
    assert [(e.table, e.column, e.value) for e in rest] == [("people", "place_id", "NOWHERE")]
    code, out = cli_all([(["validate", str(folder)], env(tmp_path), None)])[0]
    assert code == 1 and out.count("unknown id") == 1, out
    one_line(out, "as a consequence", f"{count} references")
