"""Excel workbooks for project leaders and benefit owners: template, export, import.

The workbook is derived from the schema (:mod:`gevinst.model.schema`), never from
hand-written column lists:

* every field of :class:`~gevinst.model.schema.Plan` that holds one model
  (``project``, ``goals``) becomes a *field sheet*: one row per field, label in
  column A, value in column B;
* every field that holds a list of models (``benefits``, ``costs`` …) becomes a
  *table sheet*: one row per item, one column per field; nested models
  (``valuation``, ``uncertainty``) flatten into columns such as
  «verdsetting: timer per enhet»; lists of plain values (kommuner, andeler per
  år) sit in one cell, separated by «,» (text) or «;» (numbers);
* nested lists of models and mappings (``take_outs``, ``amounts``,
  ``fixed_shares``) get their own *child sheet* in long form: parent ID, then the
  fields (or key and value), e.g. «ID (kostnader) | år | beløp per år (kr)»;
* the measurements (:class:`~gevinst.model.schema.Measurement`) get a table sheet.

Headers are the schema's Norwegian labels (``schema.label``), English with
``lang="en"``. Enumerations get dropdowns of their labels. A very hidden sheet
``_gevinst`` records the format version, the schema hash and the field key of
every column, so that import maps columns by key even if labels change later;
headers in either language and raw field keys are accepted too.

Import reads values, never formulas: a formula cell is refused (openpyxl gives
formulas as text starting with ``=``), and so is text starting with ``=``
(formula injection). Numbers may be Excel numbers or text with a Norwegian
decimal comma («1 234,5»); dates may be Excel dates or text (31.12.2025 or
2025-12-31): text is read by :mod:`gevinst.io.cells`, as in the measurement
intake. Every problem is an :class:`~gevinst.errors.Issue` naming the
file, sheet, Excel row, cell and column header; all problems are collected.

Export followed by import is lossless: the :class:`Plan` and the measurement
list compare equal. Floats that Excel's 16 significant digits cannot hold
exactly are written as text with full precision.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import hashlib
import io
import json
import re
import types
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import annotated_types
import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from gevinst import __version__
from gevinst.errors import InputError, Issue, issues_from_validation, key_path
from gevinst.io import atomic
from gevinst.io import workspace as ws
from gevinst.io.cells import is_empty, parse_date, parse_number
from gevinst.io.intake import register_lock
from gevinst.io.yamlfile import read_text
from gevinst.model.schema import (
    ID_PATTERN,
    IMPACT_SYMBOLS,
    PROJECT_ID_PATTERN,
    Impact,
    LabelledEnum,
    Measurement,
    Municipality,
    Plan,
    TakeOut,
    Workspace,
    label,
    parse_impact,
)
from gevinst.model.validate import measurement_issues

FORMAT = "gevinst-plan"
FORMAT_VERSION = 1
"""Version of the workbook layout; import refuses workbooks from a newer layout."""

MARKER_SHEET = "_gevinst"
EXTRA_ROWS = 300
"""Empty rows below the data that get dropdowns, so users can add items."""

_TITLES = {
    "guide": ("Veiledning", "Instructions"),
    "lists": ("Lister", "Lists"),
    "measurements": ("Målinger", "Measurements"),
}
_FIELD_HEADERS = {"nb": ("Felt", "Verdi", "Forklaring"), "en": ("Field", "Value", "Explanation")}
_YES = {"nb": "ja", "en": "yes"}
_NO = {"nb": "nei", "en": "no"}
_TRUE_WORDS = {"ja", "yes", "true", "sann", "j", "y", "x", "1"}
_FALSE_WORDS = {"nei", "no", "false", "usann", "n", "0"}

# Labels for the key column of a mapping field (the schema labels the mapping, not its key).
_DICT_KEYS: dict[str, tuple[type[BaseModel], str]] = {
    "amounts": (TakeOut, "year"),
    "fixed_shares": (Municipality, "name"),
}
# Columns that refer to the ids of another table sheet: a dropdown of those ids.
_REFERENCES = {"effect_goal": "effect_goals"}

_IMPACT_VALIDATOR = get_args(Impact)[1]

TEXT = "text"
INT = "int"
FLOAT = "float"
DATE = "date"
DATETIME = "datetime"
BOOL = "bool"
ENUM = "enum"
IMPACT = "impact"
TEXT_LIST = "text_list"
NUMBER_LIST = "number_list"


# --------------------------------------------------------------------------- the layout


@dataclass(frozen=True)
class Column:
    """One column of a table sheet (or one row of a field sheet)."""

    key: str
    """Dotted path inside the item (``valuation.hours_per_unit``); in child sheets
    also ``parent_id`` (the parent's ID), ``key`` and ``value`` (mapping entries)."""
    kind: str
    labels: tuple[tuple[str, str], ...]
    """(nb, en) label of each level, joined by «: » in the header."""
    description: str = ""
    required: bool = False
    enum: type[LabelledEnum] | None = None
    bounds: tuple[float | None, float | None] = (None, None)
    default: Any = None
    pattern: str | None = None
    description_nb: str = ""
    """Norwegian description, for columns the schema does not describe (parent IDs)."""

    def header(self, lang: str = "nb") -> str:
        i = 1 if lang == "en" else 0
        return ": ".join(pair[i] for pair in self.labels)


@dataclass(frozen=True)
class SheetSpec:
    """One sheet: which part of the plan it holds and its columns."""

    key: str
    """``project``, ``benefits``, ``benefits.take_outs``, ``costs.amounts``, ``measurements``."""
    layout: str
    """``fields`` (one row per field) or ``table`` (one row per item)."""
    model: type[BaseModel]
    columns: tuple[Column, ...]
    titles: tuple[str, str]
    parent: str | None = None
    """For a child sheet: the key of the parent sheet."""
    field: str | None = None
    """For a child sheet: the parent's field it fills."""
    mapping: bool = False
    """A child sheet for a mapping (key/value rows) rather than a list of models."""

    def title(self, lang: str = "nb") -> str:
        return self.titles[1 if lang == "en" else 0]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _unwrap(annotation: Any) -> tuple[Any, bool, tuple[Any, ...]]:
    """Strip ``Optional`` and ``Annotated``: (inner type, optional, metadata)."""
    optional = False
    meta: list[Any] = []
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            inner, *extra = get_args(annotation)
            for m in extra:
                meta.extend(m.metadata if isinstance(m, FieldInfo) else [m])
            annotation = inner
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                raise TypeError(f"unsupported union {annotation}")
            optional = True
            annotation = args[0]
        else:
            return annotation, optional, tuple(meta)


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _scalar_kind(tp: Any, meta: Sequence[Any]) -> str:
    if any(m is _IMPACT_VALIDATOR for m in meta):
        return IMPACT
    if isinstance(tp, type):
        if issubclass(tp, LabelledEnum):
            return ENUM
        for typ, kind in (
            (bool, BOOL),
            (int, INT),
            (float, FLOAT),
            (dt.datetime, DATETIME),
            (dt.date, DATE),
            (str, TEXT),
        ):
            if tp is typ:
                return kind
    raise TypeError(f"no Excel column for type {tp!r}")


def _bounds(meta: Sequence[Any]) -> tuple[float | None, float | None]:
    lo = hi = None
    for m in meta:
        if isinstance(m, annotated_types.Ge | annotated_types.Gt):
            lo = getattr(m, "ge", getattr(m, "gt", None))
        if isinstance(m, annotated_types.Le | annotated_types.Lt):
            hi = getattr(m, "le", getattr(m, "lt", None))
    return lo, hi


def _pattern(meta: Sequence[Any]) -> str | None:
    return next((m.pattern for m in meta if getattr(m, "pattern", None)), None)


def _default(info: FieldInfo) -> Any:
    if info.default is not PydanticUndefined:
        return info.default
    return None


def _labels(model: type[BaseModel], name: str) -> tuple[str, str]:
    return label(model, name, "nb"), label(model, name, "en")


def _scalar_column(
    key: str,
    annotation: Any,
    labels: tuple[tuple[str, str], ...],
    description: str,
    required: bool,
    default: Any = None,
    field_meta: Sequence[Any] = (),
) -> Column:
    tp, optional, meta = _unwrap(annotation)
    meta = (*field_meta, *meta)  # pydantic keeps a field's own Annotated metadata apart
    if get_origin(tp) is list:
        (item,) = get_args(tp)
        item_tp, _, item_meta = _unwrap(item)
        kind = TEXT_LIST if _scalar_kind(item_tp, item_meta) == TEXT else NUMBER_LIST
        return Column(key, kind, labels, description, required, bounds=_bounds(item_meta))
    kind = _scalar_kind(tp, meta)
    return Column(
        key,
        kind,
        labels,
        description,
        required and not optional,
        enum=tp if kind == ENUM else None,
        bounds=_bounds(meta),
        default=default,
        pattern=_pattern(meta),
    )


def _flatten(
    model: type[BaseModel], prefix: tuple[str, ...] = (), labels=(), required: bool = True
) -> tuple[list[Column], list[tuple[str, FieldInfo]]]:
    """Columns of ``model`` (nested models flattened); nested lists of models and
    mappings are returned separately: they get child sheets."""
    columns: list[Column] = []
    children: list[tuple[str, FieldInfo]] = []
    for name, info in model.model_fields.items():
        tp, optional, _ = _unwrap(info.annotation)
        here = (*labels, _labels(model, name))
        req = required and info.is_required() and not optional
        origin = get_origin(tp)
        if _is_model(tp):
            if prefix:
                raise TypeError("models nested two levels deep are not supported in Excel")
            cols, kids = _flatten(tp, (*prefix, name), here, req)
            if kids:
                raise TypeError(f"{model.__name__}.{name}: lists inside nested models")
            columns.extend(cols)
        elif origin is dict or (origin is list and _is_model(_unwrap(get_args(tp)[0])[0])):
            if prefix:
                raise TypeError(f"{model.__name__}.{name}: lists inside nested models")
            children.append((name, info))
        else:
            default = _default(info)
            columns.append(
                _scalar_column(
                    ".".join((*prefix, name)),
                    info.annotation,
                    here,
                    info.description or "",
                    req,
                    default,
                    info.metadata,
                )
            )
    return columns, children


def _child_spec(parent: SheetSpec, name: str, info: FieldInfo) -> SheetSpec:
    tp, _, _ = _unwrap(info.annotation)
    model = parent.model
    titles = (
        f"{parent.titles[0]} – {label(model, name, 'nb')}",
        f"{parent.titles[1]} – {label(model, name, 'en')}",
    )
    for t in titles:
        if len(t) > 31 or re.search(r"[:\\/?*\[\]]", t):
            raise ValueError(f"sheet title {t!r} is not allowed in Excel")
    parent_id: list[Column] = []
    if parent.layout == "table":
        id_label = parent.column("id").labels[-1]
        parent_id = [
            Column(
                "parent_id",
                TEXT,
                (
                    (
                        f"{id_label[0]} ({parent.titles[0].lower()})",
                        f"{id_label[1]} ({parent.titles[1].lower()})",
                    ),
                ),
                f"The ID of the row in the sheet «{parent.titles[1]}»",
                True,
                pattern=ID_PATTERN,
                description_nb=f"ID-en til raden i arket «{parent.titles[0]}»",
            )
        ]
    if get_origin(tp) is dict:
        key_ann, value_ann = get_args(tp)
        key_model, key_field = _DICT_KEYS.get(name, (None, None))
        key_labels = _labels(key_model, key_field) if key_model else ("nøkkel", "key")
        columns = (
            *parent_id,
            _scalar_column("key", key_ann, (key_labels,), "", True),
            _scalar_column(
                "value", value_ann, (_labels(model, name),), info.description or "", True
            ),
        )
        return SheetSpec(
            f"{parent.key}.{name}", "table", model, columns, titles, parent.key, name, True
        )
    (item,) = get_args(tp)
    item_model = _unwrap(item)[0]
    cols, kids = _flatten(item_model)
    if kids:
        raise TypeError(f"{item_model.__name__}: lists three levels deep are not supported")
    return SheetSpec(
        f"{parent.key}.{name}", "table", item_model, (*parent_id, *cols), titles, parent.key, name
    )


def _build_specs() -> tuple[SheetSpec, ...]:
    specs: list[SheetSpec] = []
    for name, info in Plan.model_fields.items():
        tp, _, _ = _unwrap(info.annotation)
        titles = (_cap(label(Plan, name, "nb")), _cap(label(Plan, name, "en")))
        if _is_model(tp):
            model, layout = tp, "fields"
        elif get_origin(tp) is list and _is_model(get_args(tp)[0]):
            model, layout = get_args(tp)[0], "table"
        else:
            raise TypeError(f"Plan.{name}: no Excel sheet for {tp!r}")
        cols, kids = _flatten(model)
        spec = SheetSpec(name, layout, model, tuple(cols), titles)
        specs.append(spec)
        specs.extend(_child_spec(spec, kid, kinfo) for kid, kinfo in kids)
    cols, kids = _flatten(Measurement)
    assert not kids
    specs.append(
        SheetSpec("measurements", "table", Measurement, tuple(cols), _TITLES["measurements"])
    )
    for spec in specs:
        for lang in ("nb", "en"):
            headers = [_norm(c.header(lang)) for c in spec.columns]
            if len(set(headers)) != len(headers):
                raise ValueError(f"duplicate headers in sheet {spec.title(lang)}: {headers}")
    return tuple(specs)


@functools.cache
def sheet_specs() -> tuple[SheetSpec, ...]:
    """Every sheet of the workbook with its columns, derived from the schema."""
    return _build_specs()


def schema_hash() -> str:
    """A short fingerprint of the plan and measurement schema (stored in the marker)."""
    text = json.dumps(
        [Plan.model_json_schema(), Measurement.model_json_schema()], sort_keys=True, default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()[:12]


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
        "Tall: skriv 1234,5 eller 1 234,5 (desimalkomma) eller 1234.5. Datoer: 31.12.2025 "
        "eller 2025-12-31. Valg: bruk nedtrekkslisten. Ja/nei-felt: ja eller nei.",
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
        "Numbers: 1234.5 or 1 234,5 (Norwegian decimal comma). Dates: 2025-12-31 or "
        "31.12.2025. Choices: use the dropdown. Yes/no fields: yes or no.",
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
    return str(int(value)) if float(value).is_integer() else str(value)


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


# --------------------------------------------------------------------------- values out


def _fmt_number(value: float, lang: str) -> str:
    """Exact text for a number (shortest repr), with a decimal comma in Norwegian."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        text = str(int(value))
    else:
        text = repr(value)
    return text.replace(".", ",") if lang != "en" else text


def display_number(value: float, lang: str = "nb") -> str:
    """A number for people: every digit kept, thousands grouped (``1 234 567,5``).

    >>> display_number(1234567.5), display_number(0.25, "en"), display_number(52000.0, "en")
    ('1 234 567,5', '0.25', '52,000')
    """
    text = _fmt_number(value, "en")
    if "e" in text or not text[-1:].isdigit():
        return text.replace(".", ",") if lang != "en" else text
    sign = "-" if text.startswith("-") else ""
    whole, _, frac = text.lstrip("-").partition(".")
    groups = [whole[max(0, n - 3) : n] for n in range(len(whole), 0, -3)][::-1]
    out = sign + ("," if lang == "en" else " ").join(groups)
    return out + (("." if lang == "en" else ",") + frac if frac else "")


def _display(col: Column, value: Any, lang: str) -> str:
    """A value as a person reads it (for the guide and the import's change list)."""
    if value is None or value == "" or value == []:
        return "–"
    try:
        cell = _to_cell(col, value, lang)
    except _CellValueError:
        cell = ", ".join(value) if isinstance(value, list) else value
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, float | int) and not isinstance(cell, bool):
        return display_number(float(cell), lang)
    return str(cell)


class _CellValueError(Exception):
    def __init__(self, problem: str, allowed: str = "", detail: str = ""):
        super().__init__(problem)
        self.problem, self.allowed, self.detail = problem, allowed, detail


def _to_cell(col: Column, value: Any, lang: str) -> Any:
    """The cell value for a schema value (``None`` for empty)."""
    if value is None:
        return None
    kind = col.kind
    if kind == TEXT:
        return value or None
    if kind in (INT, FLOAT):
        if isinstance(value, float) and float(f"{value:.16g}") != value:
            return _fmt_number(value, lang)  # Excel would round it: keep it exact as text
        if isinstance(value, int) and abs(value) >= 10**15:
            return str(value)
        return value
    if kind == DATE:
        return value
    if kind == DATETIME:
        return value.isoformat()
    if kind == BOOL:
        return (_YES if value else _NO)[lang if lang == "en" else "nb"]
    if kind == ENUM:
        return col.enum(value).label(lang) if col.enum else str(value)
    if kind == IMPACT:
        return IMPACT_SYMBOLS[int(value)]
    if kind == TEXT_LIST:
        if not value:
            return None
        bad = [v for v in value if "," in v]
        if bad:
            raise _CellValueError(
                "invalid",
                "names without commas" if lang == "en" else "navn uten komma",
                f"{bad[0]!r} cannot be written to a comma-separated list",
            )
        return ", ".join(value)
    if kind == NUMBER_LIST:
        return "; ".join(_fmt_number(float(v), lang) for v in value) if value else None
    raise TypeError(kind)


def _get_path(data: dict[str, Any] | None, key: str) -> Any:
    for part in key.split("."):
        if data is None:
            return None
        data = data.get(part)
    return data


def _rows_of(spec: SheetSpec, plan: Plan | None, measurements: Sequence[Measurement]) -> list[dict]:
    """The items of a sheet as plain dicts (python values, enums as members)."""
    if spec.key == "measurements":
        return [dict(m) for m in measurements]
    if plan is None:
        return []
    if spec.parent is None:
        value = getattr(plan, spec.key)
        items = value if isinstance(value, list) else [value]
        return [_as_dict(i) for i in items]
    parent_value = getattr(plan, spec.parent)
    parents = parent_value if isinstance(parent_value, list) else [parent_value]
    out = []
    for p in parents:
        child = getattr(p, spec.field or "")
        pid = {"parent_id": p.id} if hasattr(p, "id") and isinstance(parent_value, list) else {}
        if spec.mapping:
            out.extend({**pid, "key": k, "value": v} for k, v in child.items())
        else:
            out.extend({**pid, **_as_dict(c)} for c in child)
    return out


def _as_dict(model: BaseModel) -> dict[str, Any]:
    return {k: _as_dict(v) if isinstance(v, BaseModel) else v for k, v in model.__dict__.items()}


# --------------------------------------------------------------------------- writing

_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_REQUIRED_FONT = Font(bold=True, color="FFE699")
_DATE_FORMAT = {"nb": "dd.mm.yyyy", "en": "yyyy-mm-dd"}


def build_workbook(
    plan: Plan | None = None,
    measurements: Sequence[Measurement] = (),
    *,
    workspace: Workspace | None = None,
    lang: str = "nb",
) -> Workbook:
    """The workbook for ``plan`` and its measurements; with ``plan=None`` the blank template.

    Raises :class:`InputError` if a value cannot be written exactly (a kommune name
    with a comma in a comma-separated list, control characters in text).
    """
    lang = "en" if lang == "en" else "nb"
    wb = openpyxl.Workbook()
    guide = wb.active
    assert guide is not None
    guide.title = _TITLES["guide"][lang == "en"]
    lists = wb.create_sheet(_TITLES["lists"][lang == "en"])
    list_ranges = _write_lists(lists, plan, workspace, lang)
    specs = sheet_specs()
    issues: list[Issue] = []
    marker_rows: list[tuple[str, str, str, str, str]] = []
    sheets: dict[str, Worksheet] = {}
    for spec in specs:
        sheet = wb.create_sheet(spec.title(lang), index=len(wb.sheetnames) - 1)
        sheets[spec.key] = sheet
        rows = _rows_of(spec, plan, measurements)
        if spec.layout == "fields":
            _write_fields(
                sheet,
                spec,
                rows[0] if rows else None,
                plan,
                workspace,
                lang,
                list_ranges,
                issues,
                marker_rows,
            )
        else:
            _write_table(sheet, spec, rows, lang, list_ranges, issues, marker_rows)
    if issues:
        raise InputError(issues)
    _add_references(sheets, specs, lang)
    _write_guide(guide, specs, workspace, lang)
    lists.sheet_state = "hidden"
    marker = wb.create_sheet(MARKER_SHEET)
    _write_marker(marker, plan, lang, marker_rows)
    marker.sheet_state = "veryHidden"
    wb.active = 0
    return wb


def _write_lists(
    sheet: Worksheet, plan: Plan | None, workspace: Workspace | None, lang: str
) -> dict[str, str]:
    """Dropdown values on a hidden sheet (lists with commas or > 255 characters work there)."""
    columns: dict[str, list[str]] = {}
    for spec in sheet_specs():
        for col in spec.columns:
            if col.kind == ENUM and col.enum is not None:
                columns.setdefault(col.enum.__name__, [m.label(lang) for m in col.enum])
    columns["bool"] = [_YES[lang], _NO[lang]]
    columns["impact"] = [IMPACT_SYMBOLS[k] for k in sorted(IMPACT_SYMBOLS, reverse=True)]
    if plan is not None:
        columns["measurable"] = list(plan.measurable())
    if workspace is not None:
        columns["municipalities"] = [m.name for m in workspace.municipalities]
    ranges: dict[str, str] = {}
    for n, (name, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(n)
        sheet.cell(1, n, name).font = Font(bold=True)
        for r, v in enumerate(values, start=2):
            sheet.cell(r, n, v)
        ranges[name] = f"{quote_sheetname(sheet.title)}!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _validation(col: Column, list_ranges: dict[str, str], lang: str) -> DataValidation | None:
    en = lang == "en"
    err_title = "Invalid value" if en else "Ugyldig verdi"
    source = None
    if col.kind == ENUM and col.enum is not None:
        source = list_ranges[col.enum.__name__]
    elif col.kind == BOOL:
        source = list_ranges["bool"]
    elif col.kind == IMPACT:
        source = list_ranges["impact"]
    elif col.key == "target_id" and "measurable" in list_ranges:
        dv = DataValidation(type="list", formula1=list_ranges["measurable"], allow_blank=True)
        dv.errorStyle = "warning"
        dv.error = "Not an ID in this plan" if en else "Ikke en ID i denne planen"
        dv.errorTitle = err_title
        return dv
    if source is not None:
        dv = DataValidation(type="list", formula1=source, allow_blank=not col.required)
        dv.error = "Choose a value from the list" if en else "Velg en verdi fra listen"
        dv.errorTitle = err_title
        return dv
    lo, hi = col.bounds
    if col.kind == INT and lo is not None and hi is not None:
        dv = DataValidation(
            type="whole",
            operator="between",
            formula1=str(int(lo)),
            formula2=str(int(hi)),
            allow_blank=True,
        )
        dv.error = (
            f"A whole number from {int(lo)} to {int(hi)}"
            if en
            else f"Et heltall fra {int(lo)} til {int(hi)}"
        )
        dv.errorTitle = err_title
        return dv
    return None


def _put(sheet: Worksheet, row: int, column: int, value: Any, col: Column, lang: str) -> None:
    if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
        raise _CellValueError(
            "invalid",
            "text without control characters" if lang == "en" else "tekst uten kontrolltegn",
        )
    cell = sheet.cell(row, column)
    cell.value = value
    if cell.data_type == "f":  # pragma: no cover - the schema refuses text starting with '='
        raise _CellValueError("formula")
    if col.kind == DATE and value is not None:
        cell.number_format = _DATE_FORMAT[lang]
    elif col.kind in (TEXT, TEXT_LIST, NUMBER_LIST, DATETIME) or isinstance(value, str):
        cell.number_format = "@"


def _write_value(
    sheet: Worksheet,
    spec: SheetSpec,
    row: int,
    column: int,
    col: Column,
    value: Any,
    lang: str,
    issues: list[Issue],
) -> None:
    """A schema value into a cell; a value Excel cannot hold exactly is an issue."""
    try:
        _put(sheet, row, column, _to_cell(col, value, lang), col, lang)
    except _CellValueError as exc:
        issues.append(
            Issue(
                exc.problem,
                sheet=spec.title(lang),
                row=row,
                field=col.header(lang),
                allowed=exc.allowed,
                detail=exc.detail,
            )
        )


def _style_header(cell, col: Column | None, lang: str) -> None:
    cell.fill = _HEADER_FILL
    cell.font = _REQUIRED_FONT if col is not None and col.required else _HEADER_FONT
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if col is not None:
        note = Comment(help_text(col, lang), "gevinst")
        note.width, note.height = 320, 140
        cell.comment = note


def _width(values: Iterable[Any], minimum: int = 8, maximum: int = 50) -> float:
    longest = max((len(str(v)) for v in values if v is not None), default=0)
    return float(min(maximum, max(minimum, longest + 2)))


def _write_table(
    sheet: Worksheet,
    spec: SheetSpec,
    rows: list[dict],
    lang: str,
    list_ranges: dict[str, str],
    issues: list[Issue],
    marker_rows: list,
) -> None:
    for n, col in enumerate(spec.columns, start=1):
        cell = sheet.cell(1, n, col.header(lang))
        _style_header(cell, col, lang)
        marker_rows.append(
            (spec.key, spec.title(lang), get_column_letter(n), col.key, col.header(lang))
        )
    for r, item in enumerate(rows, start=2):
        for n, col in enumerate(spec.columns, start=1):
            _write_value(sheet, spec, r, n, col, _get_path(item, col.key), lang, issues)
    last = len(rows) + 1 + EXTRA_ROWS
    for n, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(n)
        dv = _validation(col, list_ranges, lang)
        if dv is not None:
            dv.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(dv)
        values = [col.header(lang)] + [sheet.cell(r, n).value for r in range(2, len(rows) + 2)]
        values = [v.isoformat()[:10] if isinstance(v, dt.date) else v for v in values]
        sheet.column_dimensions[letter].width = _width(values, 10 if col.kind == DATE else 8)
    sheet.freeze_panes = "B2" if spec.columns[0].key in ("id", "parent_id", "target_id") else "A2"
    sheet.row_dimensions[1].height = 32


def _write_fields(
    sheet: Worksheet,
    spec: SheetSpec,
    item: dict | None,
    plan: Plan | None,
    workspace: Workspace | None,
    lang: str,
    list_ranges: dict[str, str],
    issues: list[Issue],
    marker_rows: list,
) -> None:
    for n, text in enumerate(_FIELD_HEADERS[lang], start=1):
        _style_header(sheet.cell(1, n, text), None, lang)
    for r, col in enumerate(spec.columns, start=2):
        head = sheet.cell(r, 1, col.header(lang))
        head.font = Font(bold=col.required)
        marker_rows.append((spec.key, spec.title(lang), f"A{r}", col.key, col.header(lang)))
        value = _get_path(item, col.key) if item is not None else col.default
        if (
            plan is None
            and col.kind == TEXT_LIST
            and workspace is not None
            and spec.key == "project"
        ):
            value = [m.name for m in workspace.municipalities]  # the template: all kommuner
        _write_value(sheet, spec, r, 2, col, value, lang, issues)
        note = help_text(col, lang)
        if col.kind == TEXT_LIST and workspace is not None and spec.key == "project":
            names = ", ".join(m.name for m in workspace.municipalities)
            note += (
                f". Municipalities in the workspace: {names}"
                if lang == "en"
                else f". Kommuner i arbeidsområdet: {names}"
            )
        explain = sheet.cell(r, 3, note)
        explain.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(r, 1).alignment = Alignment(vertical="top")
        sheet.cell(r, 2).alignment = Alignment(vertical="top", wrap_text=True)
        dv = _validation(col, list_ranges, lang)
        if dv is not None:
            dv.add(f"B{r}")
            sheet.add_data_validation(dv)
    sheet.column_dimensions["A"].width = _width([c.header(lang) for c in spec.columns], 12, 40)
    sheet.column_dimensions["B"].width = 48
    sheet.column_dimensions["C"].width = 80
    sheet.freeze_panes = "B2"


def _add_references(sheets: dict[str, Worksheet], specs: Sequence[SheetSpec], lang: str) -> None:
    """Dropdowns of ids for columns that refer to another sheet (effektmål-ID)."""
    by_key = {s.key: s for s in specs}
    for spec in specs:
        for n, col in enumerate(spec.columns, start=1):
            target = _REFERENCES.get(col.key)
            if target is None or target not in by_key or spec.layout != "table":
                continue
            tspec = by_key[target]
            id_col = next(i for i, c in enumerate(tspec.columns, start=1) if c.key == "id")
            tsheet = sheets[target]
            id_letter = get_column_letter(id_col)
            last = max(tsheet.max_row, 2) + EXTRA_ROWS
            dv = DataValidation(
                type="list",
                formula1=f"{quote_sheetname(tsheet.title)}!${id_letter}$2:${id_letter}${last}",
                allow_blank=False,
            )
            dv.errorStyle = "warning"
            dv.errorTitle = "Unknown ID" if lang == "en" else "Ukjent ID"
            dv.error = (
                f"Not an ID in the sheet «{tsheet.title}»"
                if lang == "en"
                else f"Ikke en ID i arket «{tsheet.title}»"
            )
            letter = get_column_letter(n)
            sheet = sheets[spec.key]
            dv.add(f"{letter}2:{letter}{max(sheet.max_row, 2) + EXTRA_ROWS}")
            sheet.add_data_validation(dv)


def _paragraph(sheet: Worksheet, row: int, text: str) -> None:
    """A paragraph of the guide: wrapped text across columns A–D."""
    cell = sheet.cell(row, 1, text)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    sheet.row_dimensions[row].height = 32


def _write_guide(
    sheet: Worksheet, specs: Sequence[SheetSpec], workspace: Workspace | None, lang: str
) -> None:
    en = lang == "en"
    intro = _GUIDE_INTRO[lang]
    sheet.cell(1, 1, intro[0]).font = Font(bold=True, size=14)
    r = 3
    for text in intro[1:]:
        _paragraph(sheet, r, text)
        r += 1
    if workspace is not None:
        names = ", ".join(m.name for m in workspace.municipalities)
        text = (
            f"Municipalities in the workspace ({workspace.organisation}): {names}."
            if en
            else f"Kommuner i arbeidsområdet ({workspace.organisation}): {names}."
        )
        _paragraph(sheet, r, text)
        r += 1
    heads = (
        ("Column", "Required", "Type / allowed values", "Explanation")
        if en
        else (
            "Kolonne",
            "Påkrevd",
            "Type / tillatte verdier",
            "Forklaring",
        )
    )
    for spec in specs:
        r += 1
        sheet.cell(r, 1, (("Sheet «" if en else "Arket «") + spec.title(lang) + "»")).font = Font(
            bold=True, size=12
        )
        r += 1
        _paragraph(sheet, r, sheet_help(spec, lang))
        r += 1
        for n, h in enumerate(heads, start=1):
            _style_header(sheet.cell(r, n, h), None, lang)
        for col in spec.columns:
            r += 1
            values = (
                col.header(lang),
                _required_text(col, lang),
                type_text(col, lang),
                _description(col, lang),
            )
            for n, v in enumerate(values, start=1):
                cell = sheet.cell(r, n, v)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (34, 22, 46, 70), strict=True):
        sheet.column_dimensions[letter].width = width


def _write_marker(sheet: Worksheet, plan: Plan | None, lang: str, rows: list) -> None:
    meta = [
        ("format", FORMAT),
        ("format_version", FORMAT_VERSION),
        ("gevinst_version", __version__),
        ("schema", schema_hash()),
        ("lang", lang),
        ("project", plan.project.id if plan is not None else ""),
    ]
    for r, (k, v) in enumerate(meta, start=1):
        sheet.cell(r, 1, k)
        sheet.cell(r, 2, v)
    r = len(meta) + 2
    for n, h in enumerate(("sheet", "title", "cell", "key", "header"), start=1):
        sheet.cell(r, n, h)
    for row in rows:
        r += 1
        for n, v in enumerate(row, start=1):
            sheet.cell(r, n, v).number_format = "@"


def save_workbook(wb: Workbook, path: Path, *, reproducible: bool = False) -> Path:
    """Write ``wb`` to ``path`` atomically (temp file + rename).

    With ``reproducible`` the bytes depend only on the content: openpyxl stamps the
    save time into ``docProps/core.xml`` and every zip entry, so those are fixed
    (the committed template then stays unchanged when it is generated again).
    """
    path = Path(path)
    buffer = io.BytesIO()
    wb.save(buffer)
    data = _reproducible_zip(buffer.getvalue()) if reproducible else buffer.getvalue()
    atomic.write_bytes(path, data)
    return path


_FIXED_STAMP = "2000-01-01T00:00:00Z"


def _reproducible_zip(data: bytes) -> bytes:
    """The same xlsx with fixed timestamps in the zip entries and document properties."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                    rb"\g<1>" + _FIXED_STAMP.encode() + rb"\g<3>",
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, content)
    return out.getvalue()


def write_template(path: Path, *, workspace: Workspace | None = None, lang: str = "nb") -> Path:
    """Write the blank workbook (with the workspace's kommuner, if given)."""
    return save_workbook(
        build_workbook(None, (), workspace=workspace, lang=lang), path, reproducible=True
    )


def write_project(
    path: Path,
    plan: Plan,
    measurements: Sequence[Measurement] = (),
    *,
    workspace: Workspace | None = None,
    lang: str = "nb",
) -> Path:
    """Write one project's filled workbook (plan and measurements)."""
    wb = build_workbook(plan, measurements, workspace=workspace, lang=lang)
    return save_workbook(wb, path)


def export_project(
    root: Path, project_id: str, path: Path | None = None, *, lang: str = "nb"
) -> Path:
    """Load one project from the workspace and write its workbook (default ``<id>.xlsx``)."""
    workspace, plan, measurements = ws.load_project(root, project_id, lang=lang)
    target = Path(path) if path is not None else Path(f"{project_id}.xlsx")
    try:
        wb = build_workbook(plan, measurements, workspace=workspace, lang=lang)
    except InputError as exc:
        raise exc.located(file=ws.display(ws.Paths(root).plan(project_id))) from None
    return save_workbook(wb, target)


# --------------------------------------------------------------------------- values in


def _number_allowed(col: Column, lang: str) -> str:
    if col.kind == INT:
        return "a whole number" if lang == "en" else "et heltall"
    return "a number, e.g. 1234.5 or 1 234,5" if lang == "en" else "et tall, f.eks. 1 234,5"


def _date_allowed(lang: str) -> str:
    return (
        "a date, e.g. 2025-12-31" if lang == "en" else "en dato, f.eks. 31.12.2025 eller 2025-12-31"
    )


def _from_cell(col: Column, value: Any, lang: str) -> Any:
    """The schema value for a cell value (not empty); raises :class:`_CellValueError`."""
    kind = col.kind
    if isinstance(value, str) and value.lstrip().startswith("="):
        raise _CellValueError(
            "formula",
            "text that does not start with '='"
            if lang == "en"
            else "tekst som ikke begynner med «=»",
        )
    if kind == TEXT:
        if isinstance(value, bool):
            return _YES[lang] if value else _NO[lang]
        if isinstance(value, float):
            return str(int(value)) if value.is_integer() else repr(value)
        if isinstance(value, dt.datetime):
            return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)
    if kind in (INT, FLOAT):
        number: float | None
        if isinstance(value, bool | dt.date):
            number = None
        elif isinstance(value, int | float):
            number = float(value) if kind == FLOAT else value
        else:
            number = parse_number(str(value))
        if number is None:
            raise _CellValueError("wrong_type", _number_allowed(col, lang))
        if kind == INT and isinstance(number, float) and number.is_integer():
            return int(number)
        return number
    if kind == DATE:
        if isinstance(value, dt.datetime):
            if value.time() != dt.time():
                raise _CellValueError("bad_date", _date_allowed(lang))
            return value.date()
        if isinstance(value, dt.date):
            return value
        date = parse_date(value) if isinstance(value, str) else None
        if date is not None:
            return date
        raise _CellValueError("bad_date", _date_allowed(lang))
    if kind == DATETIME:
        if isinstance(value, dt.datetime | str):
            return value  # the schema parses ISO text
        raise _CellValueError("bad_date", _date_allowed(lang))
    if kind == BOOL:
        if isinstance(value, bool):
            return value
        word = str(int(value) if isinstance(value, float) and value.is_integer() else value)
        word = word.strip().casefold()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
        raise _CellValueError("not_allowed", f"{_YES[lang]}, {_NO[lang]}")
    if kind == ENUM:
        assert col.enum is not None
        try:
            return col.enum.from_label(str(value)).value
        except ValueError:
            raise _CellValueError(
                "not_allowed", " | ".join(m.label(lang) for m in col.enum)
            ) from None
    if kind == IMPACT:
        try:
            return parse_impact(value)
        except (TypeError, ValueError):
            raise _CellValueError(
                "not_allowed", ", ".join(IMPACT_SYMBOLS[k] for k in sorted(IMPACT_SYMBOLS))
            ) from None
    if kind == TEXT_LIST:
        text = _from_cell(dataclasses.replace(col, kind=TEXT), value, lang)
        return [p.strip() for p in text.split(",") if p.strip()]
    if kind == NUMBER_LIST:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return [float(value)]
        out = []
        for part in str(value).split(";"):
            if not part.strip():
                continue
            number = parse_number(part)
            if number is None:
                raise _CellValueError(
                    "wrong_type",
                    "numbers separated by ';', e.g. 0.2; 0.6; 1"
                    if lang == "en"
                    else "tall skilt med semikolon, f.eks. 0,2; 0,6; 1",
                )
            out.append(number)
        return out
    raise TypeError(kind)


def _norm(text: Any) -> str:
    return " ".join(str(text).split()).casefold()


def _set_path(data: dict[str, Any], key: str, value: Any) -> None:
    *parents, last = key.split(".")
    for p in parents:
        data = data.setdefault(p, {})
    data[last] = value


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Loc:
    sheet: str
    row: int | None = None
    cell: str = ""
    header: str = ""


@dataclass
class _Reader:
    """State while reading one workbook: issues and where each key path sits."""

    file: str
    lang: str
    workbook_lang: str = "nb"
    issues: list[Issue] = field(default_factory=list)
    where: dict[str, _Loc] = field(default_factory=dict)
    bad: set[tuple[str, str]] = field(default_factory=set)
    """(sheet, cell) already reported, so the schema's "missing" is not said twice."""

    def place(self, key: str, loc: _Loc) -> None:
        self.where.setdefault(key, loc)

    def add(
        self, problem: str, sheet: str, row: int | None = None, cell: str = "", **fields: Any
    ) -> None:
        """A problem in this workbook at ``sheet``, ``row`` and ``cell`` (e.g. ``B7``)."""
        self.issues.append(Issue(problem, file=self.file, sheet=sheet, row=row, key=cell, **fields))

    def header(self, col: Column) -> str:
        """A column's header in the workbook's language."""
        return col.header(self.workbook_lang)

    def column(
        self, spec: SheetSpec, lookup: dict[str, Column], sheet: str, head: Any
    ) -> Column | None:
        """The column a header cell names; an unknown header is reported."""
        col = lookup.get(_norm(head.value))
        if col is None:
            self.add(
                "unknown_field",
                sheet,
                head.row,
                head.coordinate,
                found=str(head.value),
                allowed=", ".join(self.header(c) for c in spec.columns),
            )
        return col

    def read_cell(self, item: dict[str, Any], col: Column, cell: Any, sheet: str) -> None:
        """The cell's value into ``item`` at the column's key (nothing if it is empty).

        A formula or a value the column does not accept is reported (and the cell
        remembered, so the schema's "missing" for it is not said twice).
        """
        value = cell.value
        header = self.header(col)
        if cell.data_type == "f" or isinstance(value, ArrayFormula | DataTableFormula):
            text = value.text if isinstance(value, ArrayFormula) else value
            self.bad.add((sheet, cell.coordinate))
            self.add(
                "excel_formula",
                sheet,
                cell.row,
                cell.coordinate,
                field=header,
                found=str(text) if text is not None else "formula",
                allowed=(
                    "a value typed in (no formula)"
                    if self.lang == "en"
                    else "en innskrevet verdi (ingen formel)"
                ),
            )
            return
        if is_empty(value):
            return
        try:
            _set_path(item, col.key, _from_cell(col, value, self.lang))
        except _CellValueError as exc:
            self.bad.add((sheet, cell.coordinate))
            self.add(
                exc.problem,
                sheet,
                cell.row,
                cell.coordinate,
                field=header,
                found=value,
                allowed=exc.allowed,
                detail=exc.detail,
            )

    def locate(self, issue: Issue, spec_of: dict[str, SheetSpec], prefix: str = "") -> Issue:
        """Move an issue with a schema key path onto its sheet, row and cell."""
        key = prefix + issue.key if prefix else issue.key
        probe = key
        while probe:
            loc = self.where.get(probe)
            if loc is not None:
                fld = loc.header
                if not fld and issue.field and probe != issue.field:
                    fld = _field_label(spec_of, probe, issue.field, self.workbook_lang)
                found = issue.found
                if issue.problem in ("too_short", "too_long") and found in ("list", "dict"):
                    found = None
                return dataclasses.replace(
                    issue,
                    file=self.file,
                    sheet=loc.sheet,
                    row=loc.row,
                    key=loc.cell,
                    field=fld,
                    found=found,
                    line=None,
                )
            probe = _parent_key(probe)
        return dataclasses.replace(issue, file=self.file, line=None)


_LAST_PART = re.compile(r"\.?(\[[^\]]*\]|[^.\[]+)$")


def _parent_key(key: str) -> str:
    """``costs[0].amounts[1980].[key]`` → ``costs[0].amounts[1980]`` → … → ``costs`` → ``""``."""
    parent = _LAST_PART.sub("", key)
    return parent if parent != key else ""


def _field_label(spec_of: dict[str, SheetSpec], key: str, name: str, lang: str) -> str:
    top = re.split(r"[.\[]", key, maxsplit=1)[0]
    spec = spec_of.get(top)
    if spec is not None and name in spec.model.model_fields:
        return label(spec.model, name, lang)
    return name


@dataclass
class _Marker:
    meta: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)


def _read_marker(wb: Workbook) -> _Marker | None:
    if MARKER_SHEET not in wb.sheetnames:
        return None
    marker = _Marker()
    sheet = wb[MARKER_SHEET]
    table = False
    for row in sheet.iter_rows(values_only=True):
        cells = ["" if v is None else str(v) for v in row[:5]]
        if not any(cells):
            continue
        if cells[0] == "sheet" and cells[1] == "title":
            table = True
            continue
        if not table:
            marker.meta[cells[0]] = cells[1]
        elif len(cells) >= 5:
            key, title, _, col_key, header = cells[:5]
            marker.titles.setdefault(key, title)
            marker.headers.setdefault(key, {})[_norm(header)] = col_key
    return marker


def _column_lookup(spec: SheetSpec, marker: _Marker | None) -> dict[str, Column]:
    """Header text (normalised) → column: the marker's headers, both languages, the keys."""
    by_key = {c.key: c for c in spec.columns}
    out: dict[str, Column] = {}
    if marker is not None:
        for header, key in marker.headers.get(spec.key, {}).items():
            if key in by_key:
                out[header] = by_key[key]
    for c in spec.columns:
        for name in (c.header("nb"), c.header("en"), c.key):
            out.setdefault(_norm(name), c)
    return out


@dataclass
class ReadResult:
    """A workbook read and validated: the plan, the measurement rows (Excel row, value)."""

    plan: Plan
    measurements: list[tuple[int, Measurement]]
    sheet: str
    """Title of the measurement sheet (for messages)."""
    lang: str
    """Language of the workbook's headers."""


def read_workbook(
    path: Path, *, workspace: Workspace | None = None, lang: str = "nb", name: str | None = None
) -> ReadResult:
    """Read and validate a gevinst workbook; every problem is collected.

    Runs the schema, the plan's cross-field checks (``parse_plan``) and the
    measurement checks (``measurement_issues``). Raises :class:`InputError`
    with every issue located by file, sheet, Excel row, cell and column header.
    """
    path = Path(path)
    name = name or ws.display(path)
    if not path.exists():
        raise InputError([Issue("file_missing", file=name)])
    try:
        wb = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # zipfile.BadZipFile, InvalidFileException, KeyError …
        raise InputError(
            [Issue("not_xlsx", file=name, allowed=".xlsx", detail=type(exc).__name__)]
        ) from None
    marker = _read_marker(wb)
    if marker is not None:
        version = marker.meta.get("format_version", "")
        if marker.meta.get("format") != FORMAT or not version.isdigit():
            raise InputError([Issue("not_gevinst_workbook", file=name, sheet=MARKER_SHEET)])
        if int(version) > FORMAT_VERSION:
            raise InputError(
                [
                    Issue(
                        "newer_workbook",
                        file=name,
                        found=f"format_version {version}",
                        allowed=f"≤ {FORMAT_VERSION} (gevinst {__version__})",
                    )
                ]
            )
    reader = _Reader(file=name, lang=lang)
    if marker is not None:
        reader.workbook_lang = "en" if marker.meta.get("lang") == "en" else "nb"
    specs = sheet_specs()
    spec_of = {s.key: s for s in specs}
    sheets: dict[str, Worksheet] = {}
    by_title = {_norm(t): t for t in wb.sheetnames}
    for spec in specs:
        candidates = [spec.title("nb"), spec.title("en")]
        if marker is not None and spec.key in marker.titles:
            candidates.insert(0, marker.titles[spec.key])
        title = next((by_title[_norm(c)] for c in candidates if _norm(c) in by_title), None)
        if title is not None:
            sheets[spec.key] = wb[title]
        elif spec.layout == "fields" or (marker is not None and spec.key in marker.titles):
            reader.add("sheet_missing", candidates[0], allowed=candidates[0])
    if not sheets:
        raise InputError([Issue("not_gevinst_workbook", file=name)])
    if marker is None:
        guess = next(iter(sheets.values())).title
        reader.workbook_lang = (
            "en"
            if any(s.title("en") == guess for s in specs)
            and not any(s.title("nb") == guess for s in specs)
            else "nb"
        )

    data: dict[str, Any] = {}
    tables: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for spec in specs:
        sheet = sheets.get(spec.key)
        if sheet is None:
            continue
        lookup = _column_lookup(spec, marker)
        if spec.layout == "fields":
            data[spec.key] = _read_fields(reader, spec, sheet, lookup)
        else:
            tables[spec.key] = _read_table(reader, spec, sheet, lookup)

    # Lists of items, then child sheets onto their parents.
    for spec in specs:
        if spec.parent is None and spec.key != "measurements" and spec.key in tables:
            data[spec.key] = [item for _, item in tables[spec.key]]
    for spec in specs:
        if spec.parent is not None and spec.key in tables:
            _attach_children(reader, spec, spec_of[spec.parent], tables[spec.key], data, sheets)

    plan: Plan | None = None
    problems: list[Issue] = []
    try:
        plan = ws.parse_plan(data, name, {}, workspace, lang=lang)
    except InputError as exc:
        problems = [reader.locate(i, spec_of) for i in exc.issues]

    rows: list[tuple[int, Measurement]] = []
    m_spec = spec_of["measurements"]
    m_title = (
        sheets["measurements"].title
        if "measurements" in sheets
        else m_spec.title(reader.workbook_lang)
    )
    for row, item in tables.get("measurements", []):
        prefix = f"measurements[{row}]"
        try:
            rows.append((row, Measurement.model_validate(item)))
        except ValidationError as exc:
            for i in issues_from_validation(exc, lang=lang):
                problems.append(
                    reader.locate(dataclasses.replace(i, key=f"{prefix}.{i.key}"), spec_of)
                )
    if plan is not None:
        for i in measurement_issues(plan, rows, lang=lang):
            key = f"measurements[{i.row}].{i.field}" if i.field else f"measurements[{i.row}]"
            problems.append(reader.locate(dataclasses.replace(i, key=key), spec_of))
    problems = [i for i in problems if (i.sheet, i.key) not in reader.bad]
    issues = reader.issues + problems
    if issues:
        raise InputError(_sorted(issues, [s.title for s in sheets.values()]))
    assert plan is not None
    return ReadResult(plan, rows, m_title, reader.workbook_lang)


def _sorted(issues: list[Issue], order: list[str]) -> list[Issue]:
    rank = {t: n for n, t in enumerate(order)}
    return sorted(
        issues,
        key=lambda i: (rank.get(i.sheet, len(rank)), i.row or 0, i.key or ""),
    )


def _read_fields(
    reader: _Reader, spec: SheetSpec, sheet: Worksheet, lookup: dict[str, Column]
) -> dict[str, Any]:
    title = sheet.title
    reader.place(spec.key, _Loc(title))
    item: dict[str, Any] = {}
    seen: dict[str, int] = {}
    for cells in sheet.iter_rows(min_row=2, max_col=2):
        if len(cells) < 2:
            continue
        head, cell = cells[0], cells[1]
        if is_empty(head.value):
            if not is_empty(cell.value):
                reader.add("unknown_field", title, head.row, head.coordinate, found="")
            continue
        col = reader.column(spec, lookup, title, head)
        if col is None:
            continue
        header = reader.header(col)
        if col.key in seen:
            reader.add(
                "duplicate_key",
                title,
                head.row,
                head.coordinate,
                field=header,
                found=str(head.value),
                detail=f"rad {seen[col.key]}" if reader.lang != "en" else f"row {seen[col.key]}",
            )
            continue
        seen[col.key] = head.row
        reader.place(f"{spec.key}.{col.key}", _Loc(title, cell.row, cell.coordinate, header))
        reader.read_cell(item, col, cell, title)
    return item


def _read_table(
    reader: _Reader, spec: SheetSpec, sheet: Worksheet, lookup: dict[str, Column]
) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a table sheet as (Excel row, item dict); cell problems go to the reader."""
    title = sheet.title
    reader.place(spec.key, _Loc(title))
    rows = sheet.iter_rows()
    header_cells = next(rows, ())
    columns: dict[int, Column] = {}
    seen: set[str] = set()
    reported: set[int] = set()
    for cell in header_cells:
        if is_empty(cell.value):
            continue
        col = reader.column(spec, lookup, title, cell)
        reported.add(cell.column - 1)
        if col is not None and col.key in seen:
            reader.add("duplicate_key", title, 1, cell.coordinate, found=str(cell.value))
        elif col is not None:
            seen.add(col.key)
            columns[cell.column - 1] = col
            reported.discard(cell.column - 1)
    missing = [reader.header(c) for c in spec.columns if c.required and c.key not in seen]
    if missing:
        reader.add("missing_column", title, 1, found=None, allowed=", ".join(missing))
    out: list[tuple[int, dict[str, Any]]] = []
    for cells in rows:
        if all(is_empty(c.value) for c in cells):
            continue
        row = cells[0].row
        index = len(out)
        item: dict[str, Any] = {}
        for n, cell in enumerate(cells):
            col = columns.get(n)
            if col is None:
                if not is_empty(cell.value) and n not in reported:
                    reported.add(n)  # once per column
                    reader.add(
                        "unknown_field",
                        title,
                        row,
                        cell.coordinate,
                        found=cell.value,
                        detail="cell without a column header"
                        if reader.lang == "en"
                        else "celle uten kolonneoverskrift",
                    )
                continue
            if spec.key == "measurements":
                reader.place(
                    f"measurements[{row}].{col.key}",
                    _Loc(title, row, cell.coordinate, reader.header(col)),
                )
            reader.read_cell(item, col, cell, title)
        if spec.key == "measurements":
            reader.place(f"measurements[{row}]", _Loc(title, row))
        elif spec.parent is None:
            base = f"{spec.key}[{index}]"
            reader.place(base, _Loc(title, row))
            for n, col in columns.items():
                letter = get_column_letter(n + 1)
                reader.place(
                    f"{base}.{col.key}", _Loc(title, row, f"{letter}{row}", reader.header(col))
                )
        item["__cells__"] = {
            col.key: (f"{get_column_letter(n + 1)}{row}", reader.header(col))
            for n, col in columns.items()
        }
        out.append((row, item))
    if spec.parent is None:
        for _, item in out:
            item.pop("__cells__", None)
    return out


def _attach_children(
    reader: _Reader,
    spec: SheetSpec,
    parent: SheetSpec,
    rows: list[tuple[int, dict[str, Any]]],
    data: dict[str, Any],
    sheets: dict[str, Worksheet],
) -> None:
    title = sheets[spec.key].title
    name = spec.field or ""
    if parent.layout == "fields":
        targets = [(spec.parent or "", data.setdefault(parent.key, {}))]
        index_of = {None: 0}
    else:
        items = data.get(parent.key, [])
        targets = [(f"{parent.key}[{n}]", it) for n, it in enumerate(items)]
        index_of = {}
        for n, it in enumerate(items):
            index_of.setdefault(it.get("id"), n)
    for prefix, _ in targets:
        reader.place(f"{prefix}.{name}", _Loc(title))
    counters: dict[int, int] = {}
    for row, item in rows:
        cells = item.pop("__cells__", {})
        pid = item.pop("parent_id", None) if parent.layout == "table" else None
        if parent.layout == "table" and pid is None:
            if "parent_id" in cells:  # empty: missing; a bad value was reported already
                coordinate, header = cells["parent_id"]
                reader.add("missing", title, row, coordinate, field=header)
            continue
        n = index_of.get(pid)
        if n is None:
            coordinate, header = cells.get("parent_id", ("", ""))
            reader.add(
                "unknown_reference",
                title,
                row,
                coordinate,
                field=header,
                found=pid,
                allowed=", ".join(str(k) for k in index_of if k is not None),
            )
            continue
        prefix, target = targets[n]
        if spec.mapping:
            if "key" not in item or "value" not in item:
                for k in ("key", "value"):
                    if k not in item and k in cells:
                        coordinate, header = cells[k]
                        reader.add("missing", title, row, coordinate, field=header)
                continue
            mapping = target.setdefault(name, {})
            k = item["key"]
            if k in mapping:
                coordinate, header = cells["key"]
                reader.add("duplicate_key", title, row, coordinate, field=header, found=k)
                continue
            mapping[k] = item["value"]
            base = key_path([*_split_prefix(prefix), name, k])
            reader.place(f"{base}.[key]", _Loc(title, row, *cells.get("key", ("", ""))))
            reader.place(base, _Loc(title, row, *cells.get("value", ("", ""))))
        else:
            children = target.setdefault(name, [])
            c = counters.get(n, 0)
            counters[n] = c + 1
            base = f"{prefix}.{name}[{c}]"
            reader.place(base, _Loc(title, row))
            for k, (coordinate, header) in cells.items():
                reader.place(f"{base}.{k}", _Loc(title, row, coordinate, header))
            children.append(item)


def _split_prefix(prefix: str) -> list[str | int]:
    out: list[str | int] = []
    for m in re.finditer(r"([^.\[\]]+)|\[(\d+)\]", prefix):
        out.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
    return out


# --------------------------------------------------------------------------- changes


@dataclass(frozen=True)
class Change:
    """One difference between the saved plan and the imported one."""

    action: str
    """``new_project``, ``added``, ``removed``, ``changed`` or ``reordered``."""
    sheet: str
    item: str = ""
    """The item's ID (empty for field sheets)."""
    field: str = ""
    old: str = ""
    new: str = ""

    def format(self, lang: str = "nb") -> str:
        en = lang == "en"
        where = f"{self.sheet} {self.item}".strip()
        if self.action == "new_project":
            return f"New project: {self.new}" if en else f"Nytt prosjekt: {self.new}"
        if self.action == "added":
            return f"+ {where}" + (" (new)" if en else " (ny)")
        if self.action == "removed":
            return f"- {where}" + (" (removed)" if en else " (fjernet)")
        if self.action == "reordered":
            return f"~ {where}: " + ("order of rows changed" if en else "rekkefølgen er endret")
        return f"~ {where} «{self.field}»: {self.old} → {self.new}"


def _cells_text(spec: SheetSpec, item: dict, lang: str) -> dict[str, str]:
    return {c.header(lang): _display(c, _get_path(item, c.key), lang) for c in spec.columns}


def plan_changes(old: Plan | None, new: Plan, *, lang: str = "nb") -> list[Change]:
    """What ``new`` changes compared with ``old`` (``None``: a new project).

    Items in table sheets are matched by ID: added, removed, or changed field by
    field (old → new); nested rows (uttak, beløp per år) are compared as a whole.
    """
    if old is None:
        return [Change("new_project", "", new=f"{new.project.id} ({new.project.name})")]
    out: list[Change] = []
    specs = sheet_specs()
    for spec in specs:
        if spec.parent is not None or spec.key == "measurements":
            continue
        kids = [s for s in specs if s.parent == spec.key]
        title = spec.title(lang)
        old_value, new_value = getattr(old, spec.key), getattr(new, spec.key)
        if spec.layout == "fields":
            pairs = [("", old_value, new_value)]
        else:
            old_by = {i.id: i for i in old_value}
            new_by = {i.id: i for i in new_value}
            out.extend(Change("removed", title, i) for i in old_by if i not in new_by)
            out.extend(Change("added", title, i) for i in new_by if i not in old_by)
            pairs = [(i, old_by[i], new_by[i]) for i in new_by if i in old_by]
            common_old = [i for i in old_by if i in new_by]
            common_new = [i for i in new_by if i in old_by]
            if common_old != common_new:
                out.append(Change("reordered", title))
        for item_id, a, b in pairs:
            if a == b:
                continue
            ta, tb = _cells_text(spec, _as_dict(a), lang), _cells_text(spec, _as_dict(b), lang)
            for header in tb:
                if ta[header] != tb[header]:
                    out.append(Change("changed", title, item_id, header, ta[header], tb[header]))
            for kid in kids:
                va, vb = getattr(a, kid.field or ""), getattr(b, kid.field or "")
                if va != vb:
                    out.append(
                        Change(
                            "changed",
                            title,
                            item_id,
                            label(spec.model, kid.field or "", lang),
                            _child_text(kid, va, lang),
                            _child_text(kid, vb, lang),
                        )
                    )
    return out


def _child_text(spec: SheetSpec, value: Any, lang: str) -> str:
    cols = [c for c in spec.columns if c.key != "parent_id"]
    if spec.mapping:
        key_col, value_col = cols
        parts = [
            f"{_display(key_col, k, lang)}: {_display(value_col, v, lang)}"
            for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))
        ]
    else:
        parts = [
            ", ".join(_display(c, _get_path(_as_dict(v), c.key), lang) for c in cols) for v in value
        ]
    return "; ".join(parts) or "–"


