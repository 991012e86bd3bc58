"""Help texts of the workbook: Norwegian descriptions, type texts, sheet help, the column table of docs/excel.md."""

from __future__ import annotations

from gevinst.io.excel.specs import (
    BOOL,
    DATE,
    DATETIME,
    ENUM,
    FLOAT,
    IMPACT,
    INT,
    NUMBER_LIST,
    TEXT,
    TEXT_LIST,
    Column,
    SheetSpec,
    sheet_specs,
)
from gevinst.io.excel.values import (
    _display,
)
from gevinst.model.schema import (
    ID_PATTERN,
    PROJECT_ID_PATTERN,
)

# --------------------------------------------------------------------------- help text

# Norwegian versions of the schema's English field descriptions (keyed by the English
# text; a description without a translation is shown in English).
_NB_DESCRIPTIONS = {
    "Prosjektveiviseren's category": "Kategori i gevinstrealiseringsplanen (Prosjektveiviseren)",
    "Year 0 of the cost/benefit analysis; default: the start date's year": (
        "År 0 i kost/nytte-analysen; tom: året for startdatoen"
    ),
    "All amounts are in real prices of this year": "Alle beløp er i faste priser for dette året",
    "An integer from -4 to 4; the symbols −−−− … ++++ are accepted too": (
        "DFØs nidelte skala fra −−−− (svært negativ) til ++++ (svært positiv); "
        "heltall fra -4 til 4 godtas også"
    ),
    "Empty for non-priced benefits": "Tom for ikke-prissatte gevinster",
    "For the explicit profile: share of the change realised in each year from the "
    "realisation start": (
        "Bare for profilen «egne andeler per år»: andelen av endringen som er realisert i "
        "hvert år fra realiseringsstart, skilt med semikolon (f.eks. 0,2; 0,6; 1)"
    ),
    "Hovedmål / samfunnsmål": "Hovedmål / samfunnsmål",
    "How costs are split": "Hvordan kostnadene fordeles mellom kommunene",
    "KS: cash, freed time or quality": "KS: kontant, frigjort tid eller kvalitet",
    "Kommuner where the benefit arises; empty: all participating": (
        "Kommuner der gevinsten oppstår, skilt med komma; tom: alle deltakende"
    ),
    "Last decision point passed (BP1–BP5); empty before BP1": (
        "Siste passerte beslutningspunkt (BP1–BP5); tom før BP1"
    ),
    "Most likely multiplier": "Mest sannsynlige faktor (1 = som planlagt)",
    "Multiplier in the favourable-low case": "Faktor i lavt tilfelle (f.eks. 0,8 = 20 % under)",
    "Multiplier in the high case": "Faktor i høyt tilfelle (f.eks. 1,3 = 30 % over)",
    "Name of the project": "Prosjektets navn",
    "Names of participating kommuner; populations come from the workspace": (
        "Deltakende kommuner, skilt med komma; innbyggertall hentes fra arbeidsområdet"
    ),
    "Share per kommune when cost_sharing is fixed (must add up to 1)": (
        "Andel per kommune når fordelingsnøkkelen er «faste andeler» (summen må være 1)"
    ),
    "Slug, used in file names": "Kort ID med små bokstaver, sifre og bindestrek; brukes i filnavn",
    "The collaboration or kommune that runs the project": (
        "Samarbeidet eller kommunen som driver prosjektet"
    ),
    "The date the value applies to": "Datoen verdien gjelder for",
    "The effektmål it serves": "ID-en til effektmålet den bidrar til (fra arket Effektmål)",
    "Wage plus social costs; default from the workspace": (
        "Lønn pluss sosiale kostnader; tom: arbeidsområdets timekostnad"
    ),
    "When gevinst recorded it": "Når gevinst registrerte målingen; la stå tom for nye målinger",
    "When the change starts; default: the baseline date": (
        "Når endringen starter; tom: nullpunktsdatoen"
    ),
    "Whose budget": "Hvilket budsjett beløpet tas ut av",
}

