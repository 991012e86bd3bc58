# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] tags=["remove-cell"]
# # Porteføljerapport
#
# Porteføljestyrets oversikt over alle prosjektene i arbeidsområdet: status, netto
# nåverdi og realiserte gevinster, prioritering, kommunetall, mulig dobbelttelling
# og forfalte målinger. Samme parametre som prosjektrapporten (`project_id` brukes
# ikke her).

# %%
from gevinst.io import cache
from gevinst.io.workspace import load_valid
from gevinst.model import portfolio, tracking
from gevinst.report import cba_text, figures, meta, params, summary, tables, text
from gevinst.report.figures import show
from gevinst.report.tables import show_table

# %% tags=["parameters"]
project_id: str = "digital-dialog"  # prosjektets ID (filnavnet i projects/ uten .yaml); brukes ikke i porteføljerapporten
workspace: str = ""  # arbeidsområdet; tomt: $GEVINST_WORKSPACE, ellers nærmeste data/ med gevinst.yaml herfra og oppover
as_of: str = ""  # per dato, ÅÅÅÅ-MM-DD; tomt: i dag
lang: str = "nb"  # språk: nb (bokmål) eller en (English)

# %%
p = params.notebook_parameters(project_id=project_id, workspace=workspace, as_of=as_of, lang=lang, needs_project=False)
as_of_date, lang = p.as_of, p.lang
loaded = load_valid(p.root, lang=lang)  # a project with errors is left out, named
meta.show_portfolio(loaded.workspace, p)
ws, plans = loaded.workspace, loaded.plans
# no tornado in the portfolio: the NPV, its Monte Carlo and the per-kommune split only
results = {pid: cache.analyse(plan, ws, sensitivity=False) for pid, plan in plans.items()}  # cba.analyse, read back when unchanged
npv = {pid: r.npv for pid, r in results.items()}
statuses = tracking.portfolio_status(plans, loaded.measurements, as_of_date, ws)
nnb = {pid: r.npv_per_budget_krone for pid, r in results.items()}
roll = portfolio.rollup(
    statuses, npv, plans, ws, as_of_date, kommune_npv=portfolio.kommune_npvs(results)
)
ranked = portfolio.prioritise(plans, ws, npv, nnb_by_project=nnb)
portfolio_mc = portfolio.portfolio_monte_carlo(results, ws)
claims = portfolio.double_claims(plans)
late = tracking.overdue(plans, loaded.measurements, as_of_date, ws)
h = text.headings(lang)

# %%
text.show_portfolio_title(ws, as_of_date, lang)
text.show_excluded(loaded, lang)
text.show_text(text.portfolio_sentences(roll, ranked, claims, late, lang))
summary.show_portfolio_contents(plans, lang)

# %%
text.show_heading(h.board_decisions)
summary.show_board_decisions(
    summary.board_decisions_table(plans, statuses, as_of_date, lang, economics=results,
                                  claims=claims),
    lang,
)

# %%
text.show_heading(h.portfolio_status)
# the charts summarise (above figures.PORTFOLIO_MAX_ROWS projects: the extremes and the
# rest); the table under them has every project's numbers
show(figures.portfolio_overview(roll, lang))
show(figures.portfolio_status_counts(roll, lang))
show_table(tables.rollup_table(roll, lang), row_headers=True, lang=lang)
show_table(tables.attention_table(statuses, lang, plans=plans), lang=lang)

# %%
text.show_heading(h.ranking)
show_table(tables.ranking_table(ranked, lang), lang=lang)
show_table(tables.ranking_npv_nnb_table(ranked, lang), lang=lang)

# %%
text.show_text(cba_text.portfolio_sentences(results, ws, portfolio_mc, lang))
show(figures.portfolio_npv_distribution(portfolio_mc, lang))
if portfolio_mc is not None:
    show_table(tables.monte_carlo_error_table(portfolio_mc, lang), row_headers=True, lang=lang)

# %%
text.show_heading(h.portfolio_municipalities)
show_table(tables.municipality_totals_table(roll, lang), row_headers=True, lang=lang)
show(figures.portfolio_municipalities(roll, lang))

# %%
text.show_heading(h.double_claims)
show_table(tables.double_claims_table(claims, lang, plans=plans), lang=lang)

# %%
text.show_heading(h.overdue)
show_table(tables.overdue_table(late, lang, plans=plans), lang=lang)

# %%
from gevinst.model import budget  # noqa: E402 - appended section, own import

budget_plan = budget.workspace_budget_view(
    results, ws, budget.default_years(as_of_date.year), statuses=statuses
)
text.show_heading(h.budget)
tables.show_budget(budget_plan, lang)  # above 15 projects: the kommunes' sums, the lines folded

# %%
text.show_heading(h.roadmap)
show(figures.roadmap(plans, ws, as_of_date, lang))
show_table(tables.roadmap_table(plans, ws, as_of_date, lang), lang=lang)
