# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] tags=["remove-cell"]
# # Utforsk forutsetningene
#
# Velg prosjekt og flytt glidebryterne: kalkulasjonsrente, timekostnad, forsinket
# realisering, skalering av gevinstene og kostnadsoverskridelse. Nøkkeltall og
# figurer regnes på nytt under kontrollene. Nederst står resultatet med
# utgangsverdiene, slik at notatboken også kan kjøres uten skjerm (papermill).

# %%
import datetime as dt
from pathlib import Path

from gevinst.io.workspace import load
from gevinst.report import explore, text

# %% tags=["parameters"]
project_id = "digital-dialog"
workspace = "data"
as_of = ""
lang = "nb"

# %%
as_of_date = text.parse_as_of(as_of, dt.date.today())
loaded = load(Path(workspace), lang=lang)
h = text.headings(lang)

# %%
text.show_explore_title(loaded.workspace, as_of_date, lang)
text.show_heading(h.assumptions)
app = explore.Explorer(loaded.plans, loaded.workspace, project_id, lang)
app.display()

# %%
text.show_heading(h.results_now)
app.update()
