"""A synthetic regional workspace: 23 kommuner of Rogaland and N projects, seeded.

For benchmarks and scale tests (issue 13): the same ``seed``, ``projects`` and
``as_of`` always give byte-identical files. The shape follows the example
workspace (``data/``): six kinds of project – digital dialogue, welfare
technology, digital competence, shared ERP, shared waste collection and
eByggesak – each with a main goal, effect goals, benefits (and for some a
dis-benefit) with realisation profiles and valuation, result goals, cost lines
over the analysis period, non-priced effects, risks and milestones with decision
points. Indicator levels, costs and result-goal targets scale with the
population of the participating kommuner.

Measurements follow each item's *planned* trajectory
(:func:`gevinst.model.profile.planned_value`) times a per-project and per-item
performance factor (some projects are ahead, most a little behind, a few far
behind), plus noise; periods are sometimes skipped, some items stop being
reported (their status goes grey), and each value is recorded some days after
the period it applies to, now and then weeks late, and not at all if that is
after ``as_of``.

Populations: :data:`ROGALAND`, SSB table 07459 (folkemengde 1 January 2024),
rounded to the nearest hundred – approximate, for scale, not for analysis.

Plans go through the schema (:class:`~gevinst.model.schema.Plan`) and the
package's own writers (:func:`gevinst.io.workspace.save_plan`,
:func:`~gevinst.io.workspace.save_measurements`), so every generated workspace
passes ``gevinst check``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gevinst.io import atomic
from gevinst.io import workspace as ws
from gevinst.io.yamlfile import dump_yaml
from gevinst.model.profile import planned_value
from gevinst.model.schema import Benefit, Measurement, Plan, ResultGoal, Workspace

POPULATION_SOURCE = "SSB, tabell 07459: folkemengde 1. januar 2024 (avrundet til nærmeste 100)"

ROGALAND: tuple[tuple[str, int], ...] = (
    ("Stavanger", 149_000),
    ("Sandnes", 83_700),
    ("Sola", 28_400),
    ("Randaberg", 11_700),
    ("Strand", 13_200),
    ("Hjelmeland", 2_600),
    ("Suldal", 3_800),
    ("Sauda", 4_500),
    ("Karmøy", 43_000),
    ("Haugesund", 38_200),
    ("Tysvær", 11_700),
    ("Bokn", 900),
    ("Vindafjord", 8_800),
    ("Utsira", 200),
    ("Kvitsøy", 500),
    ("Klepp", 20_300),
    ("Time", 19_600),
    ("Gjesdal", 12_200),
    ("Hå", 19_500),
    ("Eigersund", 15_100),
    ("Sokndal", 3_300),
    ("Lund", 3_200),
    ("Bjerkreim", 2_900),
)
"""The 23 kommuner of Rogaland and their approximate populations (:data:`POPULATION_SOURCE`)."""

REGIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "rogaland": ("hele Rogaland", tuple(n for n, _ in ROGALAND)),
    "jaeren": (
        "Jæren og Stavanger-regionen",
        ("Stavanger", "Sandnes", "Sola", "Randaberg", "Klepp", "Time", "Gjesdal", "Hå"),
    ),
    "haugalandet": (
        "Haugalandet",
        ("Haugesund", "Karmøy", "Tysvær", "Bokn", "Vindafjord", "Utsira"),
    ),
    "ryfylke": ("Ryfylke", ("Strand", "Hjelmeland", "Suldal", "Sauda", "Kvitsøy")),
    "dalane": ("Dalane", ("Eigersund", "Sokndal", "Lund", "Bjerkreim")),
}
"""Sub-regions used for the participating kommuner: (label, kommuner) by slug."""

ORGANISATION = "Digi Rogaland – syntetisk portefølje"
DEFAULT_AS_OF = dt.date(2026, 11, 30)
"""The default last date of the measurements (fixed, so the output does not depend on today)."""

HOURLY_COST = 720
PRICE_YEAR = 2025
_PER = 1000  # indicator levels are given per 1 000 inhabitants

# --------------------------------------------------------------------------- archetypes


@dataclass(frozen=True)
class _Item:
    """A benefit, dis-benefit or result-goal template.

    ``level``: the baseline, per 1 000 inhabitants when ``scaled``; ``change``: the
    planned change as a share of the baseline (signed), or, with ``to``, the
    absolute target (``"n"`` = the number of participating kommuner).
    """

    name: str
    effect: int
    indicator: str
    unit: str
    level: float
    change: float = 0.0
    to: float | str | None = None
    scaled: bool = True
    kind: str = "time"
    category: str = "freed_resources"
    valuation: dict | None = None
    frequency: str = "quarterly"
    profile: str = "linear"
    fractions: tuple[float, ...] = ()
    decimals: int = 0


@dataclass(frozen=True)
class _Cost:
    name: str
    category: str
    per_year: float  # NOK a year for a 55 000-inhabitant collaboration
    when: str  # "build" (project years), "run" (from go-live to the end), "renew" (late)


@dataclass(frozen=True)
class _Kind:
    slug: str
    name: str
    topic: str
    description: str
    main_goal: str
    effect_goals: tuple[tuple[str, str], ...]
    benefits: tuple[_Item, ...]
    result_goals: tuple[_Item, ...]
    costs: tuple[_Cost, ...]
    disbenefits: tuple[_Item, ...] = ()
    non_priced: tuple[tuple[str, str, int], ...] = ()
    risks: tuple[str, ...] = ()
    owner: str = "Kommunedirektør"
    areas: tuple[str, ...] = ()
    """Service areas for the second and later projects of this kind (named in their indicators)."""


_CASH = {"kind": "cash", "category": "own_budget"}
_QUALITY = {"kind": "quality", "category": "non_priced"}

KINDS: tuple[_Kind, ...] = (
    _Kind(
        slug="digital-dialog",
        areas=(
            "byggesak og eiendom",
            "barnehage og skole",
            "helse og omsorg",
            "NAV og sosiale tjenester",
            "kultur og fritid",
            "vann og avløp",
            "eiendomsskatt",
            "plan og næring",
        ),
        name="Digital dialog med innbyggerne",
        topic="manuelle henvendelser",
        description="Chatbot, digitale skjema og digital post (SvarUt/Digipost) i servicetorgene.",
        main_goal="Innbyggerne har enkel, trygg og døgnåpen digital kontakt med kommunen sin.",
        effect_goals=(
            ("Færre manuelle henvendelser til servicetorgene", "Manuelle henvendelser per år"),
            ("Raskere og billigere utsending av brev og vedtak", "Andel brev sendt digitalt"),
            ("Innbyggerne opplever kommunen som lett tilgjengelig", "Innbyggertilfredshet (1–6)"),
        ),
        benefits=(
            _Item(
                "Færre manuelle henvendelser til servicetorgene",
                0,
                "Manuelle henvendelser (telefon, skranke, e-post) per år",
                "henvendelser/år",
                990,
                -0.35,
                valuation={"hours_per_unit": 0.2},
                profile="s_curve",
            ),
            _Item(
                "Lavere porto- og utskriftskostnader",
                1,
                "Porto- og utskriftskostnader per år",
                "kr/år",
                43_000,
                -0.6,
                valuation={"nok_per_unit": 1},
                **_CASH,
            ),
            _Item(
                "Kortere svartid på digitale henvendelser",
                2,
                "Median svartid på digitale henvendelser (timer)",
                "timer",
                48,
                -0.8,
                scaled=False,
                **_QUALITY,
            ),
            _Item(
                "Høyere innbyggertilfredshet med tilgjengelighet",
                2,
                "Innbyggertilfredshet med tilgjengelighet (skala 1–6)",
                "poeng",
                4.1,
                0.12,
                scaled=False,
                frequency="yearly",
                decimals=2,
                **_QUALITY,
            ),
        ),
        result_goals=(
            _Item(
                "Digitale skjema for de 40 mest brukte tjenestene",
                0,
                "Antall tjenester med digitalt skjema",
                "tjenester",
                12,
                to=40,
                scaled=False,
            ),
            _Item(
                "Felles chatbot i drift i alle deltakende kommuner",
                0,
                "Antall kommuner med chatbot i drift",
                "kommuner",
                0,
                to="n",
                scaled=False,
                profile="step",
            ),
            _Item(
                "Minst 85 % av utgående brev sendes digitalt",
                1,
                "Andel utgående brev sendt via SvarUt/Digipost",
                "prosent",
                35,
                to=85,
                scaled=False,
                frequency="monthly",
                profile="s_curve",
                decimals=1,
            ),
        ),
        costs=(
            _Cost(
                "Anskaffelse og innføring av chatbot og skjemaløsning",
                "investment",
                1_500_000,
                "build",
            ),
            _Cost("Lisenser chatbot, skjemaløsning og digital post", "operation", 750_000, "run"),
            _Cost("Egeninnsats prosjektgruppe og tjenesteeiere", "internal", 1_900_000, "build"),
            _Cost("Forvaltning av chatbot og skjema i linjen", "internal", 600_000, "run"),
        ),
        non_priced=(
            ("Bedre tilgjengelighet utenom åpningstid", "Innbyggere", 2),
            ("Digitalt utenforskap for innbyggere uten digital kompetanse", "Eldre innbyggere", -1),
        ),
        risks=(
            "Innbyggerne fortsetter å ringe fordi skjemaene er vanskelige",
            "Chatboten gir feil svar og svekker tilliten",
            "Tjenesteeierne har ikke tid til å lage skjema",
        ),
    ),
    _Kind(
        slug="velferdsteknologi",
        areas=(
            "digitalt tilsyn",
            "medisinhåndtering",
            "trygghetsalarmer",
            "digital hjemmeoppfølging",
            "lokaliseringsteknologi",
            "sykehjem",
            "rus og psykisk helse",
            "avlastning",
        ),
        name="Velferdsteknologi i hjemmetjenestene",
        topic="nattlige tilsyn",
        description="Digitalt tilsyn, medisindispensere og digitale trygghetsalarmer med felles "
        "responssenter.",
        main_goal="Flere innbyggere kan bo trygt og selvstendig hjemme lenger.",
        effect_goals=(
            (
                "Færre fysiske tilsyn der digitalt tilsyn gir like god trygghet",
                "Tilsynsbesøk per år",
            ),
            ("Brukere og pårørende opplever trygghet i eget hjem", "Andel trygge brukere"),
            ("Utsatt behov for heldøgns omsorg", "Liggedøgn på korttidsopphold per år"),
        ),
        benefits=(
            _Item(
                "Frigjort tid fra færre nattlige tilsynsbesøk",
                0,
                "Fysiske nattlige tilsynsbesøk per år",
                "besøk/år",
                685,
                -0.45,
                valuation={"hours_per_unit": 0.5, "hourly_cost": 680},
                frequency="monthly",
                profile="s_curve",
            ),
            _Item(
                "Lavere kjørekostnader i hjemmetjenesten",
                0,
                "Kjørte km i hjemmetjenesten per år",
                "km/år",
                7_400,
                -0.2,
                valuation={"nok_per_unit": 4.5},
                **_CASH,
            ),
            _Item(
                "Færre liggedøgn på korttidsopphold",
                2,
                "Liggedøgn på korttidsopphold per år",
                "døgn/år",
                176,
                -0.08,
                valuation={"nok_per_unit": 3200},
                frequency="yearly",
                **_CASH,
            ),
            _Item(
                "Økt trygghet for brukere og pårørende",
                1,
                "Andel brukere som føler seg trygge hjemme",
                "prosent",
                78,
                to=90,
                scaled=False,
                frequency="yearly",
                decimals=1,
                **_QUALITY,
            ),
        ),
        disbenefits=(
            _Item(
                "Ekstra dokumentasjon og alarmoppfølging",
                0,
                "Ekstra timer til dokumentasjon og alarmoppfølging per år",
                "timer/år",
                0,
                to=43.0,
                valuation={"hours_per_unit": 1, "hourly_cost": 700},
                profile="explicit",
                fractions=(0.6, 1.0, 0.5, 0.2),
            ),
        ),
        result_goals=(
            _Item(
                "Digitalt tilsyn hos hjemmeboende brukere",
                0,
                "Antall brukere med digitalt tilsyn",
                "brukere",
                0.15,
                to=2.2,
                frequency="monthly",
            ),
            _Item(
                "Elektroniske medisindispensere hos brukere",
                2,
                "Antall brukere med medisindispenser",
                "brukere",
                0.35,
                to=2.7,
                frequency="monthly",
                profile="s_curve",
            ),
            _Item(
                "Alle trygghetsalarmer er digitale",
                1,
                "Andel digitale trygghetsalarmer",
                "prosent",
                40,
                to=100,
                scaled=False,
                profile="step",
                decimals=1,
            ),
        ),
        costs=(
            _Cost(
                "Utstyr – sensorer, kamera, dispensere og alarmer", "investment", 1_600_000, "build"
            ),
            _Cost("Abonnement responssenter og plattform", "operation", 1_700_000, "run"),
            _Cost(
                "Egeninnsats – kartlegging, opplæring og prosjektledelse",
                "internal",
                1_600_000,
                "build",
            ),
            _Cost("Utskifting av utstyr etter endt levetid", "investment", 1_500_000, "renew"),
        ),
        non_priced=(
            ("Økt verdighet og selvstendighet for brukerne", "Hjemmeboende brukere", 3),
            ("Personvern – kamera og sensorer i hjemmet", "Brukere med digitalt tilsyn", -1),
            ("Bedre arbeidsmiljø på natt", "Ansatte i hjemmetjenestene", 1),
        ),
        risks=(
            "Turplanene endres ikke, så frigjort tid blir ikke hentet ut",
            "Ustabil mobildekning gir falske eller tapte alarmer",
            "Brukere eller pårørende takker nei til digitalt tilsyn",
            "Leverandøren øker prisene ved fornyelse",
        ),
        owner="Kommunalsjef helse og omsorg",
    ),
    _Kind(
        slug="digital-kompetanse",
        areas=(
            "oppvekst",
            "helse og omsorg",
            "teknisk sektor",
            "ledere",
            "seniorer",
            "samhandlingsverktøy",
            "informasjonssikkerhet",
            "personvern",
        ),
        name="Digital kompetanse for ansatte og innbyggere",
        topic="brukerstøtte",
        description="Grunnkurs for ansatte, digitale veiledere og Digihjelpen for innbyggere.",
        main_goal="Ansatte og innbyggere har den digitale kompetansen som trengs.",
        effect_goals=(
            (
                "Ansatte bruker de digitale verktøyene trygt og effektivt",
                "Andel som mestrer verktøyene",
            ),
            ("Færre henvendelser til IT-brukerstøtte", "Brukerstøttesaker per år"),
            ("Flere innbyggere mestrer digitale tjenester", "Innbyggere hjulpet per år"),
        ),
        benefits=(
            _Item(
                "Færre saker til IT-brukerstøtte",
                1,
                "Brukerstøttesaker per år",
                "saker/år",
                378,
                -0.24,
                valuation={"hours_per_unit": 0.5},
                frequency="monthly",
            ),
            _Item(
                "Spart tid ved bedre bruk av kontorverktøy",
                0,
                "Spart arbeidstid per år (tidsbruksundersøkelse)",
                "timer/år",
                0,
                to=108.0,
                valuation={"hours_per_unit": 1},
                frequency="yearly",
                profile="s_curve",
            ),
            _Item(
                "Flere innbyggere får hjelp til digitale tjenester",
                2,
                "Innbyggere hjulpet av Digihjelpen per år",
                "personer/år",
                5.4,
                4.0,
                **_QUALITY,
            ),
        ),
        result_goals=(
            _Item(
                "90 % av de ansatte har fullført grunnkurs",
                0,
                "Andel ansatte med fullført grunnkurs",
                "prosent",
                12,
                to=90,
                scaled=False,
                frequency="monthly",
                decimals=1,
            ),
            _Item(
                "Digihjelpen er etablert i alle deltakende kommuner",
                2,
                "Antall kommuner med Digihjelpen",
                "kommuner",
                0,
                to="n",
                scaled=False,
            ),
            _Item(
                "Digitale veiledere (superbrukere) er utdannet",
                0,
                "Antall utdannede digitale veiledere",
                "veiledere",
                0,
                to=1.8,
                profile="s_curve",
            ),
        ),
        costs=(
            _Cost("Kursinnhold og læringsplattform", "investment", 400_000, "build"),
            _Cost("Lisens læringsplattform", "operation", 180_000, "run"),
            _Cost("Ansattes kurstid", "internal", 3_500_000, "build"),
            _Cost("Digitale veiledere og koordinering", "internal", 650_000, "run"),
        ),
        non_priced=(
            ("Mindre digitalt utenforskap", "Innbyggere med lite digital erfaring", 2),
            ("Tryggere ansatte i møte med nye verktøy", "Ansatte", 1),
        ),
        risks=(
            "Ledere gir ikke de ansatte tid til kurs",
            "Digihjelpen når ikke dem som trenger det mest",
            "Veilederne slutter eller får ikke tid til rollen",
        ),
        owner="Organisasjonssjef",
    ),
    _Kind(
        slug="felles-erp",
        areas=(
            "regnskap",
            "lønn og personal",
            "innkjøp",
            "fakturering",
            "budsjett og rapportering",
            "timeregistrering",
            "prosjektøkonomi",
            "rekruttering",
        ),
        name="Felles ERP-løsning for økonomi, lønn og HR",
        topic="manuelle økonomiprosesser",
        description="Felles skybasert ERP med harmoniserte prosesser og felles kontoplan.",
        main_goal="Kommunene har effektive og like prosesser for økonomi, lønn og HR.",
        effect_goals=(
            ("Mer effektiv økonomi-, lønns- og HR-forvaltning", "Timer på manuelle prosesser"),
            ("Ledere får raskere styringsinformasjon", "Dager til månedsrapport"),
            ("Lavere kostnader til gamle systemer", "Lisens- og driftskostnader per år"),
        ),
        benefits=(
            _Item(
                "Avviklede lisenser for gamle systemer",
                2,
                "Lisens- og driftskostnader for gamle systemer per år",
                "kr/år",
                56_000,
                -1.0,
                valuation={"nok_per_unit": 1},
                frequency="yearly",
                profile="step",
                **_CASH,
            ),
            _Item(
                "Frigjort tid i økonomi, lønn og HR",
                0,
                "Timer brukt på manuelle prosesser per år",
                "timer/år",
                936,
                -0.23,
                valuation={"hours_per_unit": 1, "hourly_cost": 760},
                frequency="yearly",
                profile="s_curve",
            ),
            _Item(
                "Raskere månedsrapport til ledere",
                1,
                "Dager fra månedsslutt til månedsrapport",
                "dager",
                18,
                to=6,
                scaled=False,
                **_QUALITY,
            ),
        ),
        disbenefits=(
            _Item(
                "Lavere produktivitet i innføringsåret",
                0,
                "Ekstra timer (parallellkjøring og opplæring) per år",
                "timer/år",
                0,
                to=108.0,
                valuation={"hours_per_unit": 1, "hourly_cost": 760},
                profile="explicit",
                fractions=(1.0, 0.4, 0.1, 0.0),
            ),
        ),
        result_goals=(
            _Item(
                "Felles ERP i drift i alle deltakende kommuner",
                0,
                "Antall kommuner i drift på felles ERP",
                "kommuner",
                0,
                to="n",
                scaled=False,
                profile="step",
            ),
            _Item(
                "25 kjerneprosesser harmonisert",
                0,
                "Antall harmoniserte kjerneprosesser",
                "prosesser",
                0,
                to=25,
                scaled=False,
                frequency="monthly",
            ),
            _Item(
                "Historiske data migrert og avstemt",
                1,
                "Andel historiske data migrert og avstemt",
                "prosent",
                0,
                to=100,
                scaled=False,
                frequency="monthly",
                profile="s_curve",
                decimals=1,
            ),
        ),
        costs=(
            _Cost("Anskaffelse og implementering av ERP", "investment", 7_000_000, "build"),
            _Cost("Datamigrering og integrasjoner", "investment", 1_800_000, "build"),
            _Cost("Lisenser og drift felles ERP", "operation", 3_400_000, "run"),
            _Cost(
                "Egeninnsats – prosessarbeid, testing og opplæring", "internal", 3_500_000, "build"
            ),
        ),
        non_priced=(("Mindre sårbarhet ved felles fagmiljø", "Økonomi- og lønnsavdelingene", 2),),
        risks=(
            "Kommunene klarer ikke å bli enige om felles prosesser",
            "Migreringen tar lengre tid enn planlagt",
            "Leverandøren leverer for sent",
            "Nøkkelpersoner slutter i innføringsperioden",
        ),
        owner="Økonomisjef",
    ),
    _Kind(
        slug="felles-avfall",
        areas=(
            "næringsavfall",
            "hytterenovasjon",
            "glass og metall",
            "matavfall",
            "plastemballasje",
            "gjenvinningsstasjoner",
            "farlig avfall",
            "tømmeplaner",
        ),
        name="Smart og felles avfallsinnsamling",
        topic="tømming av containere",
        description="Fyllingsgradssensorer, ruteoptimalisering og digital renovasjonskalender.",
        main_goal="Avfallet samles inn der og når det trengs, med mindre kjøring.",
        effect_goals=(
            ("Færre unødvendige tømminger og kortere kjøreruter", "Kjørte km per år"),
            ("Høyere utsorteringsgrad", "Andel til materialgjenvinning"),
            ("Abonnentene vet når det tømmes", "Klager på tømming per år"),
        ),
        benefits=(
            _Item(
                "Lavere kjørekostnader med ruteoptimalisering",
                0,
                "Kjørte km for innsamlingsbilene per år",
                "km/år",
                11_170,
                -0.19,
                valuation={"nok_per_unit": 14},
                **_CASH,
            ),
            _Item(
                "Færre unødvendige tømminger",
                0,
                "Tømminger av returpunktcontainere per år",
                "tømminger/år",
                378,
                -0.29,
                valuation={"hours_per_unit": 0.25, "hourly_cost": 650},
                frequency="monthly",
                profile="s_curve",
            ),
            _Item(
                "Høyere utsorteringsgrad",
                1,
                "Andel husholdningsavfall til materialgjenvinning",
                "prosent",
                38,
                to=45,
                scaled=False,
                frequency="yearly",
                decimals=1,
                **_QUALITY,
            ),
            _Item(
                "Færre klager på tømming",
                2,
                "Klager på tømming per år",
                "klager/år",
                25,
                -0.5,
                **_QUALITY,
            ),
        ),
        result_goals=(
            _Item(
                "Fyllingsgradssensorer på alle containere",
                0,
                "Antall containere med sensor",
                "containere",
                0,
                to=7.2,
                profile="s_curve",
            ),
            _Item(
                "Digital renovasjonskalender i alle deltakende kommuner",
                2,
                "Antall kommuner med digital renovasjonskalender",
                "kommuner",
                0,
                to="n",
                scaled=False,
                profile="step",
            ),
        ),
        costs=(
            _Cost("Fyllingsgradssensorer og montering", "investment", 900_000, "build"),
            _Cost("Ruteoptimaliseringssystem og integrasjon", "investment", 600_000, "build"),
            _Cost("Lisenser, mobildata og SMS", "operation", 400_000, "run"),
            _Cost("Egeninnsats – planlegging og innføring", "internal", 900_000, "build"),
            _Cost("Utskifting av sensorer og batterier", "investment", 700_000, "renew"),
        ),
        non_priced=(
            ("Mindre støy og utslipp fra innsamlingsbilene", "Beboere langs rutene", 1),
            ("Renere returpunkt", "Innbyggere", 1),
        ),
        risks=(
            "Sensorene tåler ikke vinteren",
            "Renovatørens avtale hindrer endrede ruter",
            "Abonnentene tar ikke i bruk kalenderen",
        ),
        owner="Daglig leder renovasjonsselskapet",
    ),
    _Kind(
        slug="ebyggesak",
        areas=(
            "oppmåling",
            "ulovlighetsoppfølging",
            "tilsyn",
            "ferdigattester",
            "dispensasjoner",
            "planinitiativ",
            "seksjonering",
            "delesaker",
        ),
        name="Digital byggesaksbehandling (eByggesak)",
        topic="byggesaksbehandling",
        description="Digital mottak, behandling og arkivering av byggesaker med Fellestjenester BYGG.",
        main_goal="Innbyggere og næringsliv får raske, forutsigbare og digitale byggesaker.",
        effect_goals=(
            ("Mer effektiv byggesaksbehandling", "Saksbehandlertimer per år"),
            ("Kortere saksbehandlingstid", "Median saksbehandlingstid (dager)"),
            ("Lavere kostnader til papir, porto og arkiv", "Kostnader per år"),
        ),
        benefits=(
            _Item(
                "Færre saksbehandlertimer på byggesaker",
                0,
                "Saksbehandlertimer på byggesaker per år",
                "timer/år",
                252,
                -0.21,
                valuation={"hours_per_unit": 1, "hourly_cost": 780},
                profile="s_curve",
            ),
            _Item(
                "Færre telefonhenvendelser om byggesaker",
                0,
                "Telefonhenvendelser om byggesaker per år",
                "henvendelser/år",
                100,
                -0.3,
                valuation={"hours_per_unit": 0.15},
            ),
            _Item(
                "Kortere saksbehandlingstid for rammesøknader",
                1,
                "Median saksbehandlingstid for rammesøknader (dager)",
                "dager",
                42,
                to=21,
                scaled=False,
                **_QUALITY,
            ),
            _Item(
                "Lavere kostnader til skanning, porto og papirarkiv",
                2,
                "Kostnader til skanning, porto og papirarkiv per år",
                "kr/år",
                11_500,
                -0.65,
                valuation={"nok_per_unit": 1},
                frequency="yearly",
                profile="step",
                **_CASH,
            ),
        ),
        result_goals=(
            _Item(
                "Minst 95 % av byggesøknadene mottas digitalt",
                0,
                "Andel byggesøknader mottatt digitalt",
                "prosent",
                35,
                to=95,
                scaled=False,
                decimals=1,
            ),
            _Item(
                "Digital arkivering av byggesaker i alle deltakende kommuner",
                2,
                "Antall kommuner med digital byggesaksarkivering",
                "kommuner",
                0,
                to="n",
                scaled=False,
                frequency="yearly",
                profile="step",
            ),
        ),
        costs=(
            _Cost("eByggesak-modul og integrasjoner", "investment", 1_100_000, "build"),
            _Cost("Skanning av eldre byggesaksarkiv", "investment", 750_000, "build"),
            _Cost("Lisenser og forvaltning", "operation", 380_000, "run"),
            _Cost(
                "Egeninnsats – prosjektgruppe, testing og opplæring", "internal", 1_400_000, "build"
            ),
        ),
        non_priced=(
            ("Mer forutsigbare byggesaker for næringslivet", "Utbyggere og næringsliv", 2),
            ("Bedre tilgang til eldre byggesaker", "Innbyggere og eiendomsmeglere", 1),
        ),
        risks=(
            "Søkerne fortsetter å sende papirsøknader",
            "Integrasjonen mot sak/arkiv er ustabil",
            "Skanningen avdekker mangelfulle arkiver",
        ),
        owner="Kommunalsjef samfunnsutvikling",
    ),
)
"""The six kinds of project in the example workspace, as templates."""

_FIRST = (
    "Anne", "Bjørn", "Camilla", "Dag", "Eli", "Frode", "Guro", "Håkon", "Ingrid", "Jon",
    "Kari", "Lars", "Marit", "Nils", "Oda", "Per", "Ragnhild", "Sindre", "Tone", "Vegard",
)  # fmt: skip
_LAST = (
    "Aasland", "Bø", "Dale", "Eide", "Fjeld", "Grønli", "Hansen", "Haugen", "Larsen", "Lie",
    "Nilsen", "Olsen", "Rød", "Skretting", "Sørensen", "Tjelta", "Vik", "Øvrebø",
)  # fmt: skip
_COMMENTS = (
    "Foreløpig tall",
    "Rapportert for sent",
    "Korrigert etter avstemming",
    "Anslag fra enhetsleder",
    "Nytt fagsystem fra denne perioden",
)

# --------------------------------------------------------------------------- generation


@dataclass
class Synthetic:
    """A generated workspace in memory: the config, plans and measurements by project id."""

    workspace: Workspace
    plans: dict[str, Plan] = field(default_factory=dict)
    measurements: dict[str, list[Measurement]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        """Projects, benefits (incl. dis-benefits), result goals, cost lines and measurements."""
        plans = self.plans.values()
        return {
            "projects": len(self.plans),
            "benefits": sum(len(p.benefits) + len(p.disbenefits) for p in plans),
            "result_goals": sum(len(p.result_goals) for p in plans),
            "costs": sum(len(p.costs) for p in plans),
            "measurements": sum(len(m) for m in self.measurements.values()),
        }


def _name(rng: np.random.Generator) -> str:
    return f"{_FIRST[rng.integers(len(_FIRST))]} {_LAST[rng.integers(len(_LAST))]}"


def _months_later(day: dt.date, months: int) -> dt.date:
    """The last day of the month ``months`` after ``day``'s month."""
    y, m = divmod(day.year * 12 + day.month - 1 + months, 12)
    return _month_end(y, m + 1)


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def _participants(rng: np.random.Generator) -> tuple[str, list[str]]:
    """(label, kommuner): all of Rogaland, a sub-region, or a sub-region with neighbours."""
    subregions = list(REGIONS)[1:]
    slug = "rogaland" if rng.random() < 0.25 else subregions[int(rng.integers(len(subregions)))]
    label, names = REGIONS[slug]
    chosen = list(names)
    if slug != "rogaland" and rng.random() < 0.3:  # a few neighbours join in
        others = [n for n, _ in ROGALAND if n not in chosen]
        extra = rng.choice(others, size=int(rng.integers(1, 4)), replace=False)
        chosen += [str(x) for x in extra]
        label += " med nabokommuner"
    order = {n: i for i, (n, _) in enumerate(ROGALAND)}
    return label, sorted(chosen, key=order.__getitem__)


