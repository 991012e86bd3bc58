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
# # Prosjektrapport
#
# Rapporten for ett prosjekt til styringsgruppen. `gevinst report` kjører den med
# papermill og gjør den om til HTML uten kode. Parametrene står i cellen merket `parameters`;
# tom `as_of` betyr i dag. All utregning og alle figurer kommer fra pakken `gevinst`.

# %%
from gevinst.io import cache
from gevinst.io.workspace import load_project, load_valid
from gevinst.model import cba, portfolio, tracking
from gevinst.report import baselines, cba_text, figures, meta, params, summary, tables, text
from gevinst.report.figures import show
from gevinst.report.tables import show_table

# %% tags=["parameters"]
project_id: str = "digital-dialog"  # prosjektets ID (filnavnet i projects/ uten .yaml)
workspace: str = ""  # arbeidsområdet; tomt: $GEVINST_WORKSPACE, ellers nærmeste data/ med gevinst.yaml herfra og oppover
as_of: str = ""  # per dato, ÅÅÅÅ-MM-DD; tomt: i dag
lang: str = "nb"  # språk: nb (bokmål) eller en (English)

# %%
p = params.notebook_parameters(project_id=project_id, workspace=workspace, as_of=as_of, lang=lang)
as_of_date, lang = p.as_of, p.lang
ws, plan, measurements = load_project(p.root, p.project_id, lang=lang)
meta.show_project(plan, p)
statuses = tracking.project_status(plan, measurements, as_of_date, ws)
result = cache.analyse(plan, ws)  # cba.analyse, read back when nothing it depends on changed
h = text.headings(lang)

# %%
claims = portfolio.double_claims(load_valid(p.root, lang=lang, registers=False).plans)  # the plans only; others' errors do not stop this report
text.show_title(plan, as_of_date, lang)
text.show_heading(h.summary)
summary.show_summary(
    summary.project_summary(plan, statuses, result, as_of_date, lang, claims=claims)
)

# %%
text.show_heading(h.goals)
show_table(tables.goal_table(plan, lang), lang=lang)
show(figures.benefit_map(plan, lang))

# %%
text.show_heading(h.benefits)
text.show_text(text.status_sentence(statuses, as_of_date, lang))
show_table(tables.benefit_status_table(statuses, lang), lang=lang)
show_table(tables.benefit_detail_table(statuses, lang), lang=lang)

# %%
text.show_heading(h.benefit_charts)
for chart in figures.benefit_charts(plan, measurements, statuses, lang):
    show(chart)

# %%
text.show_heading(h.results)
show_table(tables.result_goal_table(statuses, lang), lang=lang)
show(figures.result_progress(statuses, lang))

# %%
text.show_heading(h.cba)
text.show_text(text.cba_method_text(result, lang))
show_table(tables.key_figures_table(result, lang), row_headers=True, lang=lang)
show(figures.cash_flow(result, lang))
show(figures.cumulative_discounted(result, lang))
show(figures.tornado(result, lang))
show_table(tables.sensitivity_table(result, lang), row_headers=True, lang=lang)
show(figures.monte_carlo_histogram(result, lang))
show_table(tables.uncertainty_table(result, lang), row_headers=True, lang=lang)
show_table(tables.cash_flow_table(result, lang), row_headers=True, lang=lang)
show_table(tables.present_value_table(result, lang), row_headers=True, lang=lang)

# %%
text.show_text(cba_text.basis_sentences(result, lang))
show_table(tables.cba_basis_table(result, lang), row_headers=True, lang=lang)
if result.sunk_costs:
    show_table(tables.sunk_costs_table(result, lang), row_headers=True, lang=lang)
if result.monte_carlo is not None:
    text.show_text(cba_text.monte_carlo_note(result.monte_carlo, lang))
    show_table(tables.monte_carlo_error_table(result.monte_carlo, lang), row_headers=True, lang=lang)

# %%
text.show_heading(h.municipalities)
show_table(tables.municipality_table(result, lang), row_headers=True, lang=lang)
show(figures.municipality_bars(result, lang))
show_table(
    tables.benefit_account_table(cba.benefit_accounts(result, statuses), lang),
    row_headers=True,
    lang=lang,
)

# %%
text.show_heading(h.non_priced)
text.show_text(text.non_priced_text(plan, result, lang))
show_table(tables.non_priced_table(plan, lang), lang=lang)

# %%
# Issue 12: the alternatives at BP2 (when the plan has them) and slipped milestones.
from gevinst.model import alternatives as alternatives_model  # noqa: E402
from gevinst.model import milestones as milestones_model  # noqa: E402
from gevinst.report import plan_life_text  # noqa: E402

compared = alternatives_model.compare_alternatives(plan, ws)
if compared is not None:
    text.show_heading(plan_life_text.alternatives_title(lang))
    text.show_text(plan_life_text.alternatives_verdict(compared, lang))
    show_table(tables.alternatives_table(compared, lang), lang=lang)
    show(figures.alternatives_chart(compared, lang))
delays = milestones_model.milestone_delays(plan, ws)
if delays:
    text.show_heading(plan_life_text.delays_title(lang))
    text.show_text(plan_life_text.delay_sentences(delays, lang))
    show_table(tables.milestone_delay_table(delays, plan, lang), lang=lang)

# %%
text.show_heading(h.risk)
show(figures.risk_matrix(plan, lang))
show_table(tables.risk_table(plan, lang), lang=lang)

# %%
text.show_heading(h.milestones)
show(figures.milestone_timeline(plan, as_of_date, lang))
show_table(tables.milestone_table(plan, as_of_date, lang), lang=lang)

# %%
approved = baselines.compare_project(p.root, plan, ws, with_npv=True)
if approved is not None:
    text.show_heading(baselines.section_title(approved, lang))
    text.show_text(baselines.changes_sentence(approved, lang))
    show_table(tables.baseline_changes_table(approved.changes, lang), lang=lang)
    show_table(baselines.npv_table(approved, result.npv, lang), row_headers=True, lang=lang)
    attained = baselines.bp5_attainment(p.root, plan, statuses, lang)
    if attained is not None:
        show_table(attained, lang=lang)
