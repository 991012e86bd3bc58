"""Approved baselines on disk: ``baselines/<project>/<BP>.yaml``, immutable once written.

A snapshot holds the approval metadata, the input fingerprint of the project when it
was approved, the cost/benefit summary then, and the whole plan. Its last line is
``content_digest: <sha256>`` over the bytes above it, so that ``gevinst check``
(:func:`verify`) sees any edit made after approval. The first snapshot of a decision
point is ``BP2.yaml``; a superseding one (``--supersede --reason``) is ``BP2-2.yaml``,
``BP2-3.yaml`` …, and the old ones are kept. Comparison logic: :mod:`gevinst.model.baseline`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gevinst.errors import InputError, Issue
from gevinst.io.atomic import write_text
from gevinst.io.yamlfile import dump_yaml, load_yaml
from gevinst.model.schema import DecisionPoint, Plan

BASELINES_DIR = "baselines"
FORMAT = "gevinst-baseline"
FORMAT_VERSION = 1
DIGEST_KEY = "content_digest"
_NAME = re.compile(r"^(BP[1-5])(?:-(\d+))?\.yaml$")
_ORDER = [d.value for d in DecisionPoint]


@dataclass(frozen=True)
class Baseline:
    """One approved snapshot of a project's plan."""

    project: str
    decision_point: str
    revision: int
    approved_by: str
    approved_on: dt.date
    input_fingerprint: str
    summary: dict[str, Any]
    plan: Plan
    path: Path
    supersedes: str = ""
    reason: str = ""

    @property
    def label(self) -> str:
        return (
            self.decision_point if self.revision == 1 else f"{self.decision_point}-{self.revision}"
        )


def folder(root: Path, project_id: str) -> Path:
    return Path(root) / BASELINES_DIR / project_id


def _file_name(decision_point: str, revision: int) -> str:
    return f"{decision_point}.yaml" if revision == 1 else f"{decision_point}-{revision}.yaml"


def decision_point_of(path: Path) -> str:
    """The decision point a snapshot file belongs to (``BP2-3.yaml`` → ``BP2``)."""
    m = _NAME.match(Path(path).name)
    assert m is not None
    return m.group(1)


def snapshot_files(root: Path, project_id: str | None = None) -> list[Path]:
    """Every snapshot file (of one project, or of all), sorted."""
    base = Path(root) / BASELINES_DIR
    if not base.is_dir():
        return []
    dirs = [base / project_id] if project_id else sorted(p for p in base.iterdir() if p.is_dir())
    return sorted(p for d in dirs if d.is_dir() for p in d.glob("*.yaml") if _NAME.match(p.name))


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _split(text: str) -> tuple[str, str | None]:
    """(body, recorded digest) of a snapshot's text."""
    head, sep, last = text.rstrip("\n").rpartition("\n")
    m = re.fullmatch(rf"{DIGEST_KEY}: ([0-9a-f]{{64}})", last.strip())
    if not sep or not m:
        return text, None
    return head + "\n", m.group(1)


def verify(root: Path) -> list[Issue]:
    """A problem for every snapshot whose bytes no longer match its recorded digest."""
    return [i for path in snapshot_files(root) for i in verify_file(path)]