def _round(value: float, decimals: int, magnitude: float) -> float:
    """Round to ``decimals``, or to a sensible number of figures for large amounts."""
    if decimals:
        return round(value, decimals)
    step = 1000 if magnitude >= 200_000 else 10 if magnitude >= 5_000 else 1
    return float(round(value / step) * step)


def _levels(item: _Item, population: int, n_kommuner: int, rng) -> tuple[float, float]:
    """(baseline, target) of a template for this project."""
    scale = population / _PER if item.scaled else 1.0
    jitter = float(rng.uniform(0.85, 1.15)) if item.scaled else 1.0
    baseline = item.level * scale * jitter
    if item.to == "n":
        target = float(n_kommuner)
    elif item.to is not None:
        target = float(item.to) * (scale * jitter if item.scaled else 1.0)
    else:
        target = baseline * (1 + item.change * float(rng.uniform(0.8, 1.2)))
    magnitude = max(abs(baseline), abs(target))
    baseline = _round(baseline, item.decimals, magnitude)
    target = _round(target, item.decimals, magnitude)
    if item.unit == "prosent":
        target = min(target, 100.0)
    if target == baseline:  # small kommuner: keep a real change of at least one unit
        target = baseline - 1 if item.change < 0 and baseline >= 1 else baseline + 1
    return baseline, target


