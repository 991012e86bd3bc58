"""The project-plan schema: the one definition of a gevinst project plan.

Everything else is derived from these types: the YAML and CSV formats, the Excel
template (sheets, Norwegian headers, dropdowns), the JSON output and the field
tables in ``docs/``. Each field carries a Norwegian and an English label
(``label(field)``) and an English description.

Field-level rules (types, ranges, patterns, formula injection) live here; rules
that span several fields or objects (dates in order, references, duplicate ids)
live in :mod:`gevinst.model.validate`, so that every problem in a plan is
reported at once.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import types
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

# --------------------------------------------------------------------------- helpers


def _no_formula(value: str) -> str:
    """Refuse text that a spreadsheet would run as a formula (formula injection)."""
    if value.lstrip().startswith("="):
        raise ValueError("formula_injection")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_no_formula)]
"""Free text: stripped, and never starting with ``=``."""

NonEmptyText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_no_formula)
]

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
PROJECT_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"

WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"]
    + [f"com{n}" for n in range(1, 10)]
    + [f"lpt{n}" for n in range(1, 10)]
)
"""Names Windows will not give a file (``con.yaml`` cannot be created there)."""


def _not_reserved(value: str) -> str:
    if value.casefold() in WINDOWS_RESERVED:
        raise ValueError("reserved_id")
    return value


Id = Annotated[str, StringConstraints(pattern=ID_PATTERN), AfterValidator(_not_reserved)]
"""An id inside a plan: letters, digits, ``-`` and ``_`` (1–64, starting with a letter or
digit); not a name Windows reserves; safe in file names and URLs."""

ProjectId = Annotated[
    str, StringConstraints(pattern=PROJECT_ID_PATTERN), AfterValidator(_not_reserved)
]
"""A project id (slug): lower-case letters, digits and ``-`` (1–63, starting with a letter
or digit); not a name Windows reserves (``con``, ``nul``, ``com1`` …); used in file names."""

MAX_MAGNITUDE = 10**12
"""Largest magnitude of an amount or an indicator value (a thousand billion): anything
larger is a typing error, and keeps sums, NPVs and regressions finite."""

NonNegative = Annotated[float, Field(ge=0, le=MAX_MAGNITUDE, allow_inf_nan=False)]
Finite = Annotated[float, Field(ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE, allow_inf_nan=False)]
Multiplier = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
MAX_AMOUNT = MAX_MAGNITUDE
"""Largest NOK amount accepted in one field: sums stay finite."""
Amount = Annotated[float, Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)]
Score = Annotated[int, Field(ge=1, le=5)]


def is_safe_id(value: str, *, project: bool = False) -> bool:
    """Whether ``value`` follows the id rule (:data:`ID_PATTERN`, or :data:`PROJECT_ID_PATTERN`
    for a project) and is not a Windows-reserved name."""
    return (
        re.fullmatch(PROJECT_ID_PATTERN if project else ID_PATTERN, value) is not None
        and value.casefold() not in WINDOWS_RESERVED
    )


def f(nb: str, en: str, description: str = "", **kwargs: Any) -> Any:
    """A pydantic ``Field`` with Norwegian (``nb``) and English (``en``) labels."""
    extra = {"nb": nb, "en": en}
    return Field(description=description or en, json_schema_extra=extra, **kwargs)


def label(model: type[BaseModel], field: str, lang: str = "nb") -> str:
    """The human label of ``model.field`` in ``lang`` (``nb`` or ``en``)."""
    info = model.model_fields[field]
    extra = info.json_schema_extra or {}
    return str(extra.get(lang) or extra.get("en") or field)  # type: ignore[union-attr]


def _kinds(annotation: Any) -> set[type]:
    """The scalar types a field accepts (``list[float] | None`` -> {float})."""
    if get_origin(annotation) is Annotated:
        return _kinds(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        return set().union(*(_kinds(a) for a in get_args(annotation)))
    return {annotation} if isinstance(annotation, type) else set()


def _item(annotation: Any, index: int) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        annotation = next((a for a in get_args(annotation) if a is not type(None)), annotation)
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    args = get_args(annotation)
    return args[index] if len(args) > index else None


def _unwrap(annotation: Any) -> Any:
    """``Annotated[X, …]`` -> X and ``X | None`` -> X (a union of several types stays)."""
    origin = get_origin(annotation)
    while origin is Annotated or origin in (Union, types.UnionType):
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        else:
            rest = [a for a in get_args(annotation) if a is not type(None)]
            if len(rest) != 1:
                break
            annotation = rest[0]
        origin = get_origin(annotation)
    return annotation


Checker = Callable[[Any], None]


def _compile_check(annotation: Any) -> Checker | None:
    """The check :func:`no_coercion` makes for ``annotation``, worked out once
    (None: there is nothing to check). Called per field and cached by the model."""
    annotation = _unwrap(annotation)
    origin = get_origin(annotation)
    if origin is list:
        inner = _compile_check(_item(annotation, 0))

        def check_list(value: Any) -> None:
            if inner is not None and isinstance(value, list):
                for item in value:
                    inner(item)

        return check_list if inner is not None else None
    if origin is dict:
        key, val = _compile_check(_item(annotation, 0)), _compile_check(_item(annotation, 1))
        if key is None and val is None:
            return None

        def check_dict(value: Any) -> None:
            if isinstance(value, dict):
                for k, v in value.items():
                    if key is not None:
                        key(k)
                    if val is not None:
                        val(v)

        return check_dict
    kinds = _kinds(annotation)
    if not kinds:
        return None
    bool_ok = bool in kinds
    bool_only = bool_ok and kinds <= {bool, type(None)}
    date_only = bool(kinds & {dt.date, dt.datetime}) and not kinds & {int, float}

    def check(value: Any) -> None:
        if isinstance(value, bool):
            if not bool_ok:
                raise ValueError("bool_coercion")
        elif bool_only and value is not None:
            raise ValueError("bool_coercion")
        elif date_only and isinstance(value, int | float):
            raise ValueError("date_coercion")

    return check


def no_coercion(annotation: Any, value: Any) -> None:
    """Refuse the lax conversions that change meaning: a boolean read as a number
    (``probability: true`` -> 1), a number read as a date (``start_date: 0`` ->
    1970-01-01) or a boolean from text or a number (``enabled: yes``/``1``).
    Lists and mappings are checked item by item; raises ``ValueError``.
    """
    check = _compile_check(annotation)
    if check is not None:
        check(value)


@functools.cache
def _field_check(model: type[BaseModel], name: str) -> Checker | None:
    """The compiled :func:`no_coercion` check of ``model.name``: the annotation is read
    once per field, not once per value (60 000 measurements are 360 000 values)."""
    field = model.model_fields.get(name)
    return None if field is None else _compile_check(field.annotation)


class Strict(BaseModel):
    """Base for all plan types: unknown fields are errors, values are validated, and no
    value changes meaning on the way in (:func:`no_coercion`)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_enum_values=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_coercion(cls, value: Any, info: ValidationInfo) -> Any:
        check = _field_check(cls, info.field_name or "")
        if check is not None:
            check(value)
        return value