# --------------------------------------------------------------------------- measurements


@dataclass
class MeasurementMerge:
    """The measurement list after an import, and what changed."""

    measurements: list[Measurement]
    added: list[tuple[int, Measurement]] = field(default_factory=list)
    changed: list[tuple[int, Measurement, Measurement]] = field(default_factory=list)
    """(Excel row, old, new)."""
    deleted: list[Measurement] = field(default_factory=list)


def _differences(old: Measurement, new: Measurement) -> list[str]:
    """Fields of a recorded measurement that an imported row changes (empty: the same).

    An empty ``recorded_at`` in the workbook keeps the recorded one.
    """
    out = [k for k in ("value", "comment", "reported_by") if getattr(old, k) != getattr(new, k)]
    if new.recorded_at is not None and new.recorded_at != old.recorded_at:
        out.append("recorded_at")
    return out


def merge_measurements(
    existing: Sequence[Measurement],
    imported: Sequence[tuple[int, Measurement]],
    *,
    now: dt.datetime,
    force: bool = False,
    file: str = "",
    sheet: str = "",
    lang: str = "nb",
) -> MeasurementMerge:
    """Merge imported rows (Excel row, measurement) into the recorded measurements.

    Rows are matched on ``target_id`` + ``date``. Recorded measurements are never
    silently altered: a changed or missing one is an :class:`InputError` naming the
    row, unless ``force`` (then a changed one is recorded again at ``now`` and a
    missing one is deleted). New rows get ``recorded_at = now`` when it is empty;
    ``reported_by`` stays as given. The result is the register's order with new
    rows appended in the workbook's order.
    """
    new_by = {(m.target_id, m.date): (row, m) for row, m in imported}
    result = MeasurementMerge([])
    issues: list[Issue] = []
    recorded = set()
    for old in existing:
        k = (old.target_id, old.date)
        recorded.add(k)
        if k not in new_by:
            result.deleted.append(old)
            issues.append(
                Issue(
                    "measurement_deleted",
                    file=file,
                    sheet=sheet,
                    found=f"{old.target_id} {old.date} = {display_number(old.value, lang)}",
                    allowed="--force",
                )
            )
            continue
        row, m = new_by[k]
        diff = _differences(old, m)
        if not diff:
            result.measurements.append(old)
            continue
        new = m.model_copy(update={"recorded_at": now})
        result.changed.append((row, old, new))
        result.measurements.append(new)
        shown = "; ".join(
            f"{label(Measurement, d, lang)} "
            f"{_measurement_text(getattr(old, d), lang)} → {_measurement_text(getattr(m, d), lang)}"
            for d in diff
        )
        issues.append(
            Issue(
                "measurement_changed",
                file=file,
                sheet=sheet,
                row=row,
                field=label(Measurement, diff[0], lang),
                found=f"{m.target_id} {m.date}: {shown}",
                allowed="--force",
            )
        )
    for row, m in imported:
        if (m.target_id, m.date) not in recorded:
            if m.recorded_at is None:
                m = m.model_copy(update={"recorded_at": now})
            result.added.append((row, m))
            result.measurements.append(m)
    if issues and not force:
        raise InputError(issues)
    return result