def _item_dict(
    item: _Item,
    ident: str,
    *,
    area: str,
    result: bool,
    start: dt.date,
    end: dt.date,
    population: int,
    n_kommuner: int,
    owner: str,
    rng: np.random.Generator,
) -> dict:
    baseline, target = _levels(item, population, n_kommuner, rng)
    baseline_date = _months_later(start, int(rng.integers(1, 5)))
    d = {
        "id": ident,
        "effect_goal": f"E{item.effect + 1}",
        "indicator": _in_area(item.indicator, area),
        "unit": item.unit,
        # for a dis-benefit too: the way its indicator moves (an ulempe grows)
        "direction": "increase" if target > baseline else "decrease",
        "baseline": baseline,
        "baseline_date": baseline_date,
        "target": target,
        "profile": item.profile,
        # many quarterly indicators are in practice followed monthly
        "frequency": "monthly"
        if item.frequency == "quarterly" and rng.random() < 0.6
        else item.frequency,
        "owner": owner,
    }
    if item.fractions:
        d["profile_fractions"] = list(item.fractions)
    if result:
        due = _months_later(end, -int(rng.integers(0, 10)))
        d["due_date"] = max(due, _months_later(baseline_date, 6))
        d["text"] = item.name
        return d
    d["target_date"] = _months_later(end, int(rng.integers(3, 25)))
    d["realisation_start"] = _months_later(baseline_date, int(rng.integers(2, 10)))
    if d["realisation_start"] >= d["target_date"]:
        d["realisation_start"] = baseline_date
    d.update(name=item.name, kind=item.kind, category=item.category)
    if item.valuation:
        d["valuation"] = dict(item.valuation)
    low = round(float(rng.uniform(0.4, 0.9)), 2)
    high = round(float(rng.uniform(1.05, 1.4)), 2)
    d["uncertainty"] = {"low": low, "likely": 1.0, "high": high}
    return d


