"""社区画像: key actors, the profile data and its PDF, rendered to PNG (pdftoppm) and read back
(pdftotext), from the CLI and from Python."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from typer.testing import CliRunner

from govnet.profile import PROJECTED, build_profile
from govnet.profile_pdf import FontMissing, find_font, write_pdf
from graph.analysis.key_actors import key_actors
from graph.analysis.model import plain
from graph.analysis.whatif import Baseline, Scenario
from loaders.ledger import read_ledger
from tests.conftest import ARTIFACTS, ROOT

SMALL = ROOT / "tests" / "fixtures" / "small"


@pytest.fixture(scope="module")
def base() -> Baseline:
    return Baseline(read_ledger(SMALL), 2024)


@pytest.fixture(scope="module")
def profile_c1(base):
    return build_profile(base, "C1")


def test_key_actors_agree_with_removing_each_one(base) -> None:
    k = key_actors(base, "C1").set_index("id")
    e = base.before.evidence
    actors = set(e[(e["community_id"] == "C1") & (e["metric"] == "reach")]["id"])
    assert actors <= set(k.index) and {"O_C1", "O_C1b", "O_G1", "O_P2"} <= set(k.index)
    assert k.at["O_C1", "is_core"] and k.at["O_C1", "core_after"] == "O_C1b"
    for nid in ("O_C1", "PC1"):  # the shortcut equals a what-if run of the same removal
        after = base.run(Scenario(remove_nodes=(nid,))).after.communities.set_index("id")
        assert k.at[nid, "reach_after"] == pytest.approx(after.at["C1", "reach"])
        assert k.at[nid, "coverage_index_after"] == pytest.approx(after.at["C1", "coverage_index"])
        assert k.at[nid, "weak_score_after"] == after.at["C1", "weak_score"]
    impact = key_actors(base, "C1")["impact"].tolist()
    assert impact == sorted(impact, reverse=True)


def test_profile_data(base, profile_c1) -> None:
    p = profile_c1
    e = base.before.explain("C1", "reach")
    assert {a["id"] for a in p.reached} == set(e["numerator"])
    assert {a["id"] for a in p.reached + p.unreached} == set(e["denominator"])
    assert p.core["id"] == "O_C1" and p.name == "一社区"
    assert [m for m, _v in p.sections["extensions"]][:6] == [
        "ext_grid", "ext_compound", "ext_building", "ext_property", "ext_owners", "ext_social",
    ]  # fmt: skip
    assert len(p.explain["ext_grid"]["denominator"]) == 2  # G1 and G2
    assert {s["star"] for s in p.stars} == set(range(1, 6))
    # the projection of all suggestions is what applying them does
    after = base.run(Scenario(apply_suggestions=("C1",))).after.communities.set_index("id")
    before = base.before.communities.set_index("id")
    assert set(PROJECTED) <= set(p.projected)
    for m, (today, projected) in p.projected.items():
        assert plain(projected) == plain(after.at["C1", m])
        assert plain(today) == plain(before.at["C1", m])


CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def test_suggestion_sentences_follow_the_language(base, profile_c1) -> None:
    """English sentences have no Chinese outside the ledger's own names (in “…”); a partner
    unit is two links, co-building with the core and led by it, and the sentence says so."""
    en = build_profile(base, "C1", with_key_actors=False, lang="en")
    zh = profile_c1.suggestions
    assert [s["links"] for s in en.suggestions] == [s["links"] for s in zh]
    assert {s["kind"] for s in en.suggestions} == {"resource", "co_building"}
    for s in en.suggestions:
        assert not CJK.search(re.sub(r"“[^”]*”", "", s["text"])), s["text"]
    for s in zh:
        assert CJK.search(re.sub(r"「[^」]*」", "", s["text"])), s["text"]
    (partner,) = [s for s in en.suggestions if s["kind"] == "co_building"]
    assert partner["links"] == [("U6", "CO_BUILDS", "O_C1"), ("O_C1", "LEADS", "U6")]
    assert "“一社区党委”" in partner["text"] and "led by" in partner["text"]
    (partner,) = [s for s in zh if s["kind"] == "co_building"]
    assert "「一社区党委」牵头" in partner["text"]


def _render(pdf: Path, tmp: Path) -> list[Path]:
    """Every page as a PNG, via poppler's pdftoppm (apt-get install poppler-utils)."""
    assert shutil.which("pdftoppm"), "pdftoppm missing: apt-get install poppler-utils"
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp / "page")], check=True)
    return sorted(tmp.glob("page-*.png"))