def _measurement_text(value: Any, lang: str) -> str:
    if isinstance(value, float):
        return display_number(value, lang)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return repr(value)


# --------------------------------------------------------------------------- import


@dataclass
class ImportResult:
    """What an import found and did."""

    project_id: str
    plan: Plan
    changes: list[Change]
    merge: MeasurementMerge
    plan_path: Path
    measurements_path: Path
    written: list[Path] = field(default_factory=list)
    dry_run: bool = False


def _csv_rows(measurements: Sequence[Measurement]) -> str:
    """Measurement rows as CSV text, without the header."""
    return ws.measurement_rows(measurements)


def _register_bytes(path: Path, merge: MeasurementMerge) -> bytes:
    """The new register, touching only what changed.

    Rows that stay keep their bytes; a forced change replaces that row, a forced
    deletion drops it, and new rows are appended (as ``gevinst measure`` does), so
    the register's diff shows exactly what the import did.
    """
    if not path.exists():
        return ws.measurements_to_csv(merge.measurements).encode("utf-8")
    raw = path.read_bytes()
    bom = raw[:3] if raw.startswith(b"\xef\xbb\xbf") else b""
    text = raw[len(bom) :].decode("utf-8")
    lines = io.StringIO(text).readlines()
    replaced = {(old.target_id, old.date): new for _, old, new in merge.changed}
    dropped = {(m.target_id, m.date) for m in merge.deleted}
    reader = csv.reader(io.StringIO(text))
    next(reader, None)
    out = ["".join(lines[: reader.line_num])]
    start = reader.line_num
    for cells in reader:
        chunk = "".join(lines[start : reader.line_num])
        start = reader.line_num
        key = None
        if len(cells) >= 2 and cells[0].strip():
            try:
                key = (cells[0].strip(), dt.date.fromisoformat(cells[1].strip()))
            except ValueError:
                key = None
        if key in dropped:
            continue
        if key in replaced:
            chunk = _csv_rows([replaced[key]])
        out.append(chunk)
    body = "".join(out)
    if body and not body.endswith("\n"):
        body += "\n"
    body += _csv_rows([m for _, m in merge.added])
    try:  # the surgical edit must give exactly the merged register; else rewrite it whole
        rows = ws.parse_measurements_csv(body, path.name)
    except InputError:
        rows = []
    if [m for _, m in rows] != merge.measurements:
        return ws.measurements_to_csv(merge.measurements).encode("utf-8")
    return bom + body.encode("utf-8")