def _cost_lines(
    kind: _Kind, start: dt.date, end: dt.date, first: int, years: int, factor: float, rng
) -> list[dict]:
    last = first + years - 1
    build = list(range(start.year, end.year + 1))
    run = list(range(min(end.year, last), last + 1))
    lines = []
    for k, c in enumerate(kind.costs):
        if c.when == "build":
            span = build
        elif c.when == "run":
            span = run
        else:
            renew = start.year + 7 + int(rng.integers(0, 2))
            span = [y for y in (renew, renew + 1) if y <= last]
        if not span:
            continue
        amounts = {}
        for y in span:
            amount = c.per_year * factor * float(rng.uniform(0.85, 1.15))
            if c.when == "run" and y == span[0]:
                amount *= 0.5
            amounts[y] = float(round(amount / 1000) * 1000)
        high = round(float(rng.uniform(1.1, 1.6 if c.category == "investment" else 1.3)), 2)
        lines.append(
            {
                "id": f"K{k + 1}",
                "name": c.name,
                "category": c.category,
                "amounts": amounts,
                "uncertainty": {
                    "low": round(float(rng.uniform(0.85, 1.0)), 2),
                    "likely": 1.0,
                    "high": high,
                },
            }
        )
    return lines


def _in_area(text: str, area: str) -> str:
    return f"{text} – {area}" if area else text


