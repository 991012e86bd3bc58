"""One error type for bad input: every problem names where, what and what is allowed.

An :class:`Issue` is one problem: the file, the row (CSV/Excel) or the line
(YAML), the key path (``benefits[2].target``), the field, what was found and
what is allowed. :class:`InputError` carries one or more issues; commands print
them all and exit 2.

Messages are Norwegian bokmål by default, English with ``lang="en"``.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pydantic import ValidationError


@dataclass(frozen=True)
class Issue:
    """One problem in the input."""

    problem: str
    """A stable code, e.g. ``missing``, ``unknown_reference`` (see ``PROBLEMS``)."""
    file: str = ""
    key: str = ""
    """Key path inside the file, e.g. ``benefits[2].target``."""
    row: int | None = None
    """Row number in a CSV file or an Excel sheet (1 = header row)."""
    line: int | None = None
    """Line number in a YAML file."""
    sheet: str = ""
    field: str = ""
    found: Any = None
    allowed: str = ""
    detail: str = ""

    def located(self, **where: Any) -> Issue:
        """A copy with location fields filled in where they are still empty."""
        updates = {k: v for k, v in where.items() if v not in (None, "") and not getattr(self, k)}
        return replace(self, **updates)

    def format(self, lang: str = "nb") -> str:
        t = _WORDS[lang if lang in _WORDS else "nb"]
        where = []
        if self.file:
            where.append(self.file)
        if self.sheet:
            where.append(f"{t['sheet']} «{self.sheet}»")
        if self.row is not None:
            where.append(f"{t['row']} {self.row}")
        if self.line is not None:
            where.append(f"{t['line']} {self.line}")
        if self.key:
            # In a sheet, the key is a cell reference such as "L5".
            cell = self.sheet and re.fullmatch(r"[A-Z]{1,3}[0-9]+", self.key)
            where.append(f"{t['cell' if cell else 'key']} {self.key}")
        if self.field and not self.key.endswith(self.field):
            where.append(f"{t['field']} «{self.field}»")
        head = ", ".join(where)
        message = PROBLEMS.get(self.problem, {}).get(lang) or PROBLEMS.get(self.problem, {}).get(
            "nb", self.problem
        )
        parts = [message]
        if self.detail:
            parts.append(self.detail)
        if self.found is not None:
            parts.append(f"{t['found']}: {_show(self.found)}")
        if self.allowed:
            parts.append(f"{t['allowed']}: {self.allowed}")
        return f"{head}: " + "; ".join(parts) if head else "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "problem": self.problem,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "line": self.line,
            "key": self.key,
            "field": self.field,
            "found": _show(self.found) if self.found is not None else None,
            "allowed": self.allowed,
            "detail": self.detail,
        }


class InputError(Exception):
    """Bad input: one or more :class:`Issue`."""

    def __init__(self, issues: Iterable[Issue]):
        self.issues: list[Issue] = list(issues)
        super().__init__("\n".join(i.format("en") for i in self.issues))

    def format(self, lang: str = "nb") -> str:
        return "\n".join(i.format(lang) for i in self.issues)

    def located(self, **where: Any) -> InputError:
        return InputError(i.located(**where) for i in self.issues)


class EnvironmentFault(Exception):
    """A fault of the machine, not of the input: a read-only file system, a full disk,
    a missing permission, an unreachable scheduler. Commands print one line and exit 4
    (``gevinst.cli.common.EXIT_ENVIRONMENT``); the input is fine and a rerun may succeed.
    """

    def __init__(self, nb: str, en: str = "", *, path: str = ""):
        self.nb = nb
        self.en = en or nb
        self.path = path
        super().__init__(self.en)

    def format(self, lang: str = "nb") -> str:
        text = self.en if lang == "en" else self.nb
        return f"{self.path}: {text}" if self.path else text

    @classmethod
    def from_oserror(cls, exc: OSError, path: str | None = None) -> EnvironmentFault:
        """The fault an :class:`OSError` stands for, in words (errno, not the English strerror)."""
        words = {
            errno.EROFS: ("filsystemet er skrivebeskyttet", "the file system is read-only"),
            errno.ENOSPC: ("disken er full", "the disk is full"),
            errno.EACCES: ("mangler tilgang (rettigheter)", "permission denied"),
            errno.EPERM: ("operasjonen er ikke tillatt", "operation not permitted"),
            errno.EDQUOT: ("diskkvoten er brukt opp", "the disk quota is used up"),
        }
        nb, en = words.get(exc.errno or 0, ("feil i filsystemet", "file system error"))
        where = str(path if path is not None else (exc.filename or ""))
        return cls(f"kunne ikke skrive: {nb}", f"could not write: {en}", path=where)


ENVIRONMENT_ERRNOS = frozenset({errno.EROFS, errno.ENOSPC, errno.EACCES, errno.EPERM, errno.EDQUOT})
"""errno values that are faults of the environment, not of the input."""


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def key_path(loc: Sequence[str | int]) -> str:
    """``("benefits", 2, "target")`` → ``benefits[2].target``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