# --------------------------------------------------------------------------- enumerations


class LabelledEnum(StrEnum):
    """A string enumeration whose members have Norwegian and English labels."""

    @classmethod
    def labels(cls) -> dict[str, dict[str, str]]:  # pragma: no cover - overridden
        return {}

    def label(self, lang: str = "nb") -> str:
        return self.labels().get(self.value, {}).get(lang, self.value)

    @classmethod
    def from_label(cls, text: str) -> LabelledEnum:
        """Accept the value itself or its label in any language (for Excel)."""
        text = str(text).strip()
        for member in cls:
            if text == member.value or text in cls.labels().get(member.value, {}).values():
                return member
        raise ValueError(text)


class DecisionPoint(LabelledEnum):
    """DFØ Prosjektveiviseren's decision points (beslutningspunkt)."""

    BP1 = "BP1"
    BP2 = "BP2"
    BP3 = "BP3"
    BP4 = "BP4"
    BP5 = "BP5"

    @classmethod
    def labels(cls) -> dict[str, dict[str, str]]:
        return {
            "BP1": {"nb": "BP1 – konsept godkjent", "en": "DP1 – concept approved"},
            "BP2": {"nb": "BP2 – start planlegging", "en": "DP2 – start planning"},
            "BP3": {"nb": "BP3 – start gjennomføring", "en": "DP3 – start execution"},
            "BP4": {"nb": "BP4 – start avslutning", "en": "DP4 – start closing"},
            "BP5": {"nb": "BP5 – prosjektet avsluttet", "en": "DP5 – project closed"},
        }


class BenefitKind(LabelledEnum):
    """KS's three kinds of benefit."""

    CASH = "cash"
    TIME = "time"
    QUALITY = "quality"

    @classmethod
    def labels(cls) -> dict[str, dict[str, str]]:
        return {
            "cash": {"nb": "kontant", "en": "cash (budget-releasing)"},
            "time": {"nb": "tid", "en": "freed time"},
            "quality": {"nb": "kvalitet", "en": "quality"},
        }


class BenefitCategory(LabelledEnum):
    """Prosjektveiviseren's four categories in the benefits realisation plan."""

    OWN_BUDGET = "own_budget"
    FREED_RESOURCES = "freed_resources"
    OTHER_PUBLIC = "other_public"
    NON_PRICED = "non_priced"

    @classmethod
    def labels(cls) -> dict[str, dict[str, str]]:
        return {
            "own_budget": {
                "nb": "effekt på eget budsjett",
                "en": "effect on own budget",
            },
            "freed_resources": {
                "nb": "alternativ bruk av frigjorte ressurser",
                "en": "alternative use of freed resources",
            },
            "other_public": {
                "nb": "prissatt gevinst ellers i offentlig sektor",
                "en": "priced benefit elsewhere in the public sector",
            },
            "non_priced": {"nb": "ikke-prissatt", "en": "non-priced"},
        }


class Direction(LabelledEnum):
    """Which way the indicator should move for the benefit to be realised."""

    INCREASE = "increase"
    DECREASE = "decrease"

    @classmethod
    def labels(cls) -> dict[str, dict[str, str]]:
        return {
            "increase": {"nb": "økning er bra", "en": "increase is good"},
            "decrease": {"nb": "nedgang er bra", "en": "decrease is good"},
        }


class Profile(LabelledEnum):
    """Realisation profile: how the change from baseline to target unfolds."""

    LINEAR = "linear"
    S_CURVE = "s_curve"
    STEP = "step"
    EXPLICIT = "explicit"

    @classmethod
    def labels(cls) -> dict[str, dict[str, str]]:
        return {
            "linear": {"nb": "lineær", "en": "linear"},
            "s_curve": {"nb": "S-kurve", "en": "S-curve"},
            "step": {"nb": "trinn (alt på måldato)", "en": "step (all at target date)"},
            "explicit": {"nb": "egne andeler per år", "en": "explicit per-year fractions"},
        }


class Frequency(LabelledEnum):
    """How often a benefit or resultatmål is measured."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"

    @classmethod
    def labels(cls) -> dict[str, dict[str, str]]:
        return {
            "monthly": {"nb": "månedlig", "en": "monthly"},
            "quarterly": {"nb": "kvartalsvis", "en": "quarterly"},
            "yearly": {"nb": "årlig", "en": "yearly"},
        }

    @property
    def months(self) -> int:
        return {"monthly": 1, "quarterly": 3, "yearly": 12}[self.value]


class CostCategory(LabelledEnum):
    INVESTMENT = "investment"
    OPERATION = "operation"
    INTERNAL = "internal"

    @classmethod
    def labels(cls) -> dict[str, dict[str, str]]:
        return {
            "investment": {"nb": "investering", "en": "investment"},
            "operation": {"nb": "drift", "en": "operation"},
            "internal": {"nb": "egeninnsats", "en": "internal effort"},
        }


class CostSharing(LabelledEnum):
    """Fordelingsnøkkel: how costs and shared benefits are split between kommuner."""

    POPULATION = "population"
    EQUAL = "equal"
    FIXED = "fixed"

    @classmethod
    def labels(cls) -> dict[str, dict[str, str]]:
        return {
            "population": {"nb": "etter innbyggertall", "en": "by population"},
            "equal": {"nb": "likt", "en": "equally"},
            "fixed": {"nb": "faste andeler", "en": "fixed shares"},
        }


class Level(LabelledEnum):
    """Small / medium / large (DFØ: betydning and omfang)."""

    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"

    @classmethod
    def labels(cls) -> dict[str, dict[str, str]]:
        return {
            "small": {"nb": "liten", "en": "small"},
            "medium": {"nb": "middels", "en": "medium"},
            "large": {"nb": "stor", "en": "large"},
        }


# DFØ's nine-step scale for non-priced effects, shown with real minus signs.
IMPACT_SYMBOLS: dict[int, str] = {
    -4: "−−−−",
    -3: "−−−",
    -2: "−−",
    -1: "−",
    0: "0",
    1: "+",
    2: "++",
    3: "+++",
    4: "++++",
}


def parse_impact(value: Any) -> int:
    """Read a DFØ score given as an integer -4..4 or as symbols (``--``, ``−−``, ``+++``)."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float) and float(value).is_integer():
        return int(value)
    text = str(value).strip().replace("−", "-").replace("–", "-")
    if text == "0":
        return 0
    if text and set(text) == {"+"}:
        return len(text)
    if text and set(text) == {"-"}:
        return -len(text)
    return int(text)  # "+2", "-3", "2"; raises ValueError otherwise