def _plan(
    kind: _Kind, index: int, rng: np.random.Generator, as_of: dt.date
) -> tuple[Plan, str, dict]:
    """One project plan, its owners' names and its latent performance."""
    label, kommuner = _participants(rng)
    pops = dict(ROGALAND)
    population = sum(pops[k] for k in kommuner)
    n = len(kommuner)
    # projects start from seven years before as_of to half a year after it
    start = _months_later(as_of, -int(rng.integers(-6, 84))) + dt.timedelta(days=1)
    end = _months_later(start, int(rng.integers(24, 48)))
    years = int(rng.choice([10, 12, 15]))
    factor = (population / 55_000) ** 0.85  # costs: some economy of scale, less than linear
    pid = f"{kind.slug}-{index + 1:03d}"
    # the first project of a kind is regional (as in the example); later ones focus on one
    # service area each, so that projects of the same kind claim different indicators
    round_ = index // len(KINDS)
    area = kind.areas[(round_ - 1) % len(kind.areas)] if round_ and kind.areas else ""
    owners = [_name(rng) for _ in range(4)]

    benefits = [
        _item_dict(b, f"G{k + 1}", area=area, result=False, start=start, end=end, population=population,
                   n_kommuner=n, owner=owners[k % 3], rng=rng)
        for k, b in enumerate(kind.benefits)
    ]  # fmt: skip
    # 0–2 benefits that arise in one kommune only (as G1 of the example's digital dialogue)
    for j in range(int(rng.integers(0, 3))):
        where = str(rng.choice(kommuner))
        local = _Item(
            f"Frigjort tid til {kind.topic} i {where}",
            0,
            f"Timer brukt på {kind.topic} i {where} per år",
            "timer/år",
            150,
            -0.25,
            valuation={"hours_per_unit": 1},
        )
        d = _item_dict(local, f"G{len(kind.benefits) + j + 1}", area="", result=False, start=start, end=end,
                       population=pops[where], n_kommuner=1, owner=owners[3], rng=rng)  # fmt: skip
        d["municipalities"] = [where]
        benefits.append(d)
    cash = [b for b in benefits if b["kind"] == "cash"]
    for b in cash[:1]:  # a planned uttak (budget take-out) for the first cash benefit
        saving = abs(b["baseline"] - b["target"]) * b["valuation"].get("nok_per_unit", 1)
        year = b["target_date"].year
        b["take_outs"] = [{"year": year, "amount": float(round(saving * 0.8 / 1000) * 1000),
                           "budget": f"{kind.topic.capitalize()} – alle kommuner"}]  # fmt: skip
    disbenefits = [
        _item_dict(b, f"U{k + 1}", area=area, result=False, start=start, end=end, population=population,
                   n_kommuner=n, owner=owners[0], rng=rng)
        for k, b in enumerate(kind.disbenefits)
    ]  # fmt: skip
    results = [
        _item_dict(r, f"R{k + 1}", area=area, result=True, start=start, end=end, population=population,
                   n_kommuner=n, owner=owners[1], rng=rng)
        for k, r in enumerate(kind.result_goals)
    ]  # fmt: skip
    decision = [
        ("BP1", "Konseptmandat godkjent", -3),
        ("BP2", "Start planlegging", 0),
        ("BP3", "Start gjennomføring", 4),
        ("BP4", "Start avslutning", -6),
        ("BP5", "Prosjektet avsluttet", 0),
    ]
    milestones = []
    for k, (bp, name, months) in enumerate(decision):
        day = _months_later(start if k < 3 else end, months)
        milestones.append(
            {
                "id": f"M{k + 1}",
                "name": name,
                "date": day,
                "decision_point": bp,
                "done": day <= as_of,
            }
        )
    passed = [m["decision_point"] for m in milestones if m["done"]]
    sharing = str(rng.choice(["population", "population", "equal", "fixed"]))
    project = {
        "id": pid,
        "name": f"{kind.name} – {area + ' – ' if area else ''}{label}",
        "organisation": ORGANISATION,
        "municipalities": kommuner,
        "cost_sharing": sharing,
        "owner": f"{kind.owner}, {kommuner[0]}",
        "project_manager": owners[1],
        "phase": passed[-1] if passed else None,
        "start_date": start,
        "end_date": end,
        # a plan's prices are of its first analysis year at the latest (R-109: no price year
        # after the analysis start unless converted by the workspace's price index)
        "price_year": min(PRICE_YEAR, start.year),
        "analysis_start_year": start.year,
        "analysis_years": years,
        "description": kind.description,
    }
    if sharing == "fixed":
        shares = [round(pops[k] / population, 4) for k in kommuner]
        shares[-1] = round(1 - sum(shares[:-1]), 6)
        project["fixed_shares"] = dict(zip(kommuner, shares, strict=True))
    data = {
        "project": project,
        "goals": {"main_goal": kind.main_goal},
        "effect_goals": [
            {"id": f"E{k + 1}", "text": text, "indicator": _in_area(indicator, area)}
            for k, (text, indicator) in enumerate(kind.effect_goals)
        ],
        "result_goals": results,
        "benefits": benefits,
        "disbenefits": disbenefits,
        "costs": _cost_lines(kind, start, end, start.year, years, factor, rng),
        "non_priced_effects": [
            {
                "id": f"N{k + 1}",
                "name": name,
                "affected": affected,
                "significance": ["small", "medium", "large"][min(2, abs(score))],
                "scope": str(rng.choice(["small", "medium", "large"])),
                "score": score,
                "justification": f"Vurdert av prosjektgruppen ({kind.name.lower()}).",
            }
            for k, (name, affected, score) in enumerate(kind.non_priced)
        ],
        "risks": [
            {
                "id": f"RI{k + 1}",
                "description": text,
                "probability": int(rng.integers(1, 6)),
                "consequence": int(rng.integers(1, 6)),
                "mitigation": "Følges opp i styringsgruppen hver måned.",
                "owner": owners[k % 4],
            }
            for k, text in enumerate(kind.risks)
        ],
        "milestones": milestones,
    }
    plan = Plan.model_validate(data)
    # latent performance: most a little behind plan, some ahead, a few far behind
    performance = float(np.clip(rng.normal(0.9, 0.25), 0.15, 1.35))
    return plan, owners, {"performance": performance}


