"""The schema: labels, enumerations, parsing rules, YAML round trip, generated docs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from gevinst.io import workspace as ws
from gevinst.io.yamlfile import dump_yaml, load_yaml
from gevinst.model import schema as s
from gevinst.schema_docs import schema_markdown

REPO = Path(__file__).resolve().parents[1]


def test_every_field_has_norwegian_and_english_label():
    for model in (
        s.Plan,
        s.Project,
        s.Goals,
        s.EffectGoal,
        s.ResultGoal,
        s.Benefit,
        s.Valuation,
        s.TakeOut,
        s.Cost,
        s.Uncertainty,
        s.NonPricedEffect,
        s.Risk,
        s.Milestone,
        s.Measurement,
        s.Workspace,
        s.Municipality,
    ):
        for name in model.model_fields:
            assert s.label(model, name, "nb") != name or name in ("id",), (model, name)
            assert s.label(model, name, "en")


def test_enum_labels_round_trip():
    for enum in (
        s.BenefitKind,
        s.BenefitCategory,
        s.Direction,
        s.Profile,
        s.Frequency,
        s.CostCategory,
        s.CostSharing,
        s.DecisionPoint,
        s.Level,
    ):
        for member in enum:
            assert enum.from_label(member.label("nb")) is member
            assert enum.from_label(member.label("en")) is member
            assert enum.from_label(member.value) is member
    with pytest.raises(ValueError):
        s.BenefitKind.from_label("penger")


@pytest.mark.parametrize(
    ("given", "score"),
    [("++++", 4), ("+", 1), ("0", 0), ("−−", -2), ("---", -3), (-4, -4), ("+2", 2), (3, 3)],
)
def test_impact_scale_accepts_symbols(given, score):
    effect = s.NonPricedEffect(id="V1", name="Tillit", score=given, justification="fordi")
    assert effect.score == score


@pytest.mark.parametrize("given", ["+++++", 5, "mye", True])
def test_impact_scale_refuses_out_of_scale(given):
    with pytest.raises(ValidationError):
        s.NonPricedEffect(id="V1", name="Tillit", score=given, justification="fordi")


@pytest.mark.parametrize("bad", ["../x", "a b", "a/b", "", "-lead", "x" * 65, "æøå"])
def test_ids_must_be_safe(bad):
    with pytest.raises(ValidationError):
        s.EffectGoal(id=bad, text="t", indicator="i")


def test_project_id_is_lowercase_slug():
    assert s.is_safe_id("felles-erp", project=True)
    assert not s.is_safe_id("Felles-ERP", project=True)
    assert not s.is_safe_id("../etc", project=True)


def test_formula_injection_refused_everywhere_text_is():
    with pytest.raises(ValidationError) as exc:
        s.Risk(id="R1", description="=1+1", probability=2, consequence=3)
    assert "formula_injection" in str(exc.value)
    assert s.Risk(id="R1", description="+ mer bruk", probability=2, consequence=3).description


def test_unknown_fields_refused():
    with pytest.raises(ValidationError):
        s.Milestone(id="M1", name="BP3", date=dt.date(2025, 1, 1), colour="red")


def test_uncertainty_defaults_to_certain():
    u = s.Uncertainty()
    assert (u.low, u.likely, u.high) == (1.0, 1.0, 1.0)


@pytest.mark.parametrize("pid", ws.project_ids(REPO / "data"))
def test_yaml_round_trip_is_lossless(tmp_path, pid):
    config = ws.load_config(REPO / "data")
    plan = ws.load_plan(REPO / "data", pid, config)
    out = tmp_path / f"{pid}.yaml"
    out.write_text(ws.plan_to_yaml(plan), encoding="utf-8")
    data, _ = load_yaml(out)
    assert s.Plan.model_validate(data) == plan


def test_dump_yaml_writes_dates_plainly():
    text = dump_yaml({"date": dt.date(2025, 3, 1), "kind": s.BenefitKind.CASH, "n": 2.0})
    assert text == "date: 2025-03-01\nkind: cash\nn: 2\n"


def test_committed_field_reference_matches_schema():
    committed = (REPO / "docs" / "schema.md").read_text(encoding="utf-8")
    assert committed == schema_markdown(), "run: gevinst schema --out docs/schema.md"


def test_workspace_defaults():
    w = s.Workspace(
        organisation="X", municipalities=[{"name": "A", "population": 1}], hourly_cost=700
    )
    assert w.discounting.rule == s.DiscountRule.R109
    assert w.discounting.timing == s.Timing.START
    # the tax financing cost is on by default for the public sector.
    assert w.tax_financing.enabled is True and w.tax_financing.rate == 0.2
    assert w.base_year is None and w.price_year is None and w.budget_constrained is False
    assert (w.status_thresholds.green, w.status_thresholds.yellow) == (0.9, 0.7)
    assert w.monte_carlo.draws >= 10_000
