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
# # Rapport til finansiør
#
# Årsrapporten (innen 1. mars) og sluttrapporten til finansiøren, for eksempel Digdirs
# medfinansieringsordning: status for hver gevinst mot planen, avvik med årsak, uttak mot
# kravet (50 %-regelen der den gjelder) og kostnader. `gevinst report ID --kind funder` kjører
# den med papermill; `--pdf` gir en tilgjengelig PDF i tillegg. All utregning kommer fra
# pakken `gevinst`.

# %%
from gevinst.io import cache
from gevinst.io.workspace import load_project, load_valid
from gevinst.model import cba, funder, portfolio, tracking
from gevinst.report import figures, meta, params, plan_life_text, summary, tables, text
from gevinst.report.figures import show
from gevinst.report.tables import show_table

# %% tags=["parameters"]
project_id: str = "ebyggesak"  # prosjektets ID (filnavnet i projects/ uten .yaml)
workspace: str = ""  # arbeidsområdet; tomt: $GEVINST_WORKSPACE, ellers nærmeste data/ med gevinst.yaml herfra og oppover
as_of: str = ""  # per dato, ÅÅÅÅ-MM-DD; tomt: i dag
lang: str = "nb"  # språk: nb (bokmål) eller en (English)

# %%
p = params.notebook_parameters(project_id=project_id, workspace=workspace, as_of=as_of, lang=lang)
as_of_date, lang = p.as_of, p.lang
ws, plan, measurements = load_project(p.root, p.project_id, lang=lang)
meta.show_project(plan, p)
statuses = tracking.project_status(plan, measurements, as_of_date, ws)
result = cache.analyse(plan, ws)
check = funder.take_out_check(plan, statuses, as_of_date)
claims = portfolio.double_claims(load_valid(p.root, lang=lang, registers=False).plans)
h = plan_life_text.funder_headings(lang)
plan_life_text.show_funder_title(plan, as_of_date, lang)
summary.show_summary(
    summary.project_summary(plan, statuses, result, as_of_date, lang, claims=claims)
)

# %%
text.show_heading(h.benefits)
text.show_text(text.status_sentence(statuses, as_of_date, lang))
show_table(tables.benefit_status_table(statuses, lang), lang=lang)
show_table(tables.result_goal_table(statuses, lang), lang=lang)

# %%
text.show_heading(h.deviations)
reasons = funder.latest_comments(measurements, as_of_date)
show_table(tables.deviation_table(statuses, reasons, lang), lang=lang)

# %%
text.show_heading(h.take_out)
text.show_text(plan_life_text.take_out_sentences(check, lang))
show_table(tables.take_out_table(check, lang), row_headers=True, lang=lang)
show_table(
    tables.benefit_account_table(cba.benefit_accounts(result, statuses), lang),
    row_headers=True,
    lang=lang,
)

# %%
text.show_heading(h.costs)
show_table(tables.cost_status_table(plan, as_of_date, lang), lang=lang)
show(figures.cash_flow(result, lang))