# What each sheet is for (nb, en); child sheets get a generated sentence.
_SHEET_HELP = {
    "project": (
        "Prosjektet: én verdi per felt i kolonne B.",
        "The project: one value per field in column B.",
    ),
    "goals": ("Prosjektets hovedmål (samfunnsmål).", "The project's main goal."),
    "effect_goals": (
        "Effektmål – hvorfor: effekten for brukerne eller organisasjonen. Én rad per effektmål.",
        "Effect goals – why: the effect for users or the organisation. One row each.",
    ),
    "result_goals": (
        "Resultatmål – hva: en målbar leveranse med ambisjon og indikator. Én rad per resultatmål.",
        "Result goals – what: a measurable deliverable with ambition and indicator. One row each.",
    ),
    "benefits": (
        "Gevinster: én rad per gevinst med gevinsteier, indikator, nullpunkt og målverdi. "
        "Verdsetting: fyll ut enten «kr per enhet» eller «timer per enhet» (ganges med "
        "timekostnaden). Usikkerhet er faktorer av planlagt verdi (1 = som planlagt).",
        "Benefits: one row per benefit with owner, indicator, baseline and target. Valuation: "
        "either NOK per unit or hours per unit (times the hourly cost). Uncertainty is "
        "multipliers of the planned value (1 = as planned).",
    ),
    "disbenefits": (
        "Ulemper: negative virkninger, med de samme kolonnene som Gevinster.",
        "Dis-benefits: negative effects, with the same columns as Benefits.",
    ),
    "costs": (
        "Kostnader: én rad per kostnadslinje. Beløpene per år føres i arket for beløp per år.",
        "Costs: one row per cost line. The amounts per year go in the amounts sheet.",
    ),
    "non_priced_effects": (
        "Ikke-prissatte virkninger, vurdert etter betydning og omfang på DFØs skala −−−− til ++++.",
        "Non-priced effects, assessed on significance and scope on DFØ's scale −−−− to ++++.",
    ),
    "risks": (
        "Risikoer med sannsynlighet og konsekvens fra 1 (lav) til 5 (høy).",
        "Risks with probability and consequence from 1 (low) to 5 (high).",
    ),
    "milestones": (
        "Milepæler og beslutningspunkt (BP1–BP5); sett «gjennomført» til ja når de er nådd.",
        "Milestones and decision points (BP1–BP5); set done to yes when reached.",
    ),
    "measurements": (
        "Målinger: én rad per rapportert verdi for en gevinst eller et resultatmål. Legg til nye "
        "rader nederst. Registrerte målinger kan ikke endres eller slettes uten --force.",
        "Measurements: one row per reported value of a benefit or result goal. Add new rows at "
        "the bottom. Recorded measurements cannot be changed or deleted without --force.",
    ),
}

_GUIDE_INTRO = {
    "nb": [
        "Veiledning – gevinstrealiseringsplan i Excel",
        "Denne arbeidsboken er laget av gevinst ut fra prosjektplanens skjema. Fyll inn planen "
        "og målingene i arkene; den som forvalter arbeidsområdet leser dem inn med "
        "«gevinst excel import <fil>».",
        "Ikke endre overskriftene eller arknavnene. Tabellark: én rad per element (f.eks. én "
        "gevinst); tomme rader hoppes over. Felter merket «påkrevd» må fylles ut.",
        "Tall: skriv 1234,5 eller 1 234,5 (desimalkomma) eller 1234.5. Skill tusener med "
        "mellomrom (17 000), aldri med punktum eller komma: 17.000 og 23,400 blir avvist fordi "
        "de kan leses på to måter. Datoer: 31.12.2025 eller 2025-12-31. Valg: bruk "
        "nedtrekkslisten. Ja/nei-felt: ja eller nei.",
        "Ikke bruk formler: cellene leses som verdier, og celler med formler (eller tekst som "
        "begynner med «=») blir avvist.",
        "Alle feil vises samlet med ark, rad og kolonne, og ingenting lagres før alt er "
        "riktig. Importen viser hva som endres i forhold til planen som er lagret.",
    ],
    "en": [
        "Instructions – benefits realisation plan in Excel",
        "gevinst made this workbook from the project-plan schema. Fill in the plan and the "
        "measurements; whoever keeps the workspace reads it with «gevinst excel import <file>».",
        "Do not change the headers or sheet names. Table sheets: one row per item (e.g. one "
        "benefit); empty rows are skipped. Fields marked required must be filled in.",
        "Numbers: 1234.5 or 1 234,5 (Norwegian decimal comma). Group thousands with a space "
        "(17 000), never with a point or comma: 17.000 and 23,400 are refused because they "
        "read two ways. Dates: 2025-12-31 or 31.12.2025. Choices: use the dropdown. "
        "Yes/no fields: yes or no.",
        "No formulas: cells are read as values; cells with formulas (or text starting with "
        "'=') are refused.",
        "All problems are listed at once with sheet, row and column, and nothing is saved "
        "until everything is right. The import shows what changes against the saved plan.",
    ],
}


def _description(col: Column, lang: str) -> str:
    if not col.description or col.description == col.labels[-1][1]:
        return ""
    if lang == "en":
        return col.description
    return col.description_nb or _NB_DESCRIPTIONS.get(col.description, col.description)


def _fmt_bound(value: float) -> str:
    """A bound as people read it: ``1e12`` as «1 000 000 000 000», years as «2025»."""
    if not float(value).is_integer():
        return str(value)
    n = int(value)
    return f"{n:,}".replace(",", "\u00a0") if abs(n) >= 100_000 else str(n)


