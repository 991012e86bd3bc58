"""Tables (Norwegian headers, status by symbol and word, escaped HTML), Norwegian number
and date formatting, the steering group's summary on a hand case, and the explorer logic."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_figures import HOSTILE, small_measurements, small_plan, small_workspace

from gevinst.io.workspace import load
from gevinst.model import cba, decisions, overall, portfolio, tracking
from gevinst.model.tracking import ItemStatus
from gevinst.report import explore, status_text, summary, tables, text
from gevinst.report.text import NBSP

AS_OF = dt.date(2026, 11, 25)


# --------------------------------------------------------------------------- formatting


def test_numbers_in_norwegian_conventions():
    assert text.fmt_nok(1234567) == f"1{NBSP}234{NBSP}567{NBSP}kr"
    assert text.fmt_nok(-1234567.4) == f"−1{NBSP}234{NBSP}567{NBSP}kr"
    assert text.fmt_nok(12_345_678, short=True) == f"12,3{NBSP}mill.{NBSP}kr"
    assert text.fmt_nok(823_948, short=True) == f"0,8{NBSP}mill.{NBSP}kr"
    assert text.fmt_nok(23_234, short=True) == f"23{NBSP}234{NBSP}kr"
    assert text.fmt_nok(None) == "–"
    assert text.fmt_percent(0.125) == f"12,5{NBSP}%"
    assert text.fmt_percent(-0.004, decimals=0) == f"0{NBSP}%"  # no "−0"
    assert text.fmt_number(1234.5, 1) == f"1{NBSP}234,5"
    assert text.fmt_date(dt.date(2026, 11, 25)) == "25.11.2026"
    assert text.fmt_date(dt.date(2026, 3, 5)) == "05.03.2026"
    assert [text.fmt_value(v) for v in (4.25, 4.1, 13.94, 85.0, 23500.4)] == [
        "4,25",
        "4,1",
        "13,9",
        "85",
        f"23{NBSP}500",
    ]


def test_numbers_in_english():
    assert text.fmt_nok(1234567, "en") == f"NOK{NBSP}1,234,567"
    assert text.fmt_nok(-2_500_000, "en", short=True) == f"NOK{NBSP}−2.5{NBSP}m"
    assert text.fmt_percent(0.125, "en") == "12.5%"
    assert text.fmt_date(dt.date(2026, 11, 25), "en") == "25 Nov 2026"


def test_rates_and_as_of():
    assert text.fmt_rate(0.04) == f"4{NBSP}%"
    assert text.fmt_rate(0.025, "en") == "2.5%"
    assert text.parse_as_of(dt.datetime(2026, 11, 25, 9, 0), dt.date(2026, 1, 2)) == AS_OF
    with pytest.raises(ValueError):
        text.parse_as_of("25.11.2026", dt.date(2026, 1, 2))


def test_join_words_and_as_of():
    assert text.join_words(["a", "b", "c"]) == "a, b og c"
    assert text.join_words(["a", "b"], "en") == "a and b"
    assert text.parse_as_of("", dt.date(2026, 1, 2)) == dt.date(2026, 1, 2)
    assert text.parse_as_of("2026-11-25", dt.date(2026, 1, 2)) == AS_OF


def test_status_labels_have_symbol_and_word():
    assert [text.status_label(s) for s in ("green", "yellow", "red", "grey")] == [
        "✔ På plan",
        "▲ Litt bak",
        "✖ Bak plan",
        "? Ikke målt",
    ]
    assert text.status_label("yellow", "en") == "▲ Slightly behind"


def test_counted_words_and_status_counts():
    assert text.count_words(1, "risk") == "1 risiko"
    assert text.count_words(3, "risk", "en") == "3 risks"
    assert text.count_words(2, "result") == "2 resultatmål"
    assert text.count_words(0, "benefit") == ""  # left out by join_words
    assert text.status_count_parts({"green": 2, "yellow": 0, "red": 1}) == [
        "✔ 2 på plan",
        "✖ 1 bak plan",
    ]
    assert text.status_count_parts({"grey": 1}, "en", symbols=False) == ["1 not measured"]
    assert tables.status_counts_text({}) == "–"


# --------------------------------------------------------------------------- status in words


def status(
    id_: str, state: str, *, kind: str = "benefit", latest: dt.date | None = None, **kw
) -> ItemStatus:
    """An ItemStatus with only what the text needs set to something meaningful."""
    values = dict(
        project="test-prosjekt",  # small_plan()'s id
        id=id_,
        kind=kind,
        name=f"Gevinst {id_}",
        owner=f"Eier {id_}",
        effect_goal="E1",
        unit="timer",
        direction="decrease",
        baseline=100.0,
        target=50.0,
        target_date=dt.date(2027, 12, 31),
        latest_value=None if latest is None else 80.0,
        latest_date=latest,
        realised_share=None if latest is None else 0.4,
        planned_share=0.6,
        deviation=None,
        status=state,
        forecast_at_target=None,
        forecast_note="too_few_measurements",
        realised_nok=None,
        planned_nok=None,
        next_due=dt.date(2027, 1, 1),
        as_of=AS_OF,
    )
    values.update(kw)
    return ItemStatus(**values)


def test_status_sentence_hand_case():
    items = [
        status("G1", "green", latest=dt.date(2026, 9, 30)),
        status("G2", "green", latest=dt.date(2026, 9, 30)),
        status("G3", "green", latest=dt.date(2026, 9, 30)),
        status("G4", "red", latest=dt.date(2026, 9, 30)),
        status("G5", "grey", latest=dt.date(2026, 3, 31)),
        status("R1", "yellow", kind="result", latest=dt.date(2026, 9, 30)),
    ]
    assert text.status_sentence(items, AS_OF) == (
        "3 av 5 gevinster er på plan, 1 er bak plan og 1 er ikke målt siden mars."
    )
    assert text.status_sentence(items, AS_OF, "en") == (
        "3 of 5 benefits are on track, 1 is behind plan and 1 is not measured since March."
    )
    assert (
        text.status_sentence(items, AS_OF, kind="result") == "1 av 1 resultatmål er litt bak plan."
    )
    older = [status("G1", "grey", latest=dt.date(2025, 12, 31))]
    assert text.status_sentence(older, AS_OF) == "1 av 1 gevinst er ikke målt siden desember 2025."
    never = [status("G1", "grey")]
    assert text.status_sentence(never, AS_OF) == "1 av 1 gevinst er ikke målt ennå."


def fake_cba(npv: float, prob: float | None) -> SimpleNamespace:
    mc = (
        None
        if prob is None
        else SimpleNamespace(
            p10=-2e6, p15=-1.6e6, p50=-0.5e6, p85=1e6, p90=1.5e6, prob_positive=prob
        )
    )
    return SimpleNamespace(
        npv=npv,
        npv_as_planned=npv + 2e6,
        npv_cash_only=npv - 1e6,
        npv_per_budget_krone=-0.2,
        bcr=0.8,
        irr=None,
        payback_year=2030,  # undiscounted: not shown (it disagrees with a negative NPV)
        discounted_payback_year=None,
        monte_carlo=mc,
    )


def test_summary_hand_case():
    plan = small_plan()  # BP4 due 01.11.2025 and not done; BP5 01.03.2026
    items = [
        status("G1", "green", latest=dt.date(2026, 9, 30)),
        status("G2", "red", latest=dt.date(2026, 9, 30), realised_share=0.2, planned_share=0.8),
        status(
            "G3", "grey", latest=dt.date(2026, 3, 31), next_due=dt.date(2026, 6, 30), overdue=True
        ),
    ]
    fake = fake_cba(-1_500_000, 0.3)
    s = summary.project_summary(plan, items, fake, AS_OF)
    # the project status in words first, from the model's rule
    expected = status_text.overall_sentences(overall.overall_status(plan, items, AS_OF))
    assert s.overall == expected and s.overall[0].startswith("Prosjektstatus: ")
    assert s.status[0] == "1 av 3 gevinster er på plan, 1 er bak plan og 1 er ikke målt siden mars."
    assert "BP3" in s.status[-1]
    # the decision list is the model's, phrased by status_text, under its heading
    items_ = decisions.project_decisions(
        plan, items, AS_OF, economics=decisions.Economics.from_cba(fake)
    )
    assert s.decisions == [status_text.decision_text(d, as_of=AS_OF) for d in items_]
    assert s.decisions and s.decisions_title == "Hva styringsgruppen må ta stilling til"
    markup = s.to_html()
    assert markup.index("Prosjektstatus") < markup.index("Nøkkeltall") < markup.index(
        "Hva styringsgruppen må ta stilling til"
    )
    figures = dict(s.key_figures)
    assert figures["Netto nåverdi, forventet"] == f"−1,5{NBSP}mill.{NBSP}kr"
    assert (
        figures["Netto nåverdi som planlagt (uten usikkerhetsjustering)"]
        == f"0,5{NBSP}mill.{NBSP}kr"
    )
    assert figures["Internrente"] == "ikke definert"
    assert figures["Sannsynlighet for positiv nåverdi"] == f"30{NBSP}%"
    # the discounted payback, which agrees with the NPV, and the tails said in words
    assert figures["Investeringen tjent inn, diskontert (år)"] == (
        "ikke nedbetalt innen analyseperioden"
    )
    assert "2030" not in figures.values()
    assert figures["NNV med 85 % sannsynlighet minst (P15)"] == f"−1,6{NBSP}mill.{NBSP}kr"
    assert figures["NNV, median av simuleringene (P50)"] == f"−0,5{NBSP}mill.{NBSP}kr"
    assert not any("P85" in label for label in figures)


def test_summary_with_nothing_to_decide():
    s = text.Summary(title="x", as_of=AS_OF, lang="en")
    assert s.decisions == []
    assert "Nothing needs a decision now." in s.to_html()


def test_status_symbols_are_hidden_from_screen_readers():
    assert text.text_html("✖ Bak plan · måling forfalt 30.11") == (
        '<span aria-hidden="true">✖</span> Bak plan · måling forfalt 30.11'
    )
    assert text.text_html("✔ 2 på plan, ✖ 1 bak plan, ? 1 ikke målt").count("aria-hidden") == 3
    assert text.text_html("Hva nå? −2,7 mill. kr → 0") == "Hva nå? −2,7 mill. kr → 0"
    df = tables.benefit_status_table(
        [status("G1", "red", latest=dt.date(2026, 9, 30))]
    )
    assert '<span aria-hidden="true">✖</span>' in tables.table_html(df)


def test_summary_html_escapes_plan_text():
    plan = small_plan(name=HOSTILE)
    items = [status("G1", "red", latest=dt.date(2026, 9, 30), name=HOSTILE)]
    markup = summary.project_summary(plan, items, None, AS_OF).to_html()
    assert "<script>" not in markup
    assert html.escape(HOSTILE) in markup
    assert "<script>" not in text.title_html(plan, AS_OF)


def test_headings_exist_in_both_languages():
    nb, en = text.headings("nb"), text.headings("en")
    assert nb.summary == "Sammendrag for styringsgruppen"
    assert en.risk == "Risk"
    assert text.heading_html(HOSTILE, 2) == f"<h2>{html.escape(HOSTILE)}</h2>"


# --------------------------------------------------------------------------- tables


@pytest.fixture
def project():
    plan, ws, ms = small_plan(), small_workspace(), small_measurements()
    statuses = tracking.project_status(plan, ms, dt.date(2025, 11, 25), ws)
    return plan, ws, statuses, cba.analyse(plan, ws, draws=500)


def test_benefit_status_table_has_norwegian_headers_and_symbols(project):
    _plan, _ws, statuses, _r = project
    df = tables.benefit_status_table(statuses)
    # Seven columns, so that it fits 1 280 px; owner, plan and latest value in the detail table
    assert list(df.columns) == [
        "ID",
        "Gevinst",
        "Status",
        "Realisert andel",
        "Planlagt samme dato",
        "Prognose ved måldato",
        "Neste måling",
    ]
    assert list(df["ID"]) == ["G1", "G2", "G3", "U1"]
    row = df.set_index("ID").loc["G1"]
    assert row["Status"] == "▲ Litt bak"
    assert row["Realisert andel"] == f"50{NBSP}%"
    detail = tables.benefit_detail_table(statuses)
    assert list(detail.columns) == ["ID", "Gevinsteier", "Plan: nullpunkt → mål", "Siste måling"]
    drow = detail.set_index("ID").loc["G1"]
    assert drow["Siste måling"] == f"44{NBSP}000 (30.09.2025)"
    assert drow["Plan: nullpunkt → mål"] == (
        f"52{NBSP}000 → 36{NBSP}000{NBSP}henvendelser/år innen 31.12.2026"
    )
    assert df.set_index("ID").loc["G2", "Neste måling"].endswith("(forfalt)")
    assert df.set_index("ID").loc["U1", "Gevinst"].endswith("(ulempe)")
    assert df.attrs["caption"] == "Gevinster og ulemper: status mot plan"
    en = tables.benefit_status_table(statuses, "en")
    assert en.iloc[0]["Status"] == "▲ Slightly behind"
    assert "Benefit owner" in tables.benefit_detail_table(statuses, "en").columns


def test_plan_tables_have_norwegian_headers(project):
    plan, _ws, statuses, result = project
    assert list(tables.result_goal_table(statuses).columns) == [
        "ID",
        "Resultatmål",
        "Status",
        "Realisert andel",
        "Planlagt samme dato",
        "Ansvarlig",
        "Plan: nullpunkt → mål",
        "Siste måling",
    ]
    assert list(tables.goal_table(plan)["Nivå"]) == [
        "Hovedmål",
        "Effektmål",
        "Resultatmål",
        "Effektmål",
        "Resultatmål",
    ]
    npe = tables.non_priced_table(plan)
    assert list(npe.columns) == [
        "ID",
        "Virkning",
        "Berørte",
        "Betydning",
        "Omfang",
        "Konsekvens",
        "Begrunnelse",
    ]
    assert list(npe["Konsekvens"]) == ["++", "−"]
    risks = tables.risk_table(plan)
    assert list(risks["ID"]) == ["RI3", "RI1", "RI2"]
    assert list(risks["Risikonivå"]) == ["25 (svært høy)", "12 (høy)", "6 (middels)"]
    ms = tables.milestone_table(plan, dt.date(2025, 11, 25))
    assert list(ms["Status"]) == [
        "✔ Gjennomført",
        "✔ Gjennomført",
        "✔ Gjennomført",
        "✖ Passert, ikke gjennomført",
        "○ Gjenstår",
    ]
    kf = tables.key_figures_table(result)
    assert list(kf.columns) == ["Nøkkeltall", "Verdi"]
    assert kf.iloc[0, 0] == "Netto nåverdi, forventet"
    muni = tables.municipality_table(result)
    assert list(muni["Kommune"]) == ["Kongsberg", "Notodden", "Sum"]
    assert muni.iloc[-1]["Andel"] == f"100,0{NBSP}%"
    flows = tables.cash_flow_table(result)
    assert flows.columns[0] == "År" and len(flows) == 8
    pv = tables.present_value_table(result)
    assert list(pv.columns) == ["År", "Netto", "Diskonteringsfaktor", "Nåverdi",
                                "Akkumulert nåverdi"]  # fmt: skip
    sens = tables.sensitivity_table(result)
    assert sens.columns[0] == "Forutsetning"


def test_portfolio_tables_on_the_example_workspace(workspace: Path):
    loaded = load(workspace)
    ws, plans = loaded.workspace, loaded.plans
    npv = {pid: cba.analyse(p, ws, monte_carlo=False).npv for pid, p in plans.items()}
    statuses = tracking.portfolio_status(plans, loaded.measurements, AS_OF, ws)
    roll = portfolio.rollup(statuses, npv, plans, ws, AS_OF)
    ranked = portfolio.prioritise(plans, ws, npv)
    rollup = tables.rollup_table(roll)
    assert rollup.columns[0] == "Prosjekt" and rollup.iloc[-1, 0] == "Sum portefølje"
    assert len(rollup) == len(plans) + 1
    ranking = tables.ranking_table(ranked)
    assert list(ranking.columns[:3]) == ["Rang", "Prosjekt", "Poeng (0–100)"]
    assert ranking.iloc[0]["Rang"] == "1"
    assert any(c.startswith("Strategisk treff (vekt") for c in ranking.columns)
    kommuner = tables.municipality_totals_table(roll)
    assert list(kommuner["Kommune"])[:2] == ["Kongsberg", "Notodden"]
    claims = tables.double_claims_table(portfolio.double_claims(plans), plans=plans)
    assert claims.columns[0] == "Indikator"
    late = tables.overdue_table(tracking.overdue(plans, loaded.measurements, AS_OF), plans=plans)
    assert list(late.columns) == [
        "Ansvarlig",
        "Prosjekt",
        "Hva skal måles",
        "Forfalt siden",
        "Siste måling",
    ]
    attention = tables.attention_table(statuses, plans=plans)
    # the freshness stands beside the progress, never instead of it
    assert all(x.split(" · ")[0] in {"✖ Bak plan", "? Ikke målt"} for x in attention["Status"])
    assert any(" · måling forfalt " in x for x in attention["Status"])
    sentences = text.portfolio_sentences(roll, ranked, portfolio.double_claims(plans), [], "nb")
    assert sentences[0].startswith(f"Porteføljen har {len(plans)} prosjekter med")


def test_table_html_is_accessible_and_escaped():
    df = tables.non_priced_table(small_plan().model_copy(update={"non_priced_effects": []}))
    assert "Ingen ikke-prissatte virkninger er registrert." in tables.table_html(df)
    plan = small_plan(name=HOSTILE, benefit_name=HOSTILE)
    statuses = tracking.project_status(
        plan, small_measurements(), dt.date(2025, 11, 25), small_workspace()
    )
    markup = tables.table_html(
        tables.benefit_status_table(statuses), caption=HOSTILE, row_headers=True
    )
    assert "<script>" not in markup
    assert f"<caption>{html.escape(HOSTILE)}</caption>" in markup
    assert '<th scope="col" style="text-align:left">ID</th>' in markup
    assert '<th scope="row" style="text-align:left">G1</th>' in markup
    assert '<th scope="col" class="num" style="text-align:right">Realisert andel</th>' in markup
    assert "<th></th>" not in markup and ">0</th>" not in markup  # no index column


def test_show_table_displays_html_and_text(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    plan = small_plan(name=HOSTILE)
    tables.show_table(tables.goal_table(plan))
    assert "<caption>Målhierarki" in shown[0]["text/html"]
    assert shown[0]["text/plain"].startswith("Målhierarki")
    text.show_heading(HOSTILE)
    text.show_title(plan, AS_OF)
    assert all("<script>" not in s["text/html"] for s in shown)


# --------------------------------------------------------------------------- explorer


def test_default_sliders_reproduce_the_plan():
    ws = small_workspace()
    settings = explore.defaults(ws)
    assert settings == explore.Settings(discount_rate_pct=4.0, hourly_cost=720.0)
    assert explore.to_assumptions(settings, ws) == cba.Assumptions()


def test_sliders_map_to_assumptions():
    ws = small_workspace()
    a = explore.to_assumptions(explore.Settings(2.5, 900, 2, 0.75, 20), ws)
    assert a == cba.Assumptions(
        discount_rate=0.025, hourly_cost=900.0, delay_years=2, benefit_scale=0.75, cost_overrun=0.2
    )


def test_explore_recomputes_and_compares_with_the_plan():
    plan, ws = small_plan(), small_workspace()
    base = explore.explore(plan, ws, draws=300)
    worse = explore.explore(plan, ws, explore.Settings(4.0, 720, 2, 0.5, 50), draws=300)
    assert base.baseline is None and worse.baseline is not None
    assert worse.result.npv < base.result.npv == pytest.approx(worse.baseline.npv)
    kf = worse.key_figures()
    assert list(kf.columns) == ["Nøkkeltall", "Verdi", "Standardforutsetninger"]
    assert "standardforutsetninger" in worse.summary()
    assert len(repr(worse)) < 300  # never the whole result