def _impact(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a score from −−−− (-4) to ++++ (4), not true/false")
    try:
        return parse_impact(value)
    except (TypeError, ValueError):
        return value  # let the int validator report it


Impact = Annotated[int, BeforeValidator(_impact), Field(ge=-4, le=4)]

# --------------------------------------------------------------------------- the plan


class Uncertainty(Strict):
    """Triangular uncertainty as multipliers of the line's planned value.

    ``low`` ≤ ``likely`` ≤ ``high``; 1.0 means "as planned". A cost line with
    ``low=0.9, likely=1.0, high=1.4`` may end 10 % under or 40 % over plan.
    """

    low: Multiplier = f("lav", "low", "Multiplier in the favourable-low case", default=1.0)
    likely: Multiplier = f("sannsynlig", "likely", "Most likely multiplier", default=1.0)
    high: Multiplier = f("høy", "high", "Multiplier in the high case", default=1.0)


class Municipality(Strict):
    """A kommune in the workspace, with the population used for cost sharing."""

    name: NonEmptyText = f("kommune", "municipality", "Name of the kommune")
    population: Annotated[int, Field(gt=0, le=100_000_000)] = f(
        "innbyggertall", "population", "Number of inhabitants (for cost sharing)"
    )


class Project(Strict):
    """The project itself (prosjektet)."""

    id: ProjectId = f("prosjekt-ID", "project ID", "Slug, used in file names")
    name: NonEmptyText = f("prosjektnavn", "project name", "Name of the project")
    organisation: NonEmptyText = f(
        "organisasjon", "organisation", "The collaboration or kommune that runs the project"
    )
    municipalities: list[NonEmptyText] = f(
        "deltakende kommuner",
        "participating municipalities",
        "Names of participating kommuner; populations come from the workspace",
        min_length=1,
    )
    cost_sharing: CostSharing = f(
        "fordelingsnøkkel", "cost sharing", "How costs are split", default=CostSharing.POPULATION
    )
    fixed_shares: dict[str, NonNegative] = f(
        "faste andeler",
        "fixed shares",
        "Share per kommune when cost_sharing is fixed (must add up to 1)",
        default_factory=dict,
    )
    owner: NonEmptyText = f("prosjekteier", "project owner")
    project_manager: NonEmptyText = f("prosjektleder", "project manager")
    phase: DecisionPoint | None = f(
        "fase (siste passerte BP)",
        "phase (last decision point passed)",
        "Last decision point passed (BP1–BP5); empty before BP1",
        default=None,
    )
    start_date: dt.date = f("startdato", "start date")
    end_date: dt.date = f("sluttdato", "end date")
    price_year: Annotated[int, Field(ge=1990, le=2100)] = f(
        "prisnivå (år)", "price year", "All amounts are in real prices of this year"
    )
    analysis_start_year: Annotated[int, Field(ge=1990, le=2100)] | None = f(
        "analysens første år",
        "first year of analysis",
        "Year 0 of the cost/benefit analysis; default: the start date's year",
        default=None,
    )
    analysis_years: Annotated[int, Field(ge=1, le=100)] | None = f(
        "analyseperiode (år)",
        "analysis period (years)",
        "Years analysed in detail; default: the lifetime of the measure (the longest "
        "investment lifetime from the first investment), capped by the workspace's "
        "analysis.max_years, else analysis.default_years. See docs/cba.md",
        default=None,
    )
    decision_year: Annotated[int, Field(ge=1990, le=2100)] | None = f(
        "beslutningsår",
        "decision year",
        "Year of the decision the analysis supports (e.g. continuing a project under way); "
        "year 0 of the analysis when analysis_start_year is empty. Costs before it are "
        "sunk costs (påløpte kostnader): shown, not in the NPV. Required when costs fall "
        "before the first analysis year",
        default=None,
    )
    decision_note: Text = f(
        "begrunnelse for beslutningsår",
        "why this decision year",
        "Why the analysis starts at the decision year (shown beside the sunk costs)",
        default="",
    )
    follow_up_years: Annotated[int, Field(ge=0, le=20)] | None = f(
        "oppfølging etter BP5 (år)",
        "follow-up after BP5 (years)",
        "Years benefits are followed up after the project ends (end_date, BP5); the final "
        "benefits report (sluttrapport for gevinster) is due at its end. Empty: none planned",
        default=None,
    )
    description: Text = f("beskrivelse", "description", default="")
    funder: Text = f(
        "finansiør",
        "funder",
        "Who co-finances the project, e.g. «Digdir, medfinansieringsordningen»; the funder "
        "report (gevinst report --kind funder) is addressed to it",
        default="",
    )
    take_out_requirement: Annotated[float, Field(ge=0, le=1)] | None = f(
        "krav til uttak (andel)",
        "take-out requirement (share)",
        "Share of the internal net gains the funder requires taken out of budgets (Digdir's "
        "co-financing scheme: 0.5); empty: no such requirement",
        default=None,
    )
    programme: Text = f(
        "program/tema",
        "programme/theme",
        "Groups the project in the portfolio's road map (e.g. «Helse og velferd»)",
        default="",
    )


class Goals(Strict):
    """The project's hovedmål (samfunnsmål)."""

    main_goal: NonEmptyText = f("hovedmål", "main goal", "Hovedmål / samfunnsmål")


class EffectGoal(Strict):
    """Effektmål: why – the effect wanted for users or the organisation."""

    id: Id = f("ID", "ID")
    text: NonEmptyText = f("effektmål", "effect goal")
    indicator: NonEmptyText = f("indikator", "indicator")


class ResultGoal(Strict):
    """Resultatmål: what – a measurable deliverable (ambition + indicator)."""

    id: Id = f("ID", "ID")
    text: NonEmptyText = f("resultatmål", "result goal")
    effect_goal: Id = f("effektmål-ID", "effect goal ID", "The effektmål it serves")
    indicator: NonEmptyText = f("indikator", "indicator")
    unit: Text = f("enhet", "unit", default="")
    direction: Direction = f("retning", "direction", default=Direction.INCREASE)
    baseline: Finite = f("nullpunkt", "baseline")
    baseline_date: dt.date = f("nullpunktsdato", "baseline date")
    target: Finite = f("målverdi", "target")
    due_date: dt.date = f("frist", "due date")
    profile: Profile = f("realiseringsprofil", "profile", default=Profile.LINEAR)
    profile_fractions: list[Annotated[float, Field(ge=0, le=1)]] = f(
        "andeler per år", "fractions per year", default_factory=list
    )
    frequency: Frequency = f("målefrekvens", "measurement frequency", default=Frequency.QUARTERLY)
    owner: Text = f("ansvarlig", "responsible", default="")
    change_reason: Text = f(
        "begrunnelse for endring",
        "reason for change",
        "Why the target or due date differs from the approved baseline (godkjent plan); "
        "a lowered target or a later date without it is flagged. See docs/baselines.md",
        default="",
    )
    starts_at: Id | None = f(
        "starter ved milepæl",
        "starts at milestone",
        "Milestone id: realisation starts at the milestone's planned date instead of the "
        "baseline date, and the profile (start and due date) moves with its forecast or "
        "actual date",
        default=None,
    )
    _milestone_dates: tuple[dt.date, dt.date] | None = PrivateAttr(default=None)


class Valuation(Strict):
    """How one unit of change in the indicator is valued in NOK per year.

    Either ``nok_per_unit``, or ``hours_per_unit`` × ``hourly_cost`` (the
    workspace's default hourly cost when empty). KS: "tasks avoided per year ×
    today's cost per task".
    """

    nok_per_unit: Amount | None = f("kr per enhet", "NOK per unit", default=None)
    hours_per_unit: NonNegative | None = f("timer per enhet", "hours per unit", default=None)
    hourly_cost: NonNegative | None = f(
        "timekostnad (kr)",
        "hourly cost (NOK)",
        "Wage plus social costs; default from the workspace",
        default=None,
    )


class TakeOut(Strict):
    """Planned uttak: money actually taken out of a budget."""

    year: Annotated[int, Field(ge=1990, le=2100)] = f("år", "year")
    amount: Amount = f("beløp (kr)", "amount (NOK)")
    budget: Text = f("budsjett", "budget", "Whose budget", default="")


class OwnerPeriod(Strict):
    """Eierperiode: who owned a benefit from when, and until the handover (overlevering)."""

    owner: NonEmptyText = f("gevinsteier", "benefit owner")
    since: dt.date = f("fra", "from", "First day of this owner's responsibility")
    handover_date: dt.date | None = f(
        "overleveringsdato",
        "handover date",
        "Last day of this owner's responsibility; empty: still the owner",
        default=None,
    )


class Benefit(Strict):
    """Gevinst (or, in ``disbenefits``, ulempe)."""

    id: Id = f("ID", "ID")
    name: NonEmptyText = f("navn", "name")
    effect_goal: Id = f("effektmål-ID", "effect goal ID", "The effektmål it serves")
    owner: NonEmptyText = f("gevinsteier", "benefit owner")
    kind: BenefitKind = f("type", "kind", "KS: cash, freed time or quality")
    category: BenefitCategory = f("kategori", "category", "Prosjektveiviseren's category")
    indicator: NonEmptyText = f("indikator", "indicator")
    unit: NonEmptyText = f("enhet", "unit")
    direction: Direction = f("retning", "direction")
    baseline: Finite = f("nullpunkt", "baseline")
    baseline_date: dt.date = f("nullpunktsdato", "baseline date")
    target: Finite = f("målverdi", "target")
    target_date: dt.date = f("måldato", "target date")
    realisation_start: dt.date | None = f(
        "realisering starter",
        "realisation starts",
        "When the change starts; default: the baseline date",
        default=None,
    )
    starts_at: Id | None = f(
        "starter ved milepæl",
        "starts at milestone",
        "Milestone id: realisation starts at the milestone's planned date, and the whole "
        "profile (start and target date) moves with its forecast or actual date; instead "
        "of realisation_start",
        default=None,
    )
    valuation: Valuation | None = f(
        "verdsetting", "valuation", "Empty for non-priced benefits", default=None
    )
    profile: Profile = f("realiseringsprofil", "profile", default=Profile.LINEAR)
    profile_fractions: list[Annotated[float, Field(ge=0, le=1)]] = f(
        "andeler per år",
        "fractions per year",
        "For the explicit profile: share of the change realised in each year from the "
        "realisation start",
        default_factory=list,
    )
    uncertainty: Uncertainty = f("usikkerhet", "uncertainty", default_factory=Uncertainty)
    depends_on: list[Id] = f(
        "bygger på (kostnads-ID)",
        "depends on (cost IDs)",
        "Investment lines the benefit needs: it ends when the last of them reaches the end "
        "of its lifetime (levetid), unless reinvested. Empty: runs to the end of the analysis",
        default_factory=list,
    )
    frequency: Frequency = f("målefrekvens", "measurement frequency")
    municipalities: list[NonEmptyText] = f(
        "kommuner",
        "municipalities",
        "Kommuner where the benefit arises; empty: all participating",
        default_factory=list,
    )
    take_outs: list[TakeOut] = f("uttak", "take-outs", default_factory=list)
    owner_history: list[OwnerPeriod] = f(
        "eierhistorikk",
        "owner history",
        "Who owned the benefit from when (with handover dates). Empty: «owner» throughout. "
        "When given, the current owner is the period covering the as-of date; none: the "
        "benefit has no current owner",
        default_factory=list,
    )
    change_reason: Text = f(
        "begrunnelse for endring",
        "reason for change",
        "Why the target or target date differs from the approved baseline (godkjent plan); "
        "a lowered target or a later date without it is flagged. See docs/baselines.md",
        default="",
    )
    description: Text = f("beskrivelse", "description", default="")
    _milestone_dates: tuple[dt.date, dt.date] | None = PrivateAttr(default=None)


class Cost(Strict):
    """A cost line (kostnad) with amounts per year in the plan's price year."""

    id: Id = f("ID", "ID")
    name: NonEmptyText = f("navn", "name")
    category: CostCategory = f("kategori", "category")
    amounts: dict[Annotated[int, Field(ge=1990, le=2100)], Amount] = f(
        "beløp per år (kr)", "amounts per year (NOK)", min_length=1
    )
    uncertainty: Uncertainty = f("usikkerhet", "uncertainty", default_factory=Uncertainty)
    lifetime: Annotated[int, Field(ge=1, le=100)] | None = f(
        "levetid (år)",
        "lifetime (years)",
        "Economic lifetime of an investment from the year it is paid; empty: lives to the "
        "end of the analysis",
        default=None,
    )
    reinvest: bool = f(
        "reinvesteres",
        "reinvested",
        "Repeat the investment when its lifetime ends (within the analysis period)",
        default=False,
    )
    description: Text = f("beskrivelse", "description", default="")


class CorrelationGroup(Strict):
    """Lines whose uncertainty shares one driver (korrelasjonsgruppe).

    Their multipliers are drawn with the given correlation (a one-factor Gaussian
    copula; 1.0: fully correlated, all at the same quantile). Lines in no group
    are drawn independently.
    """

    id: Id = f("ID", "ID")
    name: NonEmptyText = f("navn", "name", "The shared driver, e.g. «antall søknader»")
    lines: list[Id] = f(
        "linjer (ID)", "lines (IDs)", "Ids of costs, benefits or dis-benefits", min_length=2
    )
    correlation: Annotated[float, Field(ge=0, le=1)] = f(
        "korrelasjon", "correlation", "0 (independent) … 1 (fully correlated)", default=1.0
    )


class NonPricedEffect(Strict):
    """Ikke-prissatt virkning, on DFØ's nine-step scale (−−−− … ++++)."""

    id: Id = f("ID", "ID")
    name: NonEmptyText = f("virkning", "effect")
    affected: Text = f("berørte", "affected", default="")
    significance: Level | None = f("betydning", "significance", default=None)
    scope: Level | None = f("omfang", "scope", default=None)
    score: Impact = f(
        "konsekvens (−−−− til ++++)",
        "impact (−−−− to ++++)",
        "An integer from -4 to 4; the symbols −−−− … ++++ are accepted too",
    )
    justification: NonEmptyText = f("begrunnelse", "justification")


class Alternative(Strict):
    """One alternative of the alternatives analysis (BP2), as changes to the main plan.

    All alternatives are measured against the null alternative (*nullalternativet*:
    the expected future without the measure, NPV 0 and every non-priced effect 0 by
    definition). An alternative is the main plan's lines with some left out
    (``excluded_lines``), costs and benefits scaled and benefits delayed; an
    alternative with no changes *is* the main plan. Its non-priced effects are the
    plan's effects re-scored (``scores``); an effect not scored keeps the plan's score.
    See docs/cba.md, «Alternativanalyse».
    """

    id: Id = f("ID", "ID")
    name: NonEmptyText = f("navn", "name")
    description: Text = f("beskrivelse", "description", default="")
    excluded_lines: list[Id] = f(
        "linjer som faller bort",
        "lines left out",
        "Ids of the plan's costs, benefits and dis-benefits that are not part of this "
        "alternative",
        default_factory=list,
    )
    cost_factor: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] = f(
        "kostnadsfaktor",
        "cost factor",
        "Every remaining cost × this (1: as in the plan)",
        default=1.0,
    )
    benefit_factor: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] = f(
        "gevinstfaktor",
        "benefit factor",
        "Every remaining benefit × this (1: as in the plan); dis-benefits unchanged",
        default=1.0,
    )
    delay_years: Annotated[int, Field(ge=-50, le=50)] = f(
        "forsinkelse (år)",
        "delay (years)",
        "Benefits and dis-benefits realised this many years later than in the plan",
        default=0,
    )
    scores: dict[Id, Impact] = f(
        "konsekvenser",
        "impacts",
        "Score (−4 … 4) of each of the plan's non-priced effects in this alternative; "
        "an effect left out keeps the plan's score",
        default_factory=dict,
    )


