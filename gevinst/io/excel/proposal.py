"""The proposal form (prosjektforslag): ``gevinst excel template --proposal``.

A short workbook for a kommune to propose a project to the portfolio board:
one sheet, one row per field of :class:`gevinst.model.schema.Proposal` (the
schema is the single source: labels, descriptions, allowed values), with the
ranges (investment, operation, benefit) as a low and a high column, lists to
pick from for the phase, the benefit kind and the kommuner, and a guide. The
filled-in values go into ``proposals:`` in ``gevinst.yaml`` under the same
keys (shown in the first column), where ``gevinst check`` validates them.
"""

from __future__ import annotations

import typing
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from gevinst.io.excel.write import save_workbook
from gevinst.model.schema import Dependency, Proposal, Range, Workspace, label

SHEET = ("Prosjektforslag", "Proposal")
LISTS = ("Lister", "Lists")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _t(lang: str, nb: str, en: str) -> str:
    return nb if lang == "nb" else en


def _is_range(annotation: object) -> bool:
    return annotation is Range


def _choices(annotation: object, lang: str) -> list[str]:
    """Labels of an enumeration field (Optional unwrapped), else []."""
    args = typing.get_args(annotation) or (annotation,)
    for a in args:
        if isinstance(a, type) and hasattr(a, "labels") and hasattr(a, "__members__"):
            return [m.label(lang) for m in a]
    return []


def proposal_rows(lang: str = "nb") -> list[tuple[str, str, str, bool, list[str]]]:
    """(key, label, description, is a range, choices) per field of the proposal, in order."""
    out = []
    for key, info in Proposal.model_fields.items():
        if key == "depends_on":
            continue
        out.append(
            (
                key,
                label(Proposal, key, lang),
                info.description or "",
                _is_range(info.annotation),
                _choices(info.annotation, lang),
            )
        )
    out.append(
        (
            "depends_on",
            label(Proposal, "depends_on", lang),
            label(Dependency, "on", lang) + ": " + (Dependency.model_fields["on"].description or ""),
            False,
            [],
        )
    )
    return out


def proposal_workbook(*, workspace: Workspace | None = None, lang: str = "nb") -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = SHEET[0 if lang == "nb" else 1]
    lists = wb.create_sheet(LISTS[0 if lang == "nb" else 1])
    sheet.cell(1, 1, _t(lang, "Prosjektforslag til porteføljestyret", "Project proposal to the portfolio board")).font = Font(bold=True, size=14)
    sheet.cell(2, 1, _t(
        lang,
        "Fyll inn kolonne C (og D for spenn: lav i C, høy i D). Grove anslag holder: spennene blir "
        "usikkerhet rundt midtpunktet, og forslaget rangeres etter porteføljestyrets vedtatte kriteriesett.",
        "Fill in column C (and D for ranges: low in C, high in D). Rough estimates will do: the ranges "
        "become uncertainty around the midpoint, and the proposal is ranked by the board's adopted criteria set.",
    )).alignment = Alignment(wrap_text=True)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=5)
    sheet.row_dimensions[2].height = 45
    heads = [
        _t(lang, "Nøkkel (gevinst.yaml)", "Key (gevinst.yaml)"),
        _t(lang, "Felt", "Field"),
        _t(lang, "Verdi / lav", "Value / low"),
        _t(lang, "Høy", "High"),
        _t(lang, "Forklaring", "Explanation"),
    ]
    for col, text in enumerate(heads, start=1):
        c = sheet.cell(4, col, text)
        c.font = Font(bold=True)
        c.fill = _HEADER_FILL
    list_col = 1
    row = 5
    kommuner = [m.name for m in workspace.municipalities] if workspace is not None else []
    for key, name, description, is_range, choices in proposal_rows(lang):
        sheet.cell(row, 1, key).font = Font(color="777777")
        sheet.cell(row, 2, name)
        explanation = description
        if is_range:
            explanation = _t(lang, "Spenn i kroner: lav i C, høy i D. ", "Range in NOK: low in C, high in D. ") + description
        if key == "municipalities" and kommuner:
            choices = kommuner
            explanation += _t(lang, " (flere: skill med komma)", " (several: separate with commas)")
        if choices:
            for k, value in enumerate(choices, start=1):
                lists.cell(k, list_col, value)
            letter = openpyxl.utils.get_column_letter(list_col)
            dv = DataValidation(
                type="list",
                formula1=f"'{lists.title}'!${letter}$1:${letter}${len(choices)}",
                allow_blank=True,
                showErrorMessage=key != "municipalities",
            )
            sheet.add_data_validation(dv)
            dv.add(sheet.cell(row, 3))
            list_col += 1
        sheet.cell(row, 5, explanation).alignment = Alignment(wrap_text=True, vertical="top")
        for col in (3, 4) if is_range else (3,):
            sheet.cell(row, col).fill = PatternFill("solid", fgColor="FFF2CC")
            if is_range:
                sheet.cell(row, col).number_format = "# ##0"
        row += 1
    for col, width in zip("ABCDE", (22, 34, 22, 16, 70), strict=True):
        sheet.column_dimensions[col].width = width
    lists.sheet_state = "hidden"
    return wb


def write_proposal_template(
    path: Path, *, workspace: Workspace | None = None, lang: str = "nb", reproducible: bool = True
) -> Path:
    """Write the proposal form to ``path`` atomically (same bytes for the same input)."""
    return save_workbook(proposal_workbook(workspace=workspace, lang=lang), Path(path), reproducible=reproducible)


__all__ = ["proposal_rows", "proposal_workbook", "write_proposal_template"]
