"""Changes to several workspace files at once: all of them or none.

An Excel import changes a plan (``projects/<id>.yaml``) and its register
(``measurements/<id>.csv``) together. :func:`commit` makes that one step:

1. every new file is written in full beside its target as a temporary file and synced;
2. a journal (``.gevinst-journal.json`` in the workspace) lists the renames, and is
   itself written atomically and synced: from here on the change counts as made;
3. the temporary files are renamed over their targets, one by one;
4. the journal is removed.

A process killed before step 2 leaves the old files (and a temporary file, which
every reader ignores); killed after it, :func:`recover` – run at the start of every command that opens the
workspace – finishes the renames. Either way no command ever sees the plan without
its register or the other way round.

:func:`workspace_lock` is the lock every writer of the workspace holds. Its file lives
in the system's temporary folder (keyed by the workspace's resolved path), never in
the versioned workspace.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from filelock import FileLock

JOURNAL_NAME = ".gevinst-journal.json"
TMP_PREFIX = ".gevinst-tmp-"


def lock_path(root: Path) -> Path:
    """Where the lock of the workspace at ``root`` lives (outside the workspace)."""
    key = hashlib.sha256(str(Path(root).resolve()).encode()).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / "gevinst-locks"
    folder.mkdir(mode=0o777, exist_ok=True)
    return folder / f"{key}.lock"


def workspace_lock(root: Path, timeout: float = 30) -> FileLock:
    """The lock held by every writer of the workspace's plans and registers."""
    return FileLock(str(lock_path(root)), timeout=timeout)


def _sync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _stage(target: Path, data: bytes) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
        os.chmod(tmp, mode)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def commit(root: Path, files: Mapping[Path, bytes]) -> list[Path]:
    """Replace every ``files`` target with its bytes, all or none (see the module doc).

    Call it holding :func:`workspace_lock`. Returns the targets written.
    """
    root = Path(root)
    journal = root / JOURNAL_NAME
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in files.items():
            staged.append((_stage(Path(target), data), Path(target)))
        body = json.dumps(
            {"renames": [[str(t.relative_to(root)), str(p.relative_to(root))] for t, p in staged]}
        ).encode()
        tmp_journal = _stage(journal, body)
        os.replace(tmp_journal, journal)
        _sync_dir(root)
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        raise
    _finish(root, journal, staged)
    return [p for _, p in staged]


def _finish(root: Path, journal: Path, staged: list[tuple[Path, Path]]) -> None:
    for tmp, target in staged:
        if tmp.exists():
            os.replace(tmp, target)
            _sync_dir(target.parent)
    journal.unlink()
    _sync_dir(root)


def recover(root: Path) -> bool:
    """Finish a :func:`commit` that was interrupted after its journal was written.

    Cheap when there is nothing to do (one ``stat``). Returns whether it recovered.
    """
    root = Path(root)
    journal = root / JOURNAL_NAME
    if not journal.exists():
        return False
    with workspace_lock(root):
        if not journal.exists():  # another process finished it meanwhile
            return False
        try:
            data = json.loads(journal.read_text(encoding="utf-8"))
            pairs = [(root / t, root / p) for t, p in data["renames"]]
        except (ValueError, KeyError, TypeError):
            # a journal that was never completely written cannot exist (it is renamed
            # into place whole); anything else is not ours to act on
            return False
        for tmp, target in pairs:
            if not _inside(tmp, root) or not _inside(target, root):
                return False
        _finish(root, journal, pairs)
    return True


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


__all__ = [
    "JOURNAL_NAME",
    "commit",
    "lock_path",
    "recover",
    "workspace_lock",
]