class AlternativesChoice(Strict):
    """The null alternative and the choice between the alternatives (DFØ, kap. 3 and 5)."""

    null_alternative: Text = f(
        "nullalternativet",
        "null alternative",
        "The expected future without the measure, that every alternative is compared with",
        default="",
    )
    recommended: Id | None = f(
        "anbefalt alternativ", "recommended alternative", "Id of the alternative chosen", default=None
    )
    justification: Text = f(
        "begrunnelse for anbefalingen",
        "justification",
        "Why the recommended alternative is best, priced and non-priced effects together",
        default="",
    )


class Risk(Strict):
    id: Id = f("ID", "ID")
    description: NonEmptyText = f("risiko", "risk")
    probability: Score = f("sannsynlighet (1–5)", "probability (1–5)")
    consequence: Score = f("konsekvens (1–5)", "consequence (1–5)")
    mitigation: Text = f("tiltak", "mitigation", default="")
    owner: Text = f("eier", "owner", default="")


class Milestone(Strict):
    """A milestone or, with ``decision_point`` set, a decision point.

    ``date`` is the planned date; ``forecast_date`` the date now expected, ``actual_date``
    the date it was reached. Benefits and resultatmål with ``starts_at`` follow
    :meth:`current_date` (see :func:`gevinst.model.profile.item_window`).
    """

    id: Id = f("ID", "ID")
    name: NonEmptyText = f("navn", "name")
    date: dt.date = f("planlagt dato", "planned date")
    forecast_date: dt.date | None = f(
        "prognosedato",
        "forecast date",
        "The date now expected, when it differs from the planned date",
        default=None,
    )
    actual_date: dt.date | None = f(
        "faktisk dato", "actual date", "The date it was reached", default=None
    )
    decision_point: DecisionPoint | None = f("beslutningspunkt", "decision point", default=None)
    done: bool = f("gjennomført", "done", default=False)

    def current_date(self) -> dt.date:
        """The best date known: actual, else forecast, else planned."""
        return self.actual_date or self.forecast_date or self.date

    def delay_days(self) -> int:
        """Days the milestone has slipped (current − planned date; negative: early)."""
        return (self.current_date() - self.date).days