# pydantic error type → (our problem code, what is allowed)
_PYDANTIC: dict[str, str] = {
    "missing": "missing",
    "extra_forbidden": "unknown_field",
    "string_type": "wrong_type",
    "int_type": "wrong_type",
    "int_parsing": "wrong_type",
    "int_from_float": "wrong_type",
    "float_type": "wrong_type",
    "float_parsing": "wrong_type",
    "finite_number": "wrong_type",
    "bool_type": "wrong_type",
    "bool_parsing": "wrong_type",
    "list_type": "wrong_type",
    "dict_type": "wrong_type",
    "model_type": "wrong_type",
    "model_attributes_type": "wrong_type",
    "date_type": "bad_date",
    "date_parsing": "bad_date",
    "date_from_datetime_parsing": "bad_date",
    "date_from_datetime_inexact": "bad_date",
    "datetime_type": "bad_date",
    "datetime_parsing": "bad_date",
    "datetime_from_date_parsing": "bad_date",
    "enum": "not_allowed",
    "literal_error": "not_allowed",
    "string_pattern_mismatch": "bad_pattern",
    "greater_than": "out_of_range",
    "greater_than_equal": "out_of_range",
    "less_than": "out_of_range",
    "less_than_equal": "out_of_range",
    "too_short": "too_short",
    "string_too_short": "empty",
    "too_long": "too_long",
    "string_too_long": "too_long",
}


def id_rule(*, project: bool, lang: str = "nb") -> str:
    """The id rule in words, as ``schema.ID_PATTERN``/``PROJECT_ID_PATTERN`` and
    ``schema.WINDOWS_RESERVED`` say it (one text for every message)."""
    if project:
        return (
            "lower-case a–z, digits 0–9 and '-', starting with a letter or digit, at most 63;"
            " not con, prn, aux, nul, com1–9, lpt1–9"
            if lang == "en"
            else "små bokstaver a–z, sifre 0–9 og «-», først en bokstav eller et siffer, høyst 63;"
            " ikke con, prn, aux, nul, com1–9, lpt1–9"
        )
    return (
        "letters a–z/A–Z, digits 0–9, '-' and '_', starting with a letter or digit, at most 64;"
        " not con, prn, aux, nul, com1–9, lpt1–9"
        if lang == "en"
        else "bokstaver a–z/A–Z, sifre 0–9, «-» og «_», først en bokstav eller et siffer,"
        " høyst 64; ikke con, prn, aux, nul, com1–9, lpt1–9"
    )


def _allowed(err: dict[str, Any], lang: str) -> str:
    ctx = err.get("ctx") or {}
    typ = err["type"]
    en = lang == "en"
    if typ in ("enum", "literal_error"):
        return str(ctx.get("expected", "")).replace("'", "")
    if typ in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        op = {
            "greater_than": ">",
            "greater_than_equal": "≥",
            "less_than": "<",
            "less_than_equal": "≤",
        }
        key = {
            "greater_than": "gt",
            "greater_than_equal": "ge",
            "less_than": "lt",
            "less_than_equal": "le",
        }
        return f"{op[typ]} {ctx.get(key[typ])}"
    if typ == "string_pattern_mismatch":
        # the project-id pattern is the one without upper-case letters (schema.py)
        return id_rule(project="A-Z" not in str(ctx.get("pattern", "")), lang=lang)
    if typ.startswith("date") or typ.startswith("datetime"):
        return "a date YYYY-MM-DD" if en else "en dato ÅÅÅÅ-MM-DD"
    if typ.startswith("int"):
        return "a whole number" if en else "et heltall"
    if typ.startswith("float") or typ == "finite_number":
        return "a number" if en else "et tall"
    if typ.startswith("bool"):
        return "true/false" if en else "ja/nei (true/false)"
    if typ in ("string_type",):
        return "text" if en else "tekst"
    if typ in ("list_type",):
        return "a list" if en else "en liste"
    if typ in ("dict_type", "model_type", "model_attributes_type"):
        return "a mapping of keys and values" if en else "en tabell av nøkler og verdier"
    if typ in ("too_short", "string_too_short"):
        n = ctx.get("min_length", 1)
        return f"at least {n}" if en else f"minst {n}"
    if typ in ("too_long", "string_too_long"):
        n = ctx.get("max_length", "")
        return f"at most {n}" if en else f"høyst {n}"
    return ""


