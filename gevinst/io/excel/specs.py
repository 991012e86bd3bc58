"""Sheet specs derived from the schema: columns and their kinds, bounds and labels, the schema hash."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import types
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from gevinst.model.schema import (
    ID_PATTERN,
    Impact,
    LabelledEnum,
    Measurement,
    Municipality,
    Plan,
    TakeOut,
    label,
)

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
_TRUE_WORDS = {"ja", "yes", "true", "sann", "j", "y", "x"}
_FALSE_WORDS = {"nei", "no", "false", "usann", "n"}

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


def _norm(text: Any) -> str:
    return " ".join(str(text).split()).casefold()