class Dependency(Strict):
    """Avhengighet: something the project needs from outside it, by a milestone of its own."""

    on: Id = f(
        "avhenger av (ID)",
        "depends on (ID)",
        "An external solution's id (gevinst.yaml external_solutions) or another project's id",
    )
    needed_by: Id | None = f(
        "trengs til milepæl (ID)",
        "needed by milestone (ID)",
        "The plan's milestone that needs it; empty: the project's end date",
        default=None,
    )
    note: Text = f("merknad", "note", default="")


class Plan(Strict):
    """A whole project plan: one YAML file in ``projects/``."""

    project: Project = f("prosjekt", "project")
    goals: Goals = f("mål", "goals")
    effect_goals: list[EffectGoal] = f("effektmål", "effect goals", min_length=1)
    result_goals: list[ResultGoal] = f("resultatmål", "result goals", default_factory=list)
    benefits: list[Benefit] = f("gevinster", "benefits", default_factory=list)
    disbenefits: list[Benefit] = f("ulemper", "dis-benefits", default_factory=list)
    costs: list[Cost] = f("kostnader", "costs", default_factory=list)
    non_priced_effects: list[NonPricedEffect] = f(
        "ikke-prissatte virkninger", "non-priced effects", default_factory=list
    )
    risks: list[Risk] = f("risikoer", "risks", default_factory=list)
    milestones: list[Milestone] = f(
        "milepæler og beslutningspunkt", "milestones and decision points", default_factory=list
    )
    alternatives_choice: AlternativesChoice = f(
        "alternativanalyse",
        "alternatives analysis",
        "The null alternative, the recommended alternative and why (BP2)",
        default_factory=AlternativesChoice,
    )
    alternatives: list[Alternative] = f(
        "alternativer",
        "alternatives",
        "Two or more alternatives compared with the null alternative (BP2); see "
        "alternatives_choice",
        default_factory=list,
    )
    correlation_groups: list[CorrelationGroup] = f(
        "korrelasjonsgrupper",
        "correlation groups",
        "Lines whose uncertainty moves together; none: every line is drawn independently",
        default_factory=list,
    )
    depends_on: list[Dependency] = f(
        "avhengigheter",
        "dependencies",
        "External solutions and other projects the plan needs, each by one of its milestones "
        "(the road map flags one whose date is later)",
        default_factory=list,
    )

    @model_validator(mode="after")
    def _resolve_milestones(self) -> Plan:
        """Give each item with ``starts_at`` its milestone's planned and current dates.

        Kept on the item (``_milestone_dates``) so that
        :func:`gevinst.model.profile.item_window` needs nothing but the item. An unknown
        milestone id is left unresolved here and reported by :mod:`gevinst.model.validate`.
        """
        dates = {m.id: (m.date, m.current_date()) for m in self.milestones}
        for item in [*self.benefits, *self.disbenefits, *self.result_goals]:
            item._milestone_dates = dates.get(item.starts_at) if item.starts_at else None
        return self

    def measurable(self) -> dict[str, Benefit | ResultGoal]:
        """Everything that takes measurements, by id: benefits, dis-benefits, resultatmål."""
        out: dict[str, Benefit | ResultGoal] = {}
        for item in [*self.benefits, *self.disbenefits, *self.result_goals]:
            out.setdefault(item.id, item)
        return out