def type_text(col: Column, lang: str = "nb") -> str:
    """What a column accepts, in words (for the guide sheet, header notes and docs)."""
    en = lang == "en"
    lo, hi = col.bounds
    rng = ""
    if lo is not None and hi is not None:
        rng = f" ({_fmt_bound(lo)}–{_fmt_bound(hi)})"
    elif lo is not None:
        rng = f" (≥ {_fmt_bound(lo)})"
    if col.kind == TEXT:
        if col.pattern == PROJECT_ID_PATTERN:
            return "ID: a–z, 0–9 and -" if en else "ID: a–z, 0–9 og -"
        if col.pattern == ID_PATTERN:
            return "ID: letters, digits, - and _" if en else "ID: bokstaver, sifre, - og _"
        return "text" if en else "tekst"
    if col.kind == INT:
        return ("whole number" if en else "heltall") + rng
    if col.kind == FLOAT:
        return ("number" if en else "tall") + rng
    if col.kind == DATE:
        return "date (2025-12-31)" if en else "dato (31.12.2025)"
    if col.kind == DATETIME:
        return "time (filled in by gevinst)" if en else "tidspunkt (fylles ut av gevinst)"
    if col.kind == BOOL:
        return "yes/no" if en else "ja/nei"
    if col.kind == ENUM:
        assert col.enum is not None
        return " | ".join(m.label(lang) for m in col.enum)
    if col.kind == IMPACT:
        return "−−−− … 0 … ++++ (or -4 to 4)" if en else "−−−− … 0 … ++++ (eller -4 til 4)"
    if col.kind == TEXT_LIST:
        return "list separated by commas" if en else "liste skilt med komma"
    if col.kind == NUMBER_LIST:
        return (
            f"numbers{rng} separated by ; (0.2; 0.6; 1)"
            if en
            else f"tall{rng} skilt med semikolon (0,2; 0,6; 1)"
        )
    return col.kind


def _required_text(col: Column, lang: str) -> str:
    en = lang == "en"
    if col.required:
        return "yes" if en else "ja"
    default = col.default
    if default is None or default == "":
        return "no" if en else "nei"
    shown = _display(col, default, lang)
    return f"no (default: {shown})" if en else f"nei (standard: {shown})"


def help_text(col: Column, lang: str = "nb") -> str:
    """One line about a column: what it is, what it accepts, whether it is required."""
    parts = [type_text(col, lang)]
    desc = _description(col, lang)
    if desc:
        parts.insert(0, desc)
    req = _required_text(col, lang)
    parts.append(("required: " if lang == "en" else "påkrevd: ") + req)
    return ". ".join(p[:1].upper() + p[1:] for p in parts)


def sheet_help(spec: SheetSpec, lang: str = "nb") -> str:
    i = 1 if lang == "en" else 0
    if spec.key in _SHEET_HELP:
        return _SHEET_HELP[spec.key][i]
    if spec.parent is None:  # a part of the plan added to the schema after this text
        return (spec.model.__doc__ or spec.title(lang)).strip().splitlines()[0]
    parent = next(s for s in sheet_specs() if s.key == spec.parent)
    if parent.layout == "table":
        first = spec.columns[0].header(lang)
        return (
            f"One row per entry for a row in «{parent.title(lang)}»; the column «{first}» "
            "gives that row's ID."
            if lang == "en"
            else f"Én rad per oppføring for en rad i «{parent.title(lang)}»; kolonnen «{first}» "
            "viser til ID-en i den raden."
        )
    return (
        f"One row per entry for «{parent.title(lang)}»."
        if lang == "en"
        else f"Én rad per oppføring for «{parent.title(lang)}»."
    )


def _yaml_key(spec: SheetSpec, col: Column, lang: str) -> str:
    """Where a column's value lives in the YAML plan (or the measurement CSV)."""
    if spec.key == "measurements":
        return f"measurements/<id>.csv: {col.key}"
    if spec.parent is None:
        return f"{spec.key}{'[]' if spec.layout == 'table' else ''}.{col.key}"
    parent = next(s for s in sheet_specs() if s.key == spec.parent)
    base = f"{parent.key}{'[]' if parent.layout == 'table' else ''}"
    if col.key == "parent_id":
        return f"{base}.id"
    if spec.mapping:
        part = {"key": ("nøkkel", "key"), "value": ("verdi", "value")}[col.key]
        return f"{base}.{spec.field} ({part[lang == 'en']})"
    return f"{base}.{spec.field}[].{col.key}"


def column_table(lang: str = "nb") -> list[dict[str, str]]:
    """The column mapping: sheet, header, place in the YAML, type and help (for docs)."""
    rows = []
    for spec in sheet_specs():
        for col in spec.columns:
            rows.append(
                {
                    "sheet": spec.title(lang),
                    "header": col.header(lang),
                    "key": _yaml_key(spec, col, lang),
                    "type": type_text(col, lang),
                    "required": _required_text(col, lang),
                    "help": _description(col, lang),
                }
            )
    return rows


def column_table_markdown(lang: str = "nb") -> str:
    """:func:`column_table` as a Markdown table (pasted into ``docs/excel.md``)."""
    head = (
        ("Ark", "Kolonne", "I YAML-filen", "Type", "Påkrevd")
        if lang != "en"
        else ("Sheet", "Column", "In the YAML", "Type", "Required")
    )
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in column_table(lang):
        cells = [r["sheet"], r["header"], f"`{r['key']}`", r["type"], r["required"]]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
