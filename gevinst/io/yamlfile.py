"""Safe, strict YAML in and out, with line numbers for every key path.

Plans are read by the YAML 1.2 *core schema*, on PyYAML's C parser (libyaml):

* only ``true``/``false`` (any case form of the spec) are booleans; ``yes``, ``no``,
  ``on``, ``off`` are text, which the schema refuses where a boolean is expected;
* integers are decimal, ``0x…`` (hex) or ``0o…`` (octal); a decimal with a leading
  zero (``031000``) is refused as ambiguous (YAML 1.1 reads it as octal);
* ``1:30`` is text, not sexagesimal 90; dates stay text until the schema parses
  them, so a bad date is reported like any other bad field;
* mapping keys are compared after type resolution, so ``2023`` and ``0x7E7`` are
  the same key and refused as a duplicate; ``<<`` merge keys are refused;
* no tags (``!!python/object``, ``!foo``, even ``!!str``), no anchors or aliases,
  one document per file, nesting at most :data:`MAX_DEPTH` deep and files at most
  :data:`MAX_YAML_BYTES` bytes.

The events come from the C parser; values are built from them in one pass here, so
every rule above is checked before any value is used.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import math
import re
from pathlib import Path
from typing import Any

import yaml

from gevinst.errors import InputError, Issue, key_path

MAX_YAML_BYTES = 5 * 1024 * 1024
"""Largest YAML file read (5 MB; the example plans are 10–20 kB)."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted (a plan needs 4)."""

# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution)
_CORE_NULL = re.compile(r"~|null|Null|NULL|")
_CORE_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False}
_CORE_BOOL["FALSE"] = False
_CORE_INT = re.compile(r"[-+]?[0-9]+")
_CORE_OCT = re.compile(r"0o[0-7]+")
_CORE_HEX = re.compile(r"0x[0-9a-fA-F]+")
_CORE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_CORE_INF = re.compile(r"[-+]?\.(inf|Inf|INF)")
_CORE_NAN = re.compile(r"\.(nan|NaN|NAN)")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]+")
_MAY_RESOLVE = frozenset("~nNtTfF0123456789+-.")
"""First characters of every scalar the core schema resolves to something other than text."""
_WORDS = frozenset("nNtTfF")

try:  # the C parser (libyaml); the pure-Python one gives the same events
    _Parser: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Parser = yaml.SafeLoader