def issues_from_validation(exc: ValidationError, *, lang: str = "nb") -> list[Issue]:
    """Turn a pydantic ``ValidationError`` into :class:`Issue` objects with key paths."""
    out: list[Issue] = []
    for err in exc.errors(include_url=False):
        # pydantic names validator functions in the location ("function-after[...]"):
        # they are not keys the user wrote, so they stay out of the key path.
        loc = [p for p in err["loc"] if not (isinstance(p, str) and "[" in p and "function" in p)]
        typ = err["type"]
        problem = _PYDANTIC.get(typ, "invalid")
        msg = str(err.get("msg", ""))
        if typ == "value_error" and "formula_injection" in msg:
            problem = "formula"
        for code in ("bool_coercion", "date_coercion", "reserved_id"):
            if typ == "value_error" and code in msg:
                problem = code
        found = err.get("input")
        if (
            problem == "out_of_range"
            and typ == "greater_than_equal"
            and (err.get("ctx") or {}).get("ge") == 0
        ):
            problem = "negative"
        if problem in ("missing",):
            found = None
        elif isinstance(found, dict | list):
            found = type(found).__name__
        fld = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
        allowed = _allowed(err, lang)
        if problem == "formula":
            allowed = (
                "text that does not start with '='"
                if lang == "en"
                else "tekst som ikke begynner med «=»"
            )
        detail = "" if problem != "invalid" else msg
        out.append(
            Issue(
                problem=problem,
                key=key_path(loc),
                field=fld,
                found=found,
                allowed=allowed,
                detail=detail,
            )
        )
    return out


