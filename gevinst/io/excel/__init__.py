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

The package has one concern per module: :mod:`.specs` (sheet specs derived from the
schema), :mod:`.values` (cell values in and out), :mod:`.help` (help texts),
:mod:`.write` (writing workbooks), :mod:`.read` (reading them) and :mod:`.merge`
(plan changes, the measurement merge, the import).
"""

from gevinst.io.cells import (
    parse_number,
)
from gevinst.io.excel.help import (
    column_table,
    column_table_markdown,
)
from gevinst.io.excel.merge import (
    Change,
    ImportResult,
    MeasurementMerge,
    import_workbook,
    merge_measurements,
    plan_changes,
)
from gevinst.io.excel.read import (
    ReadResult,
    read_workbook,
)
from gevinst.io.excel.specs import (
    FORMAT_VERSION,
    Column,
    SheetSpec,
    schema_hash,
    sheet_specs,
)
from gevinst.io.excel.values import (
    display_number,
)
from gevinst.io.excel.write import (
    build_workbook,
    export_project,
    save_workbook,
    write_project,
    write_template,
)

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