class _Loader(yaml.SafeLoader):
    """SafeLoader without implicit timestamps (the schema parses dates); used for dumping."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Refused(ValueError):
    def __init__(self, problem: str, found: str, allowed: str = ""):
        super().__init__(problem)
        self.problem, self.found, self.allowed = problem, found, allowed


def core_scalar(text: str, plain: bool = True) -> Any:
    """The value of one scalar by the YAML 1.2 core schema; ``plain=False`` for quoted text.

    >>> core_scalar("0x7E7"), core_scalar("1:30"), core_scalar("yes"), core_scalar("1e3")
    (2023, '1:30', 'yes', 1000.0)
    """
    if not plain:
        return text
    first = text[:1]
    if first and first not in _MAY_RESOLVE:  # most scalars (keys, names): plain text
        return text
    if first in _WORDS:  # null, true, false and their capitalised forms, else text
        if first in "nN":
            return None if text in ("null", "Null", "NULL") else text
        return _CORE_BOOL.get(text, text)
    if _CORE_NULL.fullmatch(text):
        return None
    if text in _CORE_BOOL:
        return _CORE_BOOL[text]
    if _CORE_INT.fullmatch(text):
        if _LEADING_ZERO.fullmatch(text):
            raise _Refused("yaml_leading_zero", text, str(int(text)))
        return int(text)
    if _CORE_OCT.fullmatch(text):
        return int(text[2:], 8)
    if _CORE_HEX.fullmatch(text):
        return int(text[2:], 16)
    if _CORE_FLOAT.fullmatch(text):
        return float(text)
    if _CORE_INF.fullmatch(text):
        return -math.inf if text.startswith("-") else math.inf
    if _CORE_NAN.fullmatch(text):
        return math.nan
    return text


def _mb(size: int) -> str:
    return f"{size:,} bytes".replace(",", " ")


MAX_TEXT_BYTES = 20 * 1024 * 1024
"""Largest CSV file read (20 MB: some 300 000 measurement rows)."""


def read_text(path: Path, display: str | None = None, *, max_bytes: int = MAX_TEXT_BYTES) -> str:
    """Read a UTF-8 text file; an empty, too large or non-UTF-8 file is an :class:`InputError`."""
    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                [Issue("file_too_large", file=name, found=_mb(size), allowed=f"≤ {_mb(max_bytes)}")]
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Issue("file_missing", file=name)]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            [
                Issue(
                    "not_utf8",
                    file=name,
                    line=line,
                    found=repr(raw[exc.start : exc.start + 4]),
                    allowed="UTF-8",
                )
            ]
        ) from None
    if not text.strip():
        raise InputError([Issue("empty_file", file=name)])
    return text


def _build(events: Any, name: str) -> tuple[Any, dict[str, int], list[Issue]]:
    """Values and the line of every key path, built from the parser's events in one pass."""
    lines: dict[str, int] = {}
    issues: list[Issue] = []
    root: list[Any] = []
    # each frame: (container, path, pending key or _NOKEY, seen keys)
    stack: list[list[Any]] = []
    documents = 0

    def where(event: Any) -> int:
        return event.start_mark.line + 1

    def refuse(problem: str, event: Any, **kw: Any) -> None:
        issues.append(Issue(problem, file=name, line=where(event), **kw))

    def place(value: Any, event: Any) -> list[str | int] | None:
        """Put a finished value into its parent; returns the value's key path (or None)."""
        if not stack:
            root.append(value)
            return []
        frame = stack[-1]
        container, path = frame[0], frame[1]
        if isinstance(container, list):
            child = [*path, len(container)]
            container.append(value)
            lines.setdefault(key_path(child), where(event))
            return child
        if frame[2] is _NOKEY:  # this value is a key
            if isinstance(value, dict | list):
                refuse("yaml_complex_key", event)
                frame[2] = _BADKEY
                return None
            if value == "<<" and isinstance(event, yaml.ScalarEvent) and not event.style:
                refuse("yaml_merge_key", event, key=key_path([*path, "<<"]), found="<<")
                frame[2] = _BADKEY
                return None
            # compared as the mapping will hold them: 2023, 0x7E7 and 2023.0 are one key,
            # and so are 1 and true
            if value in frame[3]:
                refuse(
                    "duplicate_key",
                    event,
                    key=key_path([*path, value]),
                    field=str(value),
                    found=event.value,
                )
                frame[2] = _BADKEY
                return None
            frame[3].add(value)
            frame[2] = value
            lines.setdefault(key_path([*path, value]), where(event))
            return None
        key = frame[2]
        frame[2] = _NOKEY
        if key is _BADKEY:
            return None
        container[key] = value
        return [*path, key]

    for event in events:
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                refuse("yaml_documents", event)
                break
            continue
        if isinstance(event, yaml.AliasEvent):  # its anchor is refused already
            place(None, event)
            continue
        if isinstance(event, yaml.NodeEvent):
            if event.anchor:
                refuse("yaml_alias", event, found=f"&{event.anchor}")
            tag = getattr(event, "tag", None)
            if tag is not None and tag != "!":
                refuse("yaml_tag", event, found=tag)
        if isinstance(event, yaml.ScalarEvent):
            plain = not event.style and event.tag is None
            try:
                value = core_scalar(event.value, plain)
            except _Refused as exc:
                path = stack[-1][1] if stack else []
                refuse(exc.problem, event, key=key_path(path), found=exc.found, allowed=exc.allowed)
                value = event.value
            place(value, event)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            if len(stack) >= MAX_DEPTH:
                refuse("yaml_too_deep", event, allowed=f"≤ {MAX_DEPTH}")
                break
            container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
            path = place(container, event)
            stack.append([container, path if path is not None else ["?"], _NOKEY, set()])
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            stack.pop()
    return (root[0] if root else None), lines, issues


_NOKEY = object()
_BADKEY = object()