def _text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def _check_pages(pngs: list[Path]) -> None:
    for png in pngs:
        img = Image.open(png).convert("L")
        assert img.size[0] < img.size[1]  # portrait
        w, h = img.size
        assert abs(h / w - 297 / 210) < 0.02  # A4
        assert ImageStat.Stat(img).stddev[0] > 10, f"{png.name} is blank"


def test_profile_pdf_renders(profile_c1, tmp_path) -> None:
    out = write_pdf([profile_c1], tmp_path / "c1.pdf")
    pngs = _render(out, tmp_path)
    assert 2 <= len(pngs) <= 4
    _check_pages(pngs)
    text = _text(out)
    for words in (
        "社区画像 · 一社区",
        "六个延伸",
        "13710",
        "关键主体",
        "摘星",
        "建议链接",
        "三年趋势",
    ):
        assert words in text, words
    assert "一社区党委" in text  # the core, in the diagram and the header
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert "yes" in fonts.splitlines()[-1].split()[-4:-1]  # the font is embedded (emb)
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    shutil.copy(pngs[0], shots / "profile_pdf_page1.png")


def test_cli_profile_single_and_weak_bundle(tmp_path) -> None:
    from govnet.cli.main import app

    one = tmp_path / "one.pdf"
    r = CliRunner().invoke(
        app, ["profile", str(SMALL), "C2", "--year", "2024", "--no-key-actors", "--out", str(one)]
    )
    assert r.exit_code == 0, r.output
    assert "二社区" in _text(one)
    bundle = tmp_path / "weak.pdf"
    r = CliRunner().invoke(
        app,
        ["profile", str(SMALL), "--weak", "--year", "2024", "--no-key-actors", "-o", str(bundle)],
    )
    assert r.exit_code == 0, r.output
    a = Baseline(read_ledger(SMALL), 2024).before.communities
    weak = a[a["weak"].astype(bool)]
    text = _text(bundle)
    assert len(weak) >= 2
    for name in weak["name"]:
        assert f"社区画像 · {name}" in text
    assert text.count("社区画像 · ") == len(weak)
    r = CliRunner().invoke(app, ["profile", str(SMALL), "C9", "-o", str(tmp_path / "x.pdf")])
    assert r.exit_code == 2 and "C9" in r.output


def test_missing_font_says_what_to_install(monkeypatch, tmp_path) -> None:
    import govnet.profile_pdf as pdfmod
    from govnet.cli.main import app

    monkeypatch.setattr(pdfmod, "FONT_FILES", ())
    monkeypatch.setattr(pdfmod, "_fc_list", lambda: [])
    with pytest.raises(FontMissing, match="fonts-wqy-microhei"):
        find_font()
    r = CliRunner().invoke(app, ["profile", str(SMALL), "C1", "-o", str(tmp_path / "x.pdf")])
    assert r.exit_code == 2 and "fonts-wqy-microhei" in r.output
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_profile_page_renders_on_an_uploaded_ledger(lang: str) -> None:
    """The page through Streamlit's AppTest on the small ledger of tests/ledgers.py, both
    languages: no error, the diagram, key actors and the stars table are there."""
    from govnet.app.i18n import LABELS
    from tests.apptest import app, problems
    from tests.ledgers import small_tables, zip_bytes

    at = app(lang, upload=zip_bytes(small_tables()))
    at.switch_page("govnet/app/profile.py").run()
    assert not problems(at), problems(at)
    i = 1 if lang == "en" else 0
    assert LABELS["page_profile"][i] in " ".join(h.value for h in at.header)
    subheaders = " ".join(h.value for h in at.subheader)
    for key in ("pf_one_core", "pf_key_actors", "pf_stars", "pf_trend"):
        assert LABELS[key][i] in subheaders, key
    assert any('data-testid="one-core"' in m.value for m in at.markdown)
