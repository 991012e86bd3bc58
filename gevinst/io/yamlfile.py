"""Safe YAML in and out, with line numbers for every key path.

Only plain YAML is accepted: no tags (``!!python/object``, ``!foo``, even
``!!str``), no anchors or aliases, no duplicate keys. Dates stay text until the
schema parses them, so a bad date is reported like any other bad field.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from pathlib import Path
from typing import Any

import yaml

from gevinst.errors import InputError, Issue, key_path


class _Loader(yaml.SafeLoader):
    """SafeLoader without implicit timestamps (the schema parses dates)."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_text(path: Path, display: str | None = None) -> str:
    """Read a UTF-8 text file; an empty or non-UTF-8 file is an :class:`InputError`."""
    name = display or str(path)
    try:
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


def _check_node(
    node: yaml.Node, path: list[str | int], lines: dict[str, int], issues: list[Issue], name: str
) -> Any:
    lines.setdefault(key_path(path), node.start_mark.line + 1)
    if isinstance(node, yaml.ScalarNode):
        return None
    if isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            _check_node(child, [*path, i], lines, issues, name)
    elif isinstance(node, yaml.MappingNode):
        keys: set[Any] = set()
        for knode, vnode in node.value:
            key = int(knode.value) if knode.value.isdigit() else knode.value
            if key in keys:
                issues.append(
                    Issue(
                        "duplicate_key",
                        file=name,
                        line=knode.start_mark.line + 1,
                        key=key_path([*path, key]),
                        field=str(key),
                        found=key,
                    )
                )
            keys.add(key)
            lines.setdefault(key_path([*path, key]), knode.start_mark.line + 1)
            _check_node(vnode, [*path, key], lines, issues, name)
    return None


def _events_issues(text: str, name: str) -> list[Issue]:
    """Tags and aliases are refused before anything is constructed."""
    out: list[Issue] = []
    for event in yaml.parse(text, Loader=_Loader):
        tag = getattr(event, "tag", None)
        if (
            tag is not None
            and isinstance(event, yaml.NodeEvent)
            and not isinstance(event, yaml.AliasEvent)
        ):
            explicit = True
            if isinstance(event, yaml.ScalarEvent):
                explicit = event.implicit == (False, False) or not any(event.implicit)
            if explicit:
                out.append(Issue("yaml_tag", file=name, line=event.start_mark.line + 1, found=tag))
        if getattr(event, "anchor", None) and not isinstance(event, yaml.AliasEvent):
            # an alias needs an anchor, so refusing anchors refuses both
            out.append(
                Issue(
                    "yaml_alias",
                    file=name,
                    line=event.start_mark.line + 1,
                    found=f"&{event.anchor}",
                )
            )
    return out


def load_yaml(path: Path, display: str | None = None) -> tuple[dict[str, Any], dict[str, int]]:
    """Load a YAML mapping safely; returns (data, line number per key path)."""
    name = display or str(path)
    text = read_text(path, name)
    try:
        issues = _events_issues(text, name)
        if issues:
            raise InputError(issues)
        node = yaml.compose(text, Loader=_Loader)
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
    if node is None:
        raise InputError([Issue("empty_file", file=name)])
    lines: dict[str, int] = {}
    issues = []
    _check_node(node, [], lines, issues, name)
    if issues:
        raise InputError(issues)
    data = yaml.load(text, Loader=_Loader)
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


_Dumper.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


def _str_representer(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: Any) -> str:
    """Plain, readable YAML (keys in schema order, dates as ISO text, Unicode kept)."""
    return yaml.dump(_plain(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