def read(path: Path) -> Baseline:
    """One snapshot, validated (raises :class:`InputError` when unreadable or tampered)."""
    from gevinst.io.workspace import display

    path = Path(path)
    problems = verify_file(path)
    if problems:
        raise InputError(problems)
    data, _lines = load_yaml(path, display(path))
    try:
        plan = Plan.model_validate(data["plan"])
        return Baseline(
            project=str(data["project"]),
            decision_point=str(data["decision_point"]),
            revision=int(data["revision"]),
            approved_by=str(data.get("approved_by") or ""),
            approved_on=dt.date.fromisoformat(str(data["approved_on"])),
            input_fingerprint=str(data["input_fingerprint"]),
            summary=dict(data.get("summary") or {}),
            plan=plan,
            path=path,
            supersedes=str(data.get("supersedes") or ""),
            reason=str(data.get("reason") or ""),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError([Issue("baseline_invalid", file=display(path), detail=str(exc))]) from None


def verify_file(path: Path) -> list[Issue]:
    from gevinst.io.workspace import display

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [Issue("baseline_invalid", file=display(path), detail=str(exc))]
    body, recorded = _split(text)
    if recorded is None:
        return [
            Issue(
                "baseline_invalid",
                file=display(path),
                field=DIGEST_KEY,
                detail="no content_digest line",
            )
        ]
    if recorded != _digest(body):
        return [
            Issue(
                "baseline_tampered",
                file=display(path),
                field=DIGEST_KEY,
                found=recorded[:12],
                allowed=_digest(body)[:12],
            )
        ]
    return []


def load_all(root: Path, project_id: str) -> list[Baseline]:
    """The project's snapshots, by decision point then revision."""
    out = [read(p) for p in snapshot_files(root, project_id)]
    return sorted(out, key=lambda b: (_ORDER.index(b.decision_point), b.revision))


def current(baselines: list[Baseline]) -> list[Baseline]:
    """The newest revision of each decision point (superseded ones left out)."""
    newest: dict[str, Baseline] = {}
    for b in baselines:
        if b.decision_point not in newest or b.revision > newest[b.decision_point].revision:
            newest[b.decision_point] = b
    return sorted(newest.values(), key=lambda b: _ORDER.index(b.decision_point))


def rank(path: Path) -> tuple[int, int]:
    """(decision point, revision) of a snapshot file, for ordering."""
    m = _NAME.match(path.name)
    assert m is not None
    return _ORDER.index(m.group(1)), int(m.group(2) or 1)


def latest(root: Path, project_id: str) -> Baseline | None:
    """The newest approved baseline of the project (the latest decision point's newest
    revision), or None when none was stored. Only that file is read."""
    files = snapshot_files(root, project_id)
    return read(max(files, key=rank)) if files else None


def write(
    root: Path,
    plan: Plan,
    decision_point: str,
    *,
    approved_by: str,
    approved_on: dt.date,
    recorded_at: dt.datetime,
    input_fingerprint: str,
    summary: dict[str, Any],
    supersede: bool = False,
    reason: str = "",
) -> Path:
    """Store a new snapshot; refuse a second one for the same decision point unless
    ``supersede`` with a ``reason`` (the earlier ones are kept). Atomic."""
    from gevinst.io.workspace import display

    pid = plan.project.id
    existing = sorted(
        (p for p in snapshot_files(root, pid) if _NAME.match(p.name).group(1) == decision_point),
        key=rank,
    )
    revision = 1 + max((rank(p)[1] for p in existing), default=0)
    if existing and not (supersede and reason.strip()):
        raise InputError(
            [
                Issue(
                    "baseline_exists",
                    file=display(existing[-1]),
                    field="decision_point",
                    found=decision_point,
                    detail="" if not supersede else "--reason is required with --supersede",
                )
            ]
        )
    previous = existing[-1].name if existing else ""
    body = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "project": pid,
        "decision_point": decision_point,
        "revision": revision,
        "approved_by": approved_by,
        "approved_on": approved_on.isoformat(),
        "recorded_at": recorded_at.isoformat(timespec="seconds"),
        "supersedes": previous,
        "reason": reason.strip(),
        "input_fingerprint": input_fingerprint,
        "summary": summary,
        "plan": plan.model_dump(mode="json"),
    }
    text = dump_yaml(body)
    text += f"{DIGEST_KEY}: {_digest(text)}\n"
    target = folder(root, pid) / _file_name(decision_point, revision)
    if target.exists():  # never overwrite a snapshot
        raise InputError([Issue("baseline_exists", file=display(target), found=decision_point)])
    write_text(target, text)
    return target
