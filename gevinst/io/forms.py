"""Owner forms (rapporteringsskjema): one small workbook per benefit owner, and the folder
of returned forms read back.

:func:`write_forms` writes, for each :class:`~gevinst.model.forms.OwnerForm`, a workbook
with one sheet «Målinger»: a row per due item with the project and item id, name,
indicator, unit, the planned value and target, the last value and its date, the date the
measurement applies to (prefilled) and an empty «verdi» column (no dropdowns, no
formulas). The header labels are the measurement fields' own (``schema.label``), so the
returned file is read by the ordinary intake (:func:`gevinst.io.intake.read_intake_file`
and :func:`gevinst.io.intake.record`): there is no second reader.

:func:`import_forms` reads every ``.xlsx`` in a folder, each file all-or-nothing: a file
with one bad row is refused as a whole (the register is unchanged for it) and reported,
and the other files are recorded. Rows the owner left without a value are not reported,
not errors. Who has and has not reported is judged against the forms due (computed
before the import).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from gevinst.errors import InputError, Issue
from gevinst.io import intake
from gevinst.io.cells import is_empty
from gevinst.io.excel.write import _DATE_FORMAT, _style_header, _width, save_workbook
from gevinst.model.forms import DueItem, OwnerForm
from gevinst.model.schema import Measurement, Project, label

SHEET = {"nb": "Målinger", "en": "Measurements"}

_INFO_COLUMNS: dict[str, tuple[str, str]] = {
    "name": ("navn", "name"),
    "indicator": ("indikator", "indicator"),
    "unit": ("enhet", "unit"),
    "planned_value": ("planlagt verdi", "planned value"),
    "target": ("målverdi", "target"),
    "latest_value": ("siste verdi", "last value"),
    "latest_date": ("siste måling", "last measured"),
    "due": ("frist", "due"),
}
"""Columns the intake does not read (it reads only the measurement fields and the project)."""


def columns(lang: str = "nb") -> list[tuple[str, str]]:
    """(key, header) of the form's columns, in order."""
    i = 1 if lang == "en" else 0
    m = [(k, label(Measurement, k, lang)) for k in ("target_id",)]
    return [
        ("project", label(Project, "id", lang)),
        *m,
        *(
            (k, _INFO_COLUMNS[k][i])
            for k in (
                "name",
                "indicator",
                "unit",
                "planned_value",
                "target",
                "latest_value",
                "latest_date",
                "due",
            )
        ),
        ("date", label(Measurement, "date", lang)),
        ("value", label(Measurement, "value", lang)),
        ("comment", label(Measurement, "comment", lang)),
        ("reported_by", label(Measurement, "reported_by", lang)),
    ]


def slug(text: str) -> str:
    """A file-name-safe form of an owner's name.

    >>> slug("Enhetsleder hjemmetjenesten, Tinn")
    'enhetsleder-hjemmetjenesten-tinn'
    >>> slug("Økonomisjef, Notodden")
    'okonomisjef-notodden'
    """
    text = text.replace("ø", "o").replace("Ø", "O").replace("æ", "ae").replace("Æ", "Ae")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return out[:60].strip("-") or "eier"


def _cell(item: DueItem, key: str, owner: str):
    if key == "project":
        return item.project
    if key == "target_id":
        return item.id
    if key == "date":
        return item.period_end
    if key in ("value", "comment"):
        return None
    if key == "reported_by":
        return owner
    return getattr(item, key)


def build_form(form: OwnerForm, as_of: dt.date, lang: str = "nb") -> openpyxl.Workbook:
    """The workbook of one owner's form."""
    lang = "en" if lang == "en" else "nb"
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = SHEET[lang]
    title = (
        f"Rapportering av gevinster – {form.owner}"
        if lang == "nb"
        else f"Benefits reporting – {form.owner}"
    )
    sheet.cell(1, 1, title).font = Font(bold=True, size=13)
    sheet.cell(
        2,
        1,
        (
            f"Per {as_of.strftime('%d.%m.%Y')}. Fyll inn «verdi» (og gjerne en kommentar) for "
            "hver rad; la en rad stå tom hvis du ikke har tallet ennå. Ikke endre ID-ene."
        )
        if lang == "nb"
        else (
            f"As of {as_of.isoformat()}. Fill in «value» (and a comment if you like) for each "
            "row; leave a row empty if you do not have the figure yet. Do not change the IDs."
        ),
    ).alignment = Alignment(wrap_text=False)
    header_row = 4
    cols = columns(lang)
    for n, (_key, header) in enumerate(cols, start=1):
        _style_header(sheet.cell(header_row, n, header), None, lang)
    for r, item in enumerate(form.items, start=header_row + 1):
        for n, (key, _header) in enumerate(cols, start=1):
            cell = sheet.cell(r, n, _cell(item, key, form.owner))
            if isinstance(cell.value, dt.date):
                cell.number_format = _DATE_FORMAT[lang]
    for n, (key, header) in enumerate(cols, start=1):
        values = [header] + [_cell(i, key, form.owner) for i in form.items]
        values = [v.isoformat() if isinstance(v, dt.date) else v for v in values]
        sheet.column_dimensions[get_column_letter(n)].width = _width(values, 10, 40)
    sheet.freeze_panes = sheet.cell(header_row + 1, 3)
    return wb