def load_yaml(path: Path, display: str | None = None) -> tuple[dict[str, Any], dict[str, int]]:
    """Load a YAML mapping safely and strictly; returns (data, line number per key path)."""
    name = display or str(path)
    text = read_text(path, name, max_bytes=MAX_YAML_BYTES)
    try:
        data, lines, issues = _build(yaml.parse(text, Loader=_Parser), name)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise InputError(
            [
                Issue(
                    "yaml_syntax",
                    file=name,
                    line=(mark.line + 1) if mark else None,
                    detail=str(exc.problem or exc),
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise InputError([Issue("yaml_syntax", file=name, detail=str(exc))]) from None
    if issues:
        raise InputError(issues)
    if data is None:
        raise InputError([Issue("empty_file", file=name)])
    if not isinstance(data, dict):
        raise InputError([Issue("not_mapping", file=name, line=1, found=type(data).__name__)])
    return data, lines


_PARENT = re.compile(r"(\.[^.\[]+|\[\d+\])$|^[^.\[]+$")


def locate(issues: list[Issue], name: str, lines: dict[str, int]) -> list[Issue]:
    """Fill in the file and the YAML line of each issue from its key path."""
    out = []
    for i in issues:
        line = None
        key = i.key
        while key:
            if key in lines:
                line = lines[key]
                break
            parent = _PARENT.sub("", key)
            if parent == key:  # e.g. "costs[0].amounts[1980].[key]" (a bad mapping key)
                parent = key.rsplit(".", 1)[0] if "." in key else ""
            key = parent
        out.append(i.located(file=name, line=line))
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


class _Dumper(yaml.SafeDumper):
    """Dates are written as plain ISO text, which our loader reads back as text."""


_Dumper.yaml_implicit_resolvers = {k: list(v) for k, v in _Loader.yaml_implicit_resolvers.items()}
# Text that the core schema reads as a number but YAML 1.1 does not (``0o17``) is quoted.
_Dumper.add_implicit_resolver("tag:yaml.org,2002:int", _CORE_OCT, ["0"])


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: Any) -> str:
    """Plain, readable YAML (keys in schema order, dates as ISO text, Unicode kept)."""
    return yaml.dump(_plain(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def _same(old: Any, new: Any) -> bool:
    """Whether a value read by ruamel.yaml is the value ``new`` (plain, as for dump_yaml)."""
    if isinstance(old, dict) or isinstance(new, dict):
        return (
            isinstance(old, dict)
            and isinstance(new, dict)
            and old.keys() == new.keys()
            and all(_same(old[k], new[k]) for k in new)
        )
    if isinstance(old, list) or isinstance(new, list):
        return (
            isinstance(old, list)
            and isinstance(new, list)
            and len(old) == len(new)
            and all(_same(a, b) for a, b in zip(old, new, strict=True))
        )
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    return _plain(old) == _plain(new)


def _update(old: Any, new: Any) -> Any:
    """``old`` (a ruamel.yaml round-trip node) changed in place to hold ``new``; returns the
    node to store (``old`` itself where it could be kept, so its comments stay)."""
    if _same(old, new):
        return old
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [k for k in old if k not in new]:
            del old[key]
        for key, value in new.items():
            old[key] = _update(old[key], value) if key in old else value
        return old
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, value in enumerate(new):
            old[i] = _update(old[i], value)
        return old
    return new


def dump_yaml_keeping_comments(old_text: str, data: Any) -> str:
    """``data`` as YAML written over ``old_text``: its comments, order and styles kept for
    every value that stays, changed values written plainly (ruamel.yaml round trip).

    The result is read back with the strict loader and must give ``data`` exactly;
    otherwise (or if ``old_text`` cannot be read) :func:`dump_yaml` writes it afresh.
    """
    from ruamel.yaml import YAML  # round-trip writer: only for rewriting a plan

    new = _plain(data)
    try:
        rt = YAML(typ="rt")
        rt.width = 4096  # never re-wrap a line that stays
        rt.indent(mapping=2, sequence=4, offset=2)  # "  - item", as dump_yaml and our plans
        rt.allow_unicode = True
        tree = rt.load(old_text)
        tree = _update(tree, new)
        buf = io.StringIO()
        rt.dump(tree, buf)
        text = buf.getvalue()
        back, _, issues = _build(yaml.parse(text, Loader=_Parser), "")
    except Exception:
        return dump_yaml(data)
    if issues or back != new:
        return dump_yaml(data)
    return text