def import_workbook(
    root: Path,
    path: Path,
    *,
    force: bool = False,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    lang: str = "nb",
) -> ImportResult:
    """Read a workbook into the workspace: ``projects/<id>.yaml`` and ``measurements/<id>.csv``.

    Validates everything first (raising :class:`InputError` with every problem and
    writing nothing), compares with the saved files, then writes only what changed,
    each file atomically. ``now`` (default: the current local time) is the
    ``recorded_at`` of new measurements.
    """
    root = Path(root)
    workspace = ws.load_config(root, lang=lang)
    read = read_workbook(path, workspace=workspace, lang=lang)
    plan = read.plan
    pid = plan.project.id
    paths = ws.Paths(root)
    plan_path, meas_path = paths.plan(pid), paths.measurements(pid)
    old_plan: Plan | None = None
    if plan_path.exists():
        try:
            old_plan = ws.load_plan(root, pid, workspace, lang=lang)
        except InputError:
            if not force:
                raise
    when = now or ws.recorded_now()
    source = ws.display(Path(path))

    def merged() -> MeasurementMerge:
        existing: list[Measurement] = []
        if meas_path.exists():
            name = ws.display(meas_path)
            text = read_text(meas_path, name)
            existing = [m for _, m in ws.parse_measurements_csv(text, name, lang=lang)]
        return merge_measurements(
            existing,
            read.measurements,
            now=when,
            force=force,
            file=source,
            sheet=read.sheet,
            lang=lang,
        )

    merge = merged()
    changes = plan_changes(old_plan, plan, lang=lang)
    result = ImportResult(pid, plan, changes, merge, plan_path, meas_path, dry_run=dry_run)
    if dry_run:
        return result
    if merge.added or merge.changed or merge.deleted:
        # The register may be appended to by `gevinst measure` meanwhile: merge again
        # under the lock the intake uses, against the file as it is now.
        with register_lock(root):
            result.merge = merged()
            atomic.write_bytes(meas_path, _register_bytes(meas_path, result.merge))
        result.written.append(meas_path)
    if old_plan is None or old_plan != plan:
        atomic.write_text(plan_path, ws.plan_to_yaml(plan))
        result.written.insert(0, plan_path)
    return result


__all__ = [
    "FORMAT_VERSION",
    "Change",
    "Column",
    "ImportResult",
    "MeasurementMerge",
    "ReadResult",
    "SheetSpec",
    "build_workbook",
    "column_table",
    "column_table_markdown",
    "display_number",
    "export_project",
    "import_workbook",
    "merge_measurements",
    "parse_number",
    "plan_changes",
    "read_workbook",
    "save_workbook",
    "schema_hash",
    "sheet_specs",
    "write_project",
    "write_template",
]


if __name__ == "__main__":  # pragma: no cover - regenerates the table in docs/excel.md
    import sys

    sys.stdout.write(column_table_markdown(sys.argv[1] if len(sys.argv) > 1 else "nb"))