def _period_ends(first: dt.date, last: dt.date, months: int) -> list[dt.date]:
    """Ends of the measuring periods (month, quarter, year) after ``first`` up to ``last``."""
    out = []
    y, m = first.year, first.month
    while True:
        if months == 3:
            m = ((m - 1) // 3 + 1) * 3
        elif months == 12:
            m = 12
        day = _month_end(y, m)
        if day > last:
            return out
        if day > first:
            out.append(day)
        y, m = divmod(y * 12 + m - 1 + (months if day > first else 1), 12)
        m += 1


def _series(
    item: Benefit | ResultGoal,
    performance: float,
    reporter: str,
    as_of: dt.date,
    rng: np.random.Generator,
) -> list[Measurement]:
    months = item.frequency.months
    dates = _period_ends(item.baseline_date, as_of, months)
    if not dates:
        return []
    factor = float(np.clip(performance * rng.normal(1.0, 0.12), 0.0, 1.5))
    change = item.target - item.baseline
    spread = max(abs(change) * 0.04, abs(item.baseline) * 0.015, 0.01)
    decimals = 2 if abs(change) < 5 else 1 if abs(change) < 200 else 0
    if item.unit == "kommuner":
        spread, decimals = 0.0, 0
    stops = dates[int(rng.integers(len(dates)))] if rng.random() < 0.08 else None
    out = []
    for day in dates:
        if stops is not None and day >= stops:
            break
        if rng.random() < 0.07:  # a missing period
            continue
        value = item.baseline + factor * (planned_value(item, day) - item.baseline)
        value += float(rng.normal(0.0, spread))
        if item.unit == "kommuner":
            value = min(max(round(value), 0), item.target)
        if item.unit == "prosent":
            value = min(max(value, 0.0), 100.0)
        value = max(value, 0.0) if item.baseline >= 0 and item.target >= 0 else value
        lag = int(rng.integers(2, 12)) if rng.random() > 0.1 else int(rng.integers(20, 75))
        recorded = dt.datetime.combine(day + dt.timedelta(days=lag), dt.time(8)) + dt.timedelta(
            minutes=int(rng.integers(0, 9 * 60))
        )
        if recorded.date() > as_of:  # not reported yet
            continue
        comment = ""
        if lag >= 20:
            comment = _COMMENTS[1]
        elif rng.random() < 0.03:
            comment = str(rng.choice(_COMMENTS))
        out.append(
            Measurement(
                target_id=item.id,
                date=day,
                value=round(value, decimals) if decimals else float(round(value)),
                comment=comment,
                reported_by=reporter,
                recorded_at=recorded,
            )
        )
    return out


def generate(projects: int, seed: int = 1, as_of: dt.date = DEFAULT_AS_OF) -> Synthetic:
    """A whole synthetic workspace in memory (deterministic for ``projects``, ``seed``, ``as_of``).

    The kinds of project are dealt in a shuffled round, so any six consecutive
    projects hold one of each kind.
    """
    if projects < 1:
        raise ValueError("projects must be at least 1")
    rng = np.random.default_rng(seed)
    plans: dict[str, Plan] = {}
    measurements: dict[str, list[Measurement]] = {}
    fit: dict[str, int] = {}
    order: list[int] = []
    for index in range(projects):
        if index % len(KINDS) == 0:
            order = [int(x) for x in rng.permutation(len(KINDS))]
        kind = KINDS[order[index % len(KINDS)]]
        plan, owners, latent = _plan(kind, index, rng, as_of)
        pid = plan.project.id
        plans[pid] = plan
        fit[pid] = int(rng.integers(1, 6))
        rows: list[Measurement] = []
        for k, item in enumerate(plan.measurable().values()):
            rows += _series(item, latent["performance"], owners[k % len(owners)], as_of, rng)
        rows.sort(key=lambda m: (m.recorded_at, m.target_id))
        measurements[pid] = rows
    config = Workspace.model_validate(
        {
            "organisation": ORGANISATION,
            "municipalities": [{"name": n, "population": p} for n, p in ROGALAND],
            "hourly_cost": HOURLY_COST,
            "strategic_fit": dict(sorted(fit.items())),
        }
    )
    return Synthetic(workspace=config, plans=plans, measurements=measurements)


def config_yaml(config: Workspace, seed: int, projects: int, as_of: dt.date) -> str:
    """The workspace config as YAML, with a header saying how it was made."""
    header = (
        f"# Syntetisk arbeidsområde laget av «gevinst synth --projects {projects} --seed {seed} "
        f"--as-of {as_of.isoformat()}».\n"
        f"# Fiktive prosjekter; innbyggertall: {POPULATION_SOURCE}.\n"
    )
    data = config.model_dump(mode="json")
    return header + dump_yaml(data)


def write(out: Path, projects: int, seed: int = 1, as_of: dt.date = DEFAULT_AS_OF) -> Synthetic:
    """Generate and write a workspace to ``out`` (config, plans, measurement registers).

    ``out`` must not hold plans or registers already (they would mix with the new ones).
    """
    out = Path(out)
    for sub, pattern in ((ws.PROJECTS_DIR, "*.yaml"), (ws.MEASUREMENTS_DIR, "*.csv")):
        if any((out / sub).glob(pattern)):
            raise FileExistsError(str(out / sub))  # the folder that already holds files
    synthetic = generate(projects, seed, as_of)
    atomic.write_text(ws.Paths(out).config, config_yaml(synthetic.workspace, seed, projects, as_of))
    for pid, plan in synthetic.plans.items():
        ws.save_plan(out, plan)
        ws.save_measurements(out, pid, synthetic.measurements[pid])
    return synthetic


def summary_line(counts: dict[str, int], municipalities: Sequence[object], lang: str = "nb") -> str:
    """``23 kommuner, 120 prosjekter, 608 gevinster …`` (for the CLI and the bench)."""
    if lang == "en":
        return (
            f"{len(municipalities)} municipalities, {counts['projects']} projects, "
            f"{counts['benefits']} benefits and dis-benefits, {counts['result_goals']} result goals, "
            f"{counts['costs']} cost lines, {counts['measurements']} measurements"
        )
    return (
        f"{len(municipalities)} kommuner, {counts['projects']} prosjekter, "
        f"{counts['benefits']} gevinster og ulemper, {counts['result_goals']} resultatmål, "
        f"{counts['costs']} kostnadslinjer, {counts['measurements']} målinger"
    )