def write_forms(
    out: Path, forms: Sequence[OwnerForm], as_of: dt.date, lang: str = "nb"
) -> dict[str, Path]:
    """One workbook per owner in ``out`` (``<owner-slug>.xlsx``, atomic); owner → path."""
    out = Path(out)
    paths: dict[str, Path] = {}
    used: set[str] = set()
    for form in forms:
        base = slug(form.owner)
        name, k = base, 1
        while name in used:
            k += 1
            name = f"{base}-{k}"
        used.add(name)
        paths[form.owner] = save_workbook(build_form(form, as_of, lang), out / f"{name}.xlsx")
    return paths


# --------------------------------------------------------------------------- import


@dataclass
class FileResult:
    """What came of one returned form."""

    path: Path
    owners: list[str] = field(default_factory=list)
    """The owners named in its «rapportert av» column."""
    added: int = 0
    skipped: int = 0
    """Rows already recorded with the same value."""
    empty: int = 0
    """Rows left without a value."""
    issues: list[Issue] = field(default_factory=list)
    """Why the file was refused (nothing of it was recorded)."""
    reported: set[tuple[str, str]] = field(default_factory=set)
    """(project, item id) recorded from this file (or already recorded)."""

    @property
    def ok(self) -> bool:
        return not self.issues


@dataclass
class FormsImport:
    files: list[FileResult]
    reported: dict[str, tuple[int, int]]
    """Owner → (items reported, items due) for every owner with a form due."""
    not_reported: list[str]
    """Owners with items due and none reported."""

    def to_json(self) -> dict:
        return {
            "files": [
                {
                    "file": str(f.path),
                    "ok": f.ok,
                    "owners": f.owners,
                    "added": f.added,
                    "skipped": f.skipped,
                    "empty": f.empty,
                    "issues": [i.as_dict() for i in f.issues],
                }
                for f in self.files
            ],
            "reported": {o: {"reported": a, "due": b} for o, (a, b) in self.reported.items()},
            "not_reported": self.not_reported,
        }


def form_files(folder: Path) -> list[Path]:
    """The workbooks in ``folder`` (Excel's lock files ``~$…`` and hidden files left out)."""
    return sorted(
        p
        for p in Path(folder).iterdir()
        if p.is_file()
        and p.suffix.lower() in (".xlsx", ".xlsm")
        and not p.name.startswith(("~$", "."))
    )


def import_form(
    root: Path, path: Path, *, now: dt.datetime | None = None, lang: str = "nb"
) -> FileResult:
    """Record one returned form, all or nothing (through the ordinary intake)."""
    result = FileResult(path)
    try:
        rows, project = intake.read_intake_file(path, lang=lang)
        filled = [r for r in rows if not is_empty(r.cells.get("value"))]
        result.empty = len(rows) - len(filled)
        result.owners = sorted(
            {str(r.cells.get("reported_by") or "").strip() for r in filled} - {""}
        )
        filled = [r if r.project else replace(r, project=project) for r in filled]
        if filled:
            done = intake.record(root, filled, now=now, lang=lang, skip_recorded=True)
            result.added, result.skipped = len(done.rows), len(done.skipped)
            result.reported = {
                (n.project, n.measurement.target_id) for n in [*done.rows, *done.skipped]
            }
    except InputError as exc:
        result.issues = list(exc.issues)
        result.added = result.skipped = 0
        result.reported = set()
    return result


def import_forms(
    root: Path,
    folder: Path,
    expected: Sequence[OwnerForm],
    *,
    now: dt.datetime | None = None,
    lang: str = "nb",
) -> FormsImport:
    """Record every form in ``folder`` (each file on its own, all or nothing) and judge who
    has reported against ``expected`` (the forms due, computed before the import)."""
    files = [import_form(root, p, now=now, lang=lang) for p in form_files(folder)]
    done = set().union(*(f.reported for f in files)) if files else set()
    reported: dict[str, tuple[int, int]] = {}
    for form in expected:
        wanted = {(i.project, i.id) for i in form.items}
        reported[form.owner] = (len(wanted & done), len(wanted))
    not_reported = [o for o, (a, _b) in reported.items() if a == 0]
    return FormsImport(files, reported, not_reported)


__all__ = [
    "FileResult",
    "FormsImport",
    "build_form",
    "columns",
    "form_files",
    "import_form",
    "import_forms",
    "slug",
    "write_forms",
]