class Measurement(Strict):
    """Måling: one reported value of a benefit or resultatmål (a row in the CSV)."""

    target_id: Id = f("gevinst/resultatmål-ID", "benefit/result goal ID")
    date: dt.date = f("dato", "date", "The date the value applies to")
    value: Finite = f("verdi", "value")
    comment: Text = f("kommentar", "comment", default="")
    reported_by: Text = f("rapportert av", "reported by", default="")
    recorded_at: dt.datetime | None = f(
        "registrert", "recorded at", "When gevinst recorded it", default=None
    )


# --------------------------------------------------------------------------- workspace


class DiscountRule(LabelledEnum):
    R109 = "r109"
    FLAT = "flat"

    @classmethod
    def labels(cls) -> dict[str, dict[str, str]]:
        return {
            "r109": {"nb": "R-109 (4/3/2 %)", "en": "R-109 (4/3/2 %)"},
            "flat": {"nb": "fast rente", "en": "flat rate"},
        }


class Timing(LabelledEnum):
    END = "end"
    START = "start"

    @classmethod
    def labels(cls) -> dict[str, dict[str, str]]:
        return {
            "end": {"nb": "ved årets slutt", "en": "at year end"},
            "start": {"nb": "ved årets start", "en": "at year start"},
        }


class Discounting(Strict):
    """Discounting rule (kalkulasjonsrente). Default: R-109 step-wise, year t discounted t years."""

    rule: DiscountRule = f("regel", "rule", default=DiscountRule.R109)
    flat_rate: Annotated[float, Field(ge=0, le=1)] = f(
        "fast rente", "flat rate", "Used when rule is flat", default=0.04
    )
    timing: Timing = f(
        "tidspunkt for kontantstrøm",
        "timing of flows",
        "start: the flow of analysis year t is discounted t years (year 0 undiscounted, "
        "as numpy-financial's npv); end: t + 1 years. See docs/cba.md",
        default=Timing.START,
    )


class TaxFinancing(Strict):
    """Skattefinansieringskostnad (R-109/2021): on by default for the public sector.

    Turning it off needs a reason (``off_reason``), shown in every report.
    """

    enabled: bool = f("med", "enabled", default=True)
    rate: Annotated[float, Field(ge=0, le=1)] = f("sats", "rate", default=0.20)
    off_reason: Text = f(
        "begrunnelse når av",
        "reason when off",
        "Required when enabled is false: why the tax financing cost is left out",
        default="",
    )


