"""The gap between the NPV as planned and the expected NPV, line by line (gevinst.model.explain),
and the sentence the report makes of it."""

from __future__ import annotations

import pytest
from test_cba import A, benefit, cost, make_plan, workspace

from gevinst.model.cba import analyse
from gevinst.model.explain import GapLine, main_causes
from gevinst.report import text


def hand_case():
    # K1 cost 100 in year 0 with (0.9, 1.0, 1.4): E[m] = 1.1, so its term is
    # (1 − 1.1) · (−100) = 10. G1 benefit 30 a year in years 1–4 (flat 4 %, A = 3.6298952)
    # with (0.5, 1.0, 1.1): E[m] = 2.6/3 = 0.866667, term (1 − 0.866667) · 30 · A = 14.519581.
    # K2 (20, certain) lowers both by 20: planned −120 + 30·A = −11.103143, expected
    # −130 + 26·A = −35.622724; gap 24.519581.
    plan = make_plan(
        [cost("K1", {2024: 100}, uncertainty=(0.9, 1.0, 1.4)), cost("K2", {2024: 20})],
        [benefit("G1", 30, 2025, uncertainty=(0.5, 1.0, 1.1))],
    )
    return analyse(plan, workspace(), monte_carlo=False)


def test_the_gap_splits_into_one_term_per_uncertain_line_by_hand() -> None:
    r = hand_case()
    gap = {g.id: g for g in r.npv_gap}
    assert set(gap) == {"K1", "G1"}  # K2 has no uncertainty: no term
    assert gap["K1"].amount == pytest.approx(10.0)
    assert gap["G1"].amount == pytest.approx(0.4 / 3 * 30 * A)
    assert gap["G1"].amount == pytest.approx(14.519581, abs=1e-6)
    assert [g.id for g in r.npv_gap] == ["G1", "K1"]  # largest first
    assert sum(g.amount for g in r.npv_gap) == pytest.approx(r.npv_as_planned - r.npv)
    assert r.npv_as_planned - r.npv == pytest.approx(24.519581, abs=1e-6)


def test_main_causes_cover_most_of_the_gap_and_skip_lines_against_it() -> None:
    g = [
        GapLine("G2", "a", "benefit", 9.0, 0.8),
        GapLine("G1", "c", "benefit", -1.0, 1.05),
        GapLine("K1", "b", "cost", 4.0, 1.1),
    ]
    # total 12: G2 alone is 75 % (< 80 %), G2 + K1 = 13 ≥ 9.6
    assert [x.id for x in main_causes(g)] == ["G2", "K1"]
    assert [x.id for x in main_causes(g, share=0.7)] == ["G2"]
    assert main_causes([]) == []


def test_the_gap_sentence_names_the_lines_with_their_amounts() -> None:
    r = hand_case()
    sentence = text.npv_gap_sentence(r)
    # amounts under 100 000 kr are whole kroner: −35,6 → "−36 kr", 24,5 → "25 kr", −11,1 → "−11 kr"
    assert sentence.startswith(
        "Forventet netto nåverdi (−36\u00a0kr) er 25\u00a0kr lavere enn som planlagt (−11\u00a0kr)"
    )
    assert "gevinsten G1 «Gevinst G1» (15\u00a0kr) og kostnaden K1 «Kostnad K1» (10\u00a0kr)." in sentence
    assert text.npv_gap_sentence(r, "en").startswith("The expected NPV")


def test_no_gap_no_sentence() -> None:
    plan = make_plan([cost("K1", {2024: 100})], [benefit("G1", 30, 2025)])
    assert text.npv_gap_sentence(analyse(plan, workspace(), monte_carlo=False)) == ""
