"""Alternatives at BP2 (issue 12, point 3): each alternative against the null
alternative, by hand. Builders as in ``test_cba`` (flat 4 %, timing start, 2024–2028).

Main plan: cost 100 in 2024, benefit 30 a year 2025–2028: NPV = −100 + 30·A = 8.896857
with A = Σ_{t=1..4} 1.04^-t = 3.6298952.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_cba import A, benefit, cost, make_plan, workspace

from gevinst.cli.main import cli
from gevinst.model.alternatives import NULL_ID, compare_alternatives
from gevinst.model.schema import Plan
from gevinst.model.validate import plan_issues

EXAMPLE = Path(__file__).resolve().parents[1] / "data"


def plan_with(alternatives: list[dict], recommended: str = "A2", **choice: str) -> Plan:
    data = make_plan([cost("K1", {2024: 100})], [benefit("G1", 30, 2025)]).model_dump()
    data["non_priced_effects"] = [
        {"id": "N1", "name": "Tryggere tjeneste", "score": 2, "justification": "Færre feil"}
    ]
    data["alternatives"] = alternatives
    data["alternatives_choice"] = {
        "null_alternative": "Dagens ordning",
        "recommended": recommended,
        "justification": "Best samlet",
        **choice,
    }
    return Plan.model_validate(data)


ALTS = [
    {"id": "A1", "name": "Hovedplanen"},
    {
        "id": "A2",
        "name": "Halv utgave",
        "cost_factor": 0.5,
        "benefit_factor": 0.5,
        "scores": {"N1": 4},
    },
    {"id": "A3", "name": "Uten gevinst", "excluded_lines": ["G1"], "scores": {"N1": -1}},
    {"id": "A4", "name": "Ett år senere", "delay_years": 1},
]


def test_alternatives_by_hand_and_ranked_with_the_null_alternative() -> None:
    plan = plan_with(ALTS)
    assert plan_issues(plan, workspace()) == []
    r = compare_alternatives(plan, workspace())
    assert r is not None
    by = {row.id: row for row in r.rows}
    assert by[NULL_ID].npv == 0 and by[NULL_ID].scores == {"N1": 0} and by[NULL_ID].is_null
    # A1 = the main plan: −100 + 30·A = 8.896857.
    assert by["A1"].npv == pytest.approx(-100 + 30 * A)
    # A2: costs and benefits halved: −50 + 15·A = 4.448428.
    assert by["A2"].npv == pytest.approx(-50 + 15 * A)
    # A3: the benefit left out: −100.
    assert by["A3"].npv == pytest.approx(-100)
    # A4: benefits one year later: 2026–2028 = 30·(A − 1.04^-1) − 100 = −19.949524.
    assert by["A4"].npv == pytest.approx(-100 + 30 * (A - 1 / 1.04))
    # Non-priced scores: the plan's (2) unless re-scored; never added to the NPV.
    assert (by["A1"].scores, by["A2"].scores, by["A3"].scores) == ({"N1": 2}, {"N1": 4}, {"N1": -1})
    assert (by["A3"].plus, by["A3"].minus) == (0, 1)
    # Priced ranking by NPV, the null alternative (0) included.
    assert [row.id for row in sorted(r.rows, key=lambda x: x.rank)] == [
        "A1",
        "A2",
        NULL_ID,
        "A4",
        "A3",
    ]
    assert r.top_priced == "A1" and r.ranked_by == "npv"
    # A2 is recommended although A1 has the higher NPV: the justification must argue it.
    assert by["A2"].recommended and r.needs_non_priced_argument
    assert not compare_alternatives(plan_with(ALTS, "A1"), workspace()).needs_non_priced_argument
    assert compare_alternatives(make_plan([cost("K1", {2024: 1})]), workspace()) is None


def test_alternatives_are_validated() -> None:
    bad = plan_with(
        [{"id": "A1", "name": "En", "excluded_lines": ["G9"], "scores": {"N9": 1}}],
        recommended="A7",
        justification="",
    )
    got = {(i.problem, i.key) for i in plan_issues(bad, workspace())}
    assert got == {
        ("invalid", "alternatives"),
        ("unknown_reference", "alternatives[0].excluded_lines[0]"),
        ("unknown_reference", "alternatives[0].scores.N9"),
        ("missing", "alternatives_choice.justification"),
        ("unknown_reference", "alternatives_choice.recommended"),
    }
    dup = plan_with([{"id": "A1", "name": "En"}, {"id": "A1", "name": "To"}], "A1")
    assert [(i.problem, i.key) for i in plan_issues(dup, workspace())] == [
        ("duplicate_id", "alternatives[1].id")
    ]


def test_example_bp2_project_compares_its_alternatives() -> None:
    out = CliRunner().invoke(
        cli, ["cba", "felles-avfall", "--workspace", str(EXAMPLE), "--json", "--draws", "200"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)["alternatives"]
    ids = [a["id"] for a in data["alternatives"]]
    assert ids == [NULL_ID, "A1", "A2", "A3"]
    best = min(data["alternatives"], key=lambda a: a["rank"])
    assert best["id"] == data["recommended"] == "A2" and not data["needs_non_priced_argument"]
    for a in data["alternatives"]:
        assert {"npv", "npv_per_budget_krone", "non_priced_scores", "rank"} <= set(a)


def test_report_table_chart_and_verdict() -> None:
    from gevinst.report import figures, plan_life_text, tables

    r = compare_alternatives(plan_with(ALTS), workspace())
    table = tables.alternatives_table(r, "nb")
    assert list(table.iloc[:, 1]) == [
        "A1: Hovedplanen",
        "A2: Halv utgave",
        "Nullalternativet",
        "A4: Ett år senere",
        "A3: Uten gevinst",
    ]
    assert list(table["N1"]) == ["++", "++++", "0", "++", "−"]
    assert table.iloc[1, -1] == "✔ Anbefalt"
    chart = figures.alternatives_chart(r, "en")
    assert "Recommended: A2, number 2 in the priced ranking" in chart.alt
    figures.close(chart)
    verdict = " ".join(plan_life_text.alternatives_verdict(r, "nb"))
    assert (
        "ikke-prissatte virkningene veier opp" in verdict and "Begrunnelse: Best samlet" in verdict
    )