class PriceIndex(Strict):
    """A price index (e.g. SSB's KPI, annual averages) to convert between price years."""

    source: NonEmptyText = f(
        "kilde", "source", "Where the figures come from (table, publisher, date)"
    )
    values: dict[Annotated[int, Field(ge=1900, le=2100)], Annotated[float, Field(gt=0)]] = f(
        "indeks per år", "index per year", "Index value per year", min_length=1
    )


class AnalysisSettings(Strict):
    """Length of the analysis period when a plan does not give one."""

    default_years: Annotated[int, Field(ge=1, le=100)] = f(
        "analyseperiode uten levetider (år)",
        "period without lifetimes (years)",
        "Used when no cost line has a lifetime",
        default=10,
    )
    max_years: Annotated[int, Field(ge=1, le=100)] = f(
        "lengste analyseperiode (år)",
        "longest analysis period (years)",
        "Cap on the period that follows the lifetime of the measure; beyond it: residual value",
        default=40,
    )


class StatusThresholds(Strict):
    """Realised share of plan needed for green and yellow status."""

    green: Annotated[float, Field(ge=0, le=2)] = f("grønn fra", "green from", default=0.90)
    yellow: Annotated[float, Field(ge=0, le=2)] = f("gul fra", "yellow from", default=0.70)


class MeasurementGrace(Strict):
    """Reporting grace: days after the end of a measurement period before it is overdue.

    A measurement is due at the end of each measurement period (one interval –
    1, 3 or 12 calendar months – after the latest measurement, or after the
    realisation start), plus these days; after that it is overdue (forfalt).
    The default 0 makes the measurement due on the period's last day, so a
    report made on the 1st of a month shows last month's missing values.
    """

    monthly: Annotated[int, Field(ge=0, le=366)] = f("månedlig", "monthly", default=0)
    quarterly: Annotated[int, Field(ge=0, le=366)] = f("kvartalsvis", "quarterly", default=0)
    yearly: Annotated[int, Field(ge=0, le=366)] = f("årlig", "yearly", default=0)

    def days(self, frequency: Frequency | str) -> int:
        """The grace in days for a measurement frequency."""
        return int(getattr(self, Frequency(frequency).value))


class Sampling(LabelledEnum):
    LHS = "lhs"
    RANDOM = "random"

    @classmethod
    def labels(cls) -> dict[str, dict[str, str]]:
        return {
            "lhs": {"nb": "latinsk hyperkube", "en": "Latin hypercube"},
            "random": {"nb": "enkel tilfeldig", "en": "simple random"},
        }


class MonteCarloSettings(Strict):
    draws: Annotated[int, Field(ge=100, le=1_000_000)] = f("trekk", "draws", default=10_000)
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] = f(
        "frø",
        "seed",
        "Workspace seed; each project's stream is derived from it and its id",
        default=20240501,
    )
    kind_correlation: dict[BenefitKind, Annotated[float, Field(ge=0, le=1)]] = f(
        "korrelasjon per gevinsttype",
        "correlation per benefit kind",
        "Workspace-wide correlation between a project's benefits of one kind (cash, time, "
        "quality) that are in no correlation group of the plan",
        default_factory=dict,
    )
    sampling: Sampling = f(
        "trekkmetode",
        "sampling",
        "lhs: Latin hypercube (narrower error for the same draws); random: simple random",
        default=Sampling.LHS,
    )


