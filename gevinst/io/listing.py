"""What ``gevinst list`` prints, read without loading whole plans.

``list`` shows each plan's id, name and phase. Parsing and validating every plan
for that (what ``check`` does) grows with the size of every plan; here only the
plan's top-level ``project:`` block is read – a few dozen lines at the top of the
file – with PyYAML's safe loader (the C one when PyYAML has it). A plan whose
block cannot be read is reported as unreadable, not guessed at; whether the rest
of a plan is valid is ``gevinst check``'s business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from gevinst.io.workspace import Paths, project_ids

_SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PROJECT_KEY = re.compile(r"^project\s*:")


@dataclass(frozen=True)
class Header:
    """A plan's listing: ``id`` is the file name's stem (what the other commands take)."""

    id: str
    name: str | None
    phase: str | None

    def to_json(self) -> dict[str, str | None]:
        return {"id": self.id, "name": self.name, "phase": self.phase}


def project_block(text: str) -> str | None:
    """The lines of the top-level ``project:`` mapping of a YAML plan, or None.

    >>> project_block("# plan\\nproject:\\n  id: a\\n  name: A\\ngoals:\\n  main_goal: x\\n")
    'project:\\n  id: a\\n  name: A'
    """
    out: list[str] = []
    for line in text.splitlines():
        if not out:
            if _PROJECT_KEY.match(line):
                out.append(line)
        elif line[:1] in ("", " ", "\t", "#"):
            out.append(line)
        else:  # the next top-level key (or a document marker) ends the block
            break
    return "\n".join(out).rstrip() or None


def _safe_mapping(block: str) -> dict | None:
    """The block as data; None when it uses anchors or aliases or is not plain YAML."""
    try:
        for event in yaml.parse(block, Loader=_SAFE):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return None
        data = yaml.load(block, Loader=_SAFE)
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def _text(value: object) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    return str(value).strip() or None


def read_header(path: Path) -> Header | None:
    """The id, name and phase of one plan file; None when its project block is unreadable."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    block = project_block(text)
    data = _safe_mapping(block) if block else None
    project = data.get("project") if data else None
    if not isinstance(project, dict):
        return None
    return Header(id=path.stem, name=_text(project.get("name")), phase=_text(project.get("phase")))


def headers(root: Path) -> tuple[list[Header], list[str]]:
    """Every plan's header in id order, and the ids of plans whose header is unreadable."""
    paths = Paths(root)
    found: list[Header] = []
    unreadable: list[str] = []
    for pid in project_ids(root):
        header = read_header(paths.projects / f"{pid}.yaml")
        if header is None:
            unreadable.append(pid)
        else:
            found.append(header)
    return found, unreadable


__all__ = ["Header", "headers", "project_block", "read_header"]