PROBLEMS: dict[str, dict[str, str]] = {
    "missing": {"nb": "obligatorisk felt mangler", "en": "required field is missing"},
    "unknown_field": {"nb": "ukjent felt", "en": "unknown field"},
    "wrong_type": {"nb": "feil type", "en": "wrong type"},
    "bad_date": {"nb": "ugyldig dato", "en": "not a valid date"},
    "not_allowed": {"nb": "verdien er ikke tillatt", "en": "value not allowed"},
    "bad_pattern": {"nb": "ugyldig ID", "en": "invalid id"},
    "out_of_range": {"nb": "verdien er utenfor tillatt område", "en": "value out of range"},
    "too_short": {"nb": "for få elementer", "en": "too few items"},
    "too_long": {"nb": "for lang", "en": "too long"},
    "empty": {"nb": "feltet er tomt", "en": "field is empty"},
    "formula": {
        "nb": "tekst som begynner med «=» kan tolkes som en formel (formelinjeksjon)",
        "en": "text starting with '=' may be run as a formula (formula injection)",
    },
    "invalid": {"nb": "ugyldig verdi", "en": "invalid value"},
    "reserved_id": {
        "nb": "ID-en er et navn Windows reserverer (con, nul, aux, com1 …) og kan ikke bli et filnavn",
        "en": "the id is a name Windows reserves (con, nul, aux, com1 …) and cannot be a file name",
    },
    "ambiguous_number": {"nb": "tallet kan leses på to måter", "en": "the number has two readings"},
    "bool_coercion": {
        "nb": "feil type: et tall eller en tekst leses ikke som ja/nei, og ja/nei ikke som et tall",
        "en": "wrong type: a number or text is not read as true/false, nor true/false as a number",
    },
    "date_coercion": {
        "nb": "feil type: et tall leses ikke som en dato; skriv datoen som ÅÅÅÅ-MM-DD",
        "en": "wrong type: a number is not read as a date; write the date as YYYY-MM-DD",
    },
    "dates_out_of_order": {"nb": "datoene er i feil rekkefølge", "en": "dates out of order"},
    "target_equals_baseline": {
        "nb": "målverdien er lik nullpunktet",
        "en": "target equals baseline",
    },
    "wrong_direction": {
        "nb": "målverdien går i motsatt retning av «retning»",
        "en": "target moves against the stated direction",
    },
    "unknown_reference": {"nb": "viser til en ID som ikke finnes", "en": "refers to an unknown id"},
    "duplicate_id": {"nb": "ID-en er brukt før", "en": "duplicate id"},
    "edited_adopted_set": {
        "nb": "et vedtatt kriteriesett er endret etter vedtaket",
        "en": "an adopted criteria set was edited after adoption",
    },
    "range_out_of_order": {"nb": "høy er lavere enn lav", "en": "high is below low"},
    "negative": {"nb": "negativ verdi", "en": "negative value"},
    "empty_file": {"nb": "filen er tom", "en": "the file is empty"},
    "not_utf8": {
        "nb": "filen er ikke UTF-8-kodet",
        "en": "the file is not UTF-8 encoded",
    },
    "yaml_syntax": {"nb": "YAML-syntaksfeil", "en": "YAML syntax error"},
    "yaml_tag": {
        "nb": "YAML-tagger (!…) er ikke tillatt",
        "en": "YAML tags (!…) are not allowed",
    },
    "yaml_alias": {
        "nb": "YAML-ankre og -aliaser (&/*) er ikke tillatt",
        "en": "YAML anchors and aliases (&/*) are not allowed",
    },
    "duplicate_key": {
        "nb": "nøkkelen står to ganger (også når den er skrevet ulikt, som 2023 og 0x7E7)",
        "en": "duplicate key (also when spelled differently, such as 2023 and 0x7E7)",
    },
    "yaml_leading_zero": {
        "nb": "et heltall med innledende null er tvetydig (YAML 1.1 leser det som oktalt)",
        "en": "a whole number with a leading zero is ambiguous (YAML 1.1 reads it as octal)",
    },
    "yaml_merge_key": {
        "nb": "YAML-flettenøkler («<<») er ikke tillatt; skriv feltene ut",
        "en": "YAML merge keys ('<<') are not allowed; write the fields out",
    },
    "yaml_complex_key": {
        "nb": "en nøkkel må være en enkel verdi, ikke en liste eller tabell",
        "en": "a key must be a plain value, not a list or mapping",
    },
    "yaml_documents": {
        "nb": "filen har mer enn ett YAML-dokument («---»)",
        "en": "the file holds more than one YAML document ('---')",
    },
    "yaml_too_deep": {
        "nb": "for dyp nesting av lister og tabeller",
        "en": "lists and mappings nested too deeply",
    },
    "file_too_large": {"nb": "filen er for stor", "en": "the file is too large"},
    "not_mapping": {
        "nb": "filen må inneholde en tabell av nøkler og verdier",
        "en": "the file must hold a mapping of keys to values",
    },
    "file_missing": {"nb": "filen finnes ikke", "en": "file not found"},
    "unsafe_id": {
        "nb": "ID-en kan ikke brukes i et filnavn",
        "en": "the id is unsafe as a file name",
    },
    "id_mismatch": {
        "nb": "prosjekt-ID-en stemmer ikke med filnavnet",
        "en": "project id does not match the file name",
    },
    "unknown_project": {"nb": "ukjent prosjekt", "en": "unknown project"},
    "baseline_exists": {
        "nb": "det finnes allerede en godkjent plan for dette beslutningspunktet "
        "(bruk --supersede --reason TEKST for å erstatte den; begge beholdes)",
        "en": "an approved baseline for this decision point exists already "
        "(use --supersede --reason TEXT to supersede it; both are kept)",
    },
    "baseline_tampered": {
        "nb": "den godkjente planen er endret etter godkjenning (fingeravtrykket stemmer ikke)",
        "en": "the approved baseline was changed after approval (fingerprint mismatch)",
    },
    "baseline_invalid": {
        "nb": "den godkjente planen kan ikke leses",
        "en": "the approved baseline cannot be read",
    },
    "bad_header": {"nb": "feil kolonneoverskrift", "en": "wrong column header"},
    "shares_sum": {"nb": "andelene summerer ikke til 1", "en": "shares do not add up to 1"},
    "measurement_changed": {
        "nb": "en registrert måling vil bli endret",
        "en": "a recorded measurement would change",
    },
    "measurement_deleted": {
        "nb": "en registrert måling vil bli slettet",
        "en": "a recorded measurement would be deleted",
    },
    "duplicate_measurement": {
        "nb": "målingen er allerede registrert",
        "en": "the measurement is already recorded",
    },
    "conflicting_measurement": {
        "nb": "det finnes allerede en annen verdi for denne datoen",
        "en": "another value is already recorded for this date",
    },
    "date_before_baseline": {
        "nb": "datoen er før nullpunktsdatoen",
        "en": "the date is before the baseline date",
    },
    "date_in_future": {"nb": "datoen er fram i tid", "en": "the date is in the future"},
    "recorded_before_date": {
        "nb": "registrert før datoen som ble målt (registreringstidspunktet settes av gevinst)",
        "en": "recorded before the date measured (gevinst sets the time recorded)",
    },
    "duplicate_row": {
        "nb": "samme måling står to ganger i filen",
        "en": "the same measurement appears twice in the file",
    },
    "conflicting_row": {
        "nb": "samme mål og dato står med ulike verdier i filen",
        "en": "the same target and date appear with different values in the file",
    },
    "sheet_missing": {"nb": "arket finnes ikke", "en": "sheet not found"},
    "project_mismatch": {
        "nb": "prosjektet stemmer ikke med --project",
        "en": "the project does not match --project",
    },
    "not_xlsx": {
        "nb": "filen kan ikke leses som en Excel-arbeidsbok (.xlsx)",
        "en": "the file cannot be read as an Excel workbook (.xlsx)",
    },
    "unsupported_file": {
        "nb": "filtypen støttes ikke",
        "en": "unsupported file type",
    },
    # Excel plan workbooks (gevinst.io.excel)
    "excel_formula": {
        "nb": "cellen inneholder en formel; skriv inn selve verdien",
        "en": "the cell holds a formula; type the value itself",
    },
    "too_long_for_excel": {
        "nb": "teksten er lengre enn en Excel-celle rommer, og blir ikke kuttet; kort den ned i planen",
        "en": "the text is longer than an Excel cell holds and is not cut; shorten it in the plan",
    },
    "output_in_workspace": {
        "nb": "utdata kan ikke skrives over arbeidsområdets egne filer",
        "en": "an output cannot be written over the workspace's own files",
    },
    "output_not_own_kind": {
        "nb": "filen finnes og er ikke av samme slag; bruk --force for å erstatte den",
        "en": "the file exists and is not of the same kind; use --force to replace it",
    },
    "workbook_limit": {
        "nb": "arbeidsboken er større enn gevinst leser (grensen er nevnt)",
        "en": "the workbook is larger than gevinst reads (the limit is named)",
    },
    "not_gevinst_workbook": {
        "nb": "arbeidsboken er ikke laget av gevinst (fant ingen kjente ark)",
        "en": "the workbook was not made by gevinst (no known sheets)",
    },
    "newer_workbook": {
        "nb": "arbeidsboken er laget av en nyere gevinst-versjon",
        "en": "the workbook was made by a newer version of gevinst",
    },
    "missing_column": {
        "nb": "obligatoriske kolonner mangler",
        "en": "required columns are missing",
    },
}

_WORDS = {
    "nb": {
        "sheet": "ark",
        "row": "rad",
        "line": "linje",
        "key": "nøkkel",
        "cell": "celle",
        "field": "felt",
        "found": "fant",
        "allowed": "tillatt",
    },
    "en": {
        "sheet": "sheet",
        "row": "row",
        "line": "line",
        "key": "key",
        "cell": "cell",
        "field": "field",
        "found": "found",
        "allowed": "allowed",
    },
}


__all__ = ["PROBLEMS", "InputError", "Issue", "issues_from_validation", "key_path"]
