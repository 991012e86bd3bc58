"""The portfolio board's adopted criteria sets (kriteriesett) and their versions.

A criteria set is adopted by a body on a date («Porteføljestyret 14.03.2026»)
and never edited afterwards: a changed set is a new version with a new id
(``supersedes`` names the old one). The fingerprint (:func:`fingerprint`) is a
SHA-256 over the adopted content — id, body, date and weights — recorded in
``gevinst.yaml`` when the set is adopted; ``gevinst check`` refuses a set whose
content no longer matches it (:func:`criteria_issues`), so an edit cannot pass
unnoticed. The ranking (:func:`gevinst.model.portfolio.prioritise`) uses the
set in force (:func:`set_in_force`) and names it (:func:`set_label`).
"""

from __future__ import annotations

import hashlib
import json

from gevinst.errors import Issue
from gevinst.model.schema import CriteriaSet, Workspace


def fingerprint(cs: CriteriaSet) -> str:
    """The first 16 hex digits of SHA-256 over the set's adopted content (canonical JSON).

    >>> import datetime as dt
    >>> cs = CriteriaSet(id="k1", adopted_by="Styret", adopted_on=dt.date(2026, 3, 14),
    ...                  weights={"npv": 1.0})
    >>> len(fingerprint(cs)), fingerprint(cs) == fingerprint(cs.model_copy())
    (16, True)
    """
    content = {
        "id": cs.id,
        "adopted_by": cs.adopted_by,
        "adopted_on": cs.adopted_on.isoformat(),
        "weights": {k: float(v) for k, v in sorted(cs.weights.items())},
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def set_in_force(workspace: Workspace) -> CriteriaSet | None:
    """``workspace.criteria_set`` if given, else the latest adopted set (None: no sets)."""
    sets = workspace.criteria_sets
    if not sets:
        return None
    if workspace.criteria_set:
        for cs in sets:
            if cs.id == workspace.criteria_set:
                return cs
        return None
    return max(sets, key=lambda cs: (cs.adopted_on, cs.id))


def set_label(cs: CriteriaSet | None, lang: str = "nb") -> str:
    """«kriterier-2026-1, vedtatt av Porteføljestyret 14.03.2026» (or the workspace weights)."""
    if cs is None:
        return (
            "prioritisation weights in gevinst.yaml (no adopted criteria set)"
            if lang == "en"
            else "prioriteringsvektene i gevinst.yaml (ikke et vedtatt kriteriesett)"
        )
    day = cs.adopted_on.strftime("%d.%m.%Y")
    return (
        f"{cs.id}, adopted by {cs.adopted_by} {day}"
        if lang == "en"
        else f"{cs.id}, vedtatt av {cs.adopted_by} {day}"
    )


def weights_in_force(workspace: Workspace) -> dict[str, float]:
    """The weights the ranking uses: the set in force's, else ``workspace.prioritisation``."""
    cs = set_in_force(workspace)
    source = workspace.prioritisation if cs is None else cs.weights
    return {k: float(v) for k, v in source.items()}


def criteria_issues(workspace: Workspace, *, lang: str = "nb") -> list[Issue]:
    """Problems with the criteria sets: duplicate versions, an unknown set in force, a
    set edited after adoption or without a recorded fingerprint."""
    en = lang == "en"
    out: list[Issue] = []
    seen: set[str] = set()
    for k, cs in enumerate(workspace.criteria_sets):
        key = f"criteria_sets[{k}]"
        if cs.id in seen:
            out.append(
                Issue(
                    "duplicate_id",
                    key=f"{key}.id",
                    field="id",
                    found=cs.id,
                    detail="a new version needs a new id"
                    if en
                    else "en ny versjon trenger en ny ID",
                )
            )
        seen.add(cs.id)
        expected = fingerprint(cs)
        if not cs.fingerprint:
            out.append(
                Issue(
                    "missing",
                    key=f"{key}.fingerprint",
                    field="fingerprint",
                    allowed=expected,
                    detail="record the fingerprint when the set is adopted"
                    if en
                    else "før inn fingeravtrykket når settet er vedtatt",
                )
            )
        elif cs.fingerprint != expected:
            out.append(
                Issue(
                    "edited_adopted_set",
                    key=key,
                    field="weights",
                    found=cs.fingerprint,
                    allowed=expected,
                    detail=(
                        "an adopted criteria set was changed: restore it and add the change as "
                        "a new version (new id, supersedes)"
                        if en
                        else "et vedtatt kriteriesett er endret: sett det tilbake og legg endringen "
                        "inn som en ny versjon (ny ID, erstatter)"
                    ),
                )
            )
    for k, cs in enumerate(workspace.criteria_sets):
        if cs.supersedes and cs.supersedes not in seen:
            out.append(
                Issue(
                    "unknown_reference",
                    key=f"criteria_sets[{k}].supersedes",
                    field="supersedes",
                    found=cs.supersedes,
                    allowed=", ".join(sorted(seen)),
                )
            )
    if workspace.criteria_set and workspace.criteria_set not in seen:
        out.append(
            Issue(
                "unknown_reference",
                key="criteria_set",
                field="criteria_set",
                found=workspace.criteria_set,
                allowed=", ".join(sorted(seen)) or "–",
            )
        )
    return out


__all__ = ["criteria_issues", "fingerprint", "set_in_force", "set_label", "weights_in_force"]
