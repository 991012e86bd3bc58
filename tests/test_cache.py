"""The results cache on disk (issue 13): what comes back is what would be computed."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import numpy as np
import pytest

from gevinst.errors import InputError
from gevinst.io import cache
from gevinst.io import workspace as ws
from gevinst.model import cba

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("GEVINST_CACHE_DIR", str(folder))
    monkeypatch.delenv("GEVINST_CACHE", raising=False)
    return folder


def entries(folder: Path, kind: str) -> list[Path]:
    return sorted((folder / kind).glob("*.pkl")) if (folder / kind).is_dir() else []


def same_loaded(a: ws.Loaded, b: ws.Loaded) -> None:
    assert a.plans.keys() == b.plans.keys()
    for pid in a.plans:
        assert a.plans[pid] == b.plans[pid]
        assert a.measurements[pid] == b.measurements[pid]
    assert a.excluded.keys() == b.excluded.keys()


def test_a_second_load_reads_the_cache_and_gets_the_same(own_cache: Path, workspace: Path) -> None:
    first = ws.load_valid(workspace)
    assert len(entries(own_cache, "plan")) == len(entries(own_cache, "register")) == 6
    ws.clear_parse_cache()
    calls: list[str] = []
    real = ws.load_plan

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    try:
        ws.load_plan = counting  # type: ignore[assignment]
        second = ws.load_valid(workspace)
    finally:
        ws.load_plan = real  # type: ignore[assignment]
    assert calls == []  # nothing parsed or validated again
    same_loaded(first, second)
    assert second.plans["velferdsteknologi"] is not first.plans["velferdsteknologi"]  # own copies


def test_a_changed_plan_or_register_is_read_again(own_cache: Path, workspace: Path) -> None:
    ws.load_valid(workspace)
    plan = workspace / "projects" / "ebyggesak.yaml"
    text = plan.read_text(encoding="utf-8")
    old = "name: Digital byggesaksbehandling (eByggesak)"
    assert old in text
    plan.write_text(text.replace(old, old + " endret", 1), encoding="utf-8")
    register = workspace / "measurements" / "velferdsteknologi.csv"
    lines = register.read_text(encoding="utf-8").splitlines(keepends=True)
    register.write_text("".join(lines[:-1]), encoding="utf-8")  # the last row taken out
    again = ws.load_valid(workspace)
    assert again.plans["ebyggesak"].project.name.endswith("endret")
    assert len(again.measurements["velferdsteknologi"]) == len(lines) - 2
    ws.clear_parse_cache()
    fresh_off = _uncached(workspace)
    same_loaded(again, fresh_off)


def _uncached(root: Path) -> ws.Loaded:
    old = os.environ.get("GEVINST_CACHE")
    os.environ["GEVINST_CACHE"] = "off"
    try:
        return ws.load_valid(root)
    finally:
        if old is None:
            del os.environ["GEVINST_CACHE"]
        else:
            os.environ["GEVINST_CACHE"] = old


def test_errors_are_never_kept_and_come_in_the_language_asked(
    own_cache: Path, workspace: Path
) -> None:
    plan = workspace / "projects" / "ebyggesak.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + "\nunknown_key: 1\n", encoding="utf-8")
    for lang in ("nb", "en", "nb"):
        loaded = ws.load_valid(workspace, lang=lang)
        assert "ebyggesak" in loaded.excluded and "ebyggesak" not in loaded.plans
    assert len(entries(own_cache, "plan")) == 5  # the five valid ones only
    with pytest.raises(InputError):
        ws.load_project(workspace, "ebyggesak")


def test_cache_off_writes_nothing(tmp_path: Path, workspace: Path, monkeypatch) -> None:
    monkeypatch.setenv("GEVINST_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("GEVINST_CACHE", "off")
    loaded = ws.load_valid(workspace)
    cache.analyse(loaded.plans["ebyggesak"], loaded.workspace)
    assert not (tmp_path / "c").exists()


def test_an_analysis_read_back_equals_the_computed_one(own_cache: Path) -> None:
    loaded = ws.load_valid(REPO / "data")
    plan, w = loaded.plans["felles-erp"], loaded.workspace
    computed = cba.analyse(plan, w)
    first = cache.analyse(plan, w)
    back = cache.analyse(plan, w)
    assert len(entries(own_cache, "analysis")) == 1
    for r in (first, back):
        assert r.npv == computed.npv and r.irr == computed.irr
        assert r.monte_carlo == computed.monte_carlo
        np.testing.assert_array_equal(r.monte_carlo.npv, computed.monte_carlo.npv)
        assert [s.switching_value for s in r.sensitivity] == [
            s.switching_value for s in computed.sensitivity
        ]
        assert r.per_year.equals(computed.per_year)
    # other arguments, other entries; assumptions are never cached
    cache.analyse(plan, w, sensitivity=False)
    cache.analyse(plan, w, monte_carlo=False)
    assert len(entries(own_cache, "analysis")) == 3
    cache.analyse(plan, w, assumptions=cba.Assumptions(delay_years=1))
    assert len(entries(own_cache, "analysis")) == 3
    # a changed plan is another key
    changed = plan.model_copy(update={"project": plan.project.model_copy(update={"name": "X"})})
    cache.analyse(changed, w)
    assert len(entries(own_cache, "analysis")) == 4


def test_damaged_or_foreign_entries_are_ignored(own_cache: Path, workspace: Path) -> None:
    first = ws.load_valid(workspace)
    victims = entries(own_cache, "plan")
    victims[0].write_bytes(b"not a pickle")
    victims[1].write_bytes(pickle.dumps("the wrong kind of thing")[:5])
    ws.clear_parse_cache()
    again = ws.load_valid(workspace)
    same_loaded(first, again)
    assert len(entries(own_cache, "plan")) == 6  # rewritten
    assert not list((own_cache / "plan").glob(".*.tmp"))  # no temporaries left


def test_the_code_is_part_of_every_key(monkeypatch) -> None:
    a = cache.key("x", b"same")
    monkeypatch.setattr(cache, "code_fingerprint", lambda: b"another version")
    assert cache.key("x", b"same") != a
    assert cache.key("x", b"same") == cache.key("x", b"same")
    assert cache.key("ab", "c") != cache.key("a", "bc")  # parts are length-prefixed


def test_prune_and_clear(own_cache: Path) -> None:
    for k in range(10):
        cache.put("t", f"{k:040x}", k)
    assert len(entries(own_cache, "t")) == 10
    assert cache.prune("t", limit=4) == 6
    assert len(entries(own_cache, "t")) == 4
    assert cache.clear() == 4
    assert cache.get("t", f"{9:040x}") is cache.MISS


def test_an_unwritable_cache_is_skipped(tmp_path: Path, workspace: Path, monkeypatch) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    monkeypatch.setenv("GEVINST_CACHE_DIR", str(blocked))
    loaded = ws.load_valid(workspace)  # no error: the cache only saves time
    assert len(loaded.plans) == 6


def test_the_cli_gives_the_same_answer_cold_and_warm(tmp_path: Path, workspace: Path) -> None:
    import subprocess
    import sys

    gevinst = Path(sys.executable).parent / "gevinst"
    env = {**os.environ, "GEVINST_CACHE_DIR": str(tmp_path / "c")}
    out = []
    for _ in range(2):
        run = subprocess.run(
            [str(gevinst), "portfolio", "--json", "--as-of", "2026-12-01", "--workspace",
             str(workspace)],
            capture_output=True, text=True, env=env, timeout=120, check=True,
        )  # fmt: skip
        out.append(run.stdout)
    assert out[0] == out[1]
    shutil.rmtree(tmp_path / "c")
    off = subprocess.run(
        [str(gevinst), "portfolio", "--json", "--as-of", "2026-12-01", "--workspace",
         str(workspace)],
        capture_output=True, text=True, env={**env, "GEVINST_CACHE": "off"}, timeout=120,
        check=True,
    )  # fmt: skip
    assert off.stdout == out[0]


def test_the_cache_command_says_where_and_clears(own_cache: Path, workspace: Path) -> None:
    from click.testing import CliRunner

    from gevinst.cli.main import cli

    ws.load_valid(workspace)
    shown = CliRunner().invoke(cli, ["cache"])
    assert shown.exit_code == 0, shown.output
    assert str(own_cache) in shown.output and "plan: 6 oppføringer" in shown.output
    cleared = CliRunner().invoke(cli, ["cache", "--clear", "--lang", "en"])
    assert cleared.exit_code == 0 and "12 entries" in cleared.output
    assert "empty" in CliRunner().invoke(cli, ["cache", "--lang", "en"]).output


def test_an_empty_register_is_not_a_missing_one(own_cache: Path, workspace: Path) -> None:
    register = workspace / "measurements" / "ebyggesak.csv"
    register.unlink()
    assert ws.load_valid(workspace).measurements["ebyggesak"] == []  # kept: no register
    register.write_bytes(b"")  # an empty file is an error, cached or not
    assert "ebyggesak" in ws.load_valid(workspace).excluded
