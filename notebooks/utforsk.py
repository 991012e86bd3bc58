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
# figurer vises med en gang og regnes på nytt under kontrollene ved hver endring.
# Kjørt uten skjerm (papermill) viser utdataene resultatet med utgangsverdiene.
# Som app for kolleger som ikke koder: `gevinst explore` (Voilà).

# %%
from gevinst.io.workspace import load
from gevinst.report import explore, params, text

# %% tags=["parameters"]
project_id: str = "digital-dialog"  # prosjektets ID (filnavnet i projects/ uten .yaml); prosjektet som vises først
workspace: str = ""  # arbeidsområdet; tomt: $GEVINST_WORKSPACE, ellers nærmeste data/ med gevinst.yaml herfra og oppover
as_of: str = ""  # per dato, ÅÅÅÅ-MM-DD; tomt: i dag
lang: str = "nb"  # språk: nb (bokmål) eller en (English)

# %%
p = params.notebook_parameters(project_id=project_id, workspace=workspace, as_of=as_of, lang=lang)
as_of_date, lang = p.as_of, p.lang
loaded = load(p.root, lang=lang)

# %%
text.show_explore_title(loaded.workspace, as_of_date, lang)
app = explore.Explorer(loaded.plans, loaded.workspace, p.project_id, lang)
app.show()