class SolutionStatus(LabelledEnum):
    """Where an external (national or regional) solution stands."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DELIVERED = "delivered"
    DELAYED = "delayed"

    @classmethod
    def labels(cls) -> dict[str, dict[str, str]]:
        return {
            "planned": {"nb": "planlagt", "en": "planned"},
            "in_progress": {"nb": "under arbeid", "en": "in progress"},
            "delivered": {"nb": "levert", "en": "delivered"},
            "delayed": {"nb": "forsinket", "en": "delayed"},
        }


class ExternalSolution(Strict):
    """Ekstern løsning: a national or regional solution projects depend on (the road map)."""

    id: Id = f("ID", "ID")
    name: NonEmptyText = f("navn", "name", "E.g. «Nasjonal kjernejournal for kommuner»")
    owner: NonEmptyText = f("eier", "owner", "Who delivers it (e.g. Norsk helsenett, KS)")
    expected_date: dt.date = f("forventet dato", "expected date", "When it is expected in use")
    status: SolutionStatus = f("status", "status", default=SolutionStatus.PLANNED)
    note: Text = f("merknad", "note", default="")


class CriteriaSet(Strict):
    """Kriteriesett: the prioritisation criteria a body adopted, one version.

    Adopted sets are never edited: a changed set is a new version (a new ``id``).
    ``fingerprint`` records the adopted content (id, body, date, weights);
    ``gevinst check`` refuses a set whose content no longer matches it.
    """

    id: Id = f("versjon (ID)", "version (ID)", "E.g. «kriterier-2026-1»")
    adopted_by: NonEmptyText = f("vedtatt av", "adopted by", "E.g. «Porteføljestyret»")
    adopted_on: dt.date = f("vedtatt dato", "adopted on")
    weights: dict[str, NonNegative] = f(
        "vekter",
        "weights",
        "Weight per criterion (strategic_fit, npv, risk, readiness, participation)",
        min_length=1,
    )
    fingerprint: Text = f(
        "fingeravtrykk",
        "fingerprint",
        "Recorded when adopted (gevinst check names it); a changed set needs a new version",
        default="",
    )
    supersedes: Id | None = f("erstatter", "supersedes", "The version it replaces", default=None)
    note: Text = f("merknad", "note", default="")


class ProposalPhase(LabelledEnum):
    """How far a proposal has come: an idea, or past BP1 (concept approved)."""

    IDEA = "idea"
    BP1 = "BP1"

    @classmethod
    def labels(cls) -> dict[str, dict[str, str]]:
        return {
            "idea": {"nb": "idé", "en": "idea"},
            "BP1": {"nb": "BP1 – konsept godkjent", "en": "DP1 – concept approved"},
        }


class Range(Strict):
    """An amount known only as a range (low … high), NOK."""

    low: Amount = f("lav", "low")
    high: Amount = f("høy", "high", "At least low (gevinst check)")


class Proposal(Strict):
    """Prosjektforslag: a proposal at idea or BP1 stage, rough numbers as ranges.

    Scored against the adopted criteria set beside the running projects; its
    NPV is the engine's own (the proposal becomes a plan: ranges → triangular
    uncertainty around the midpoint, see ``gevinst.model.proposals``).
    """

    id: ProjectId = f("forslag-ID", "proposal ID")
    name: NonEmptyText = f("navn", "name")
    proposed_by: NonEmptyText = f("foreslått av", "proposed by", "Kommune or body")
    municipalities: list[NonEmptyText] = f(
        "deltakende kommuner", "participating municipalities", min_length=1
    )
    phase: ProposalPhase = f("fase", "phase", default=ProposalPhase.IDEA)
    description: Text = f("beskrivelse", "description", default="")
    start_year: Annotated[int, Field(ge=1990, le=2100)] = f("startår", "start year")
    years: Annotated[int, Field(ge=1, le=40)] = f(
        "analyseperiode (år)", "analysis period (years)", default=10
    )
    investment: Range = f("investering (kr)", "investment (NOK)", "Paid in the start year")
    operation_per_year: Range = f(
        "drift per år (kr)", "operation per year (NOK)", "From the year after the start"
    )
    benefit_per_year: Range = f(
        "gevinst per år (kr)", "benefit per year (NOK)", "In full from benefits_from"
    )
    benefit_kind: BenefitKind = f("gevinsttype", "benefit kind", default=BenefitKind.CASH)
    benefits_from: Annotated[int, Field(ge=1990, le=2100)] | None = f(
        "gevinst fra år", "benefits from year", "Default: the year after the start", default=None
    )
    risk_probability: Score | None = f(
        "risiko: sannsynlighet (1–5)", "risk: probability (1–5)", default=None
    )
    risk_consequence: Score | None = f(
        "risiko: konsekvens (1–5)", "risk: consequence (1–5)", default=None
    )
    strategic_fit: Score | None = f(
        "strategisk treff (1–5)", "strategic fit (1–5)", "The board's score", default=None
    )
    depends_on: list[Dependency] = f("avhengigheter", "dependencies", default_factory=list)


class Workspace(Strict):
    """The workspace config (``gevinst.yaml``): shared by all projects in the folder."""

    organisation: NonEmptyText = f("organisasjon", "organisation")
    municipalities: list[Municipality] = f("kommuner", "municipalities", min_length=1)
    hourly_cost: NonNegative = f(
        "timekostnad (kr)", "hourly cost (NOK)", "Default hourly cost incl. social costs"
    )
    discounting: Discounting = f("diskontering", "discounting", default_factory=Discounting)
    tax_financing: TaxFinancing = f(
        "skattefinansieringskostnad", "tax financing cost", default_factory=TaxFinancing
    )
    status_thresholds: StatusThresholds = f(
        "statusgrenser", "status thresholds", default_factory=StatusThresholds
    )
    measurement_grace_days: MeasurementGrace = f(
        "rapporteringsfrist (dager)",
        "reporting grace (days)",
        "Days after the end of each measurement period before a measurement is overdue, "
        "per measurement frequency (default 0: due on the period's last day)",
        default_factory=MeasurementGrace,
    )
    monte_carlo: MonteCarloSettings = f(
        "Monte Carlo", "Monte Carlo", default_factory=MonteCarloSettings
    )
    base_year: Annotated[int, Field(ge=1990, le=2100)] | None = f(
        "sammenstillingsår",
        "base year",
        "Every project is discounted to this year, so NPVs can be compared and added; "
        "empty: each project's own first analysis year",
        default=None,
    )
    price_year: Annotated[int, Field(ge=1990, le=2100)] | None = f(
        "prisnivå (år)",
        "price year",
        "Every plan is converted to real prices of this year with price_index; empty: "
        "each plan's own price year",
        default=None,
    )
    price_index: PriceIndex | None = f(
        "prisindeks", "price index", "Needed when plans are in other price years", default=None
    )
    analysis: AnalysisSettings = f(
        "analyseperiode", "analysis period", default_factory=AnalysisSettings
    )
    budget_inflation: Annotated[float, Field(ge=-0.5, le=1.0)] = f(
        "antatt prisvekst etter prisindeksen",
        "inflation assumed beyond the price index",
        "Yearly inflation the økonomiplan view (gevinst budget) uses to state nominal kroner "
        "for years after the price index's last year (default 0.02: Norges Bank's target)",
        default=0.02,
    )
    budget_constrained: bool = f(
        "budsjettet er skranken",
        "budget is the constraint",
        "Rank by NPV per budget krone (NNB) instead of NPV (both are shown)",
        default=False,
    )
    prioritisation: dict[str, NonNegative] = f(
        "prioriteringsvekter",
        "prioritisation weights",
        "Weight per criterion (strategic_fit, npv, risk, readiness, participation)",
        default_factory=lambda: {
            "strategic_fit": 0.3,
            "npv": 0.25,
            "risk": 0.15,
            "readiness": 0.15,
            "participation": 0.15,
        },
    )
    strategic_fit: dict[str, Annotated[int, Field(ge=1, le=5)]] = f(
        "strategisk treff (1–5)",
        "strategic fit (1–5)",
        "Portfolio board's score per project id",
        default_factory=dict,
    )
    criteria_sets: list[CriteriaSet] = f(
        "kriteriesett",
        "criteria sets",
        "The prioritisation criteria adopted by the board, every version kept; the ranking "
        "uses criteria_set (else the latest adopted) and names it",
        default_factory=list,
    )
    criteria_set: Id | None = f(
        "gjeldende kriteriesett",
        "criteria set in force",
        "Version id in criteria_sets; empty: the latest adopted; no sets: prioritisation",
        default=None,
    )
    external_solutions: list[ExternalSolution] = f(
        "eksterne løsninger",
        "external solutions",
        "National or regional solutions projects depend on (the road map)",
        default_factory=list,
    )
    proposals: list[Proposal] = f(
        "prosjektforslag",
        "proposals",
        "Proposals at idea or BP1 stage, scored beside the running projects",
        default_factory=list,
    )
    language: str = f("språk", "language", default="nb", pattern=r"^(nb|en)$")

    def population(self) -> dict[str, int]:
        return {m.name: m.population for m in self.municipalities}
