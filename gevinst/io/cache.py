"""A results cache on disk, shared by every gevinst process of one user (issue 13).

What is kept, each under a key that is a digest of *everything* it was computed from:

- ``plan``: a validated plan, keyed by the bytes of the plan file and the
  workspace config as validated (its JSON); ``register``: its validated
  measurement rows, keyed by the bytes of the register, the plan's key and the
  date (future dates in a register are judged against today). Files with errors
  are never kept: their messages are made afresh, in the language asked for.
- ``analysis``: a :class:`~gevinst.model.cba.CbaResult`, keyed by the plan and the
  workspace as validated (their JSON), the arguments of
  :func:`gevinst.model.cba.analyse` and the code. The analysis is pure and its
  Monte Carlo seeded, so a result read back is the result that would be computed.

"The code" is a digest of the size and modification time of every file of the
installed ``gevinst`` package and the versions of Python, numpy, pandas and
pydantic: a new version, an edited source file or an upgraded library gives new
keys, and old entries are simply not read again.

Where this pays: ``status``, ``portfolio`` and ``report`` run every night on a
workspace where a few plans changed; ``check`` has read and validated every plan
already; a report batch's kernels and the portfolio notebook read the same 120
plans and registers. A plan read back costs an unpickling (about 2 ms with its
register, against 7 ms to parse and validate), an analysis 0.4 ms against 10 ms.

Where: ``$GEVINST_CACHE_DIR``, else ``$XDG_CACHE_HOME/gevinst``, else
``~/.cache/gevinst``; made with mode 0700 and only entries owned by the user are
read (they are pickles: whoever can write them can run code as the reader).
``GEVINST_CACHE=off`` (or 0/no/false) turns it off. Each kind holds at most
:data:`MAX_ENTRIES` entries; the least recently written go first. Every entry is
written to a temporary file and renamed into place, so readers never see half an
entry; an entry that cannot be read is treated as absent and removed. A cache that
cannot be written (read-only home, full disk) is skipped silently: it only ever
saves time.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import platform
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

MAX_ENTRIES = 1024
"""Entries kept per kind: at most some 175 MB of analyses (about 170 kB each, most of it
the Monte Carlo draws), 10 MB of plans and 40 MB of registers – a 120-project workspace
and its variants several times over."""

_PRUNE_EVERY = 64
"""Writes between two checks of a kind's size."""

_OFF = {"0", "off", "no", "false"}
_writes = 0


def directory() -> Path | None:
    """The cache folder, or None when the cache is off."""
    if os.environ.get("GEVINST_CACHE", "").strip().lower() in _OFF:
        return None
    explicit = os.environ.get("GEVINST_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gevinst"


@functools.cache
def code_fingerprint() -> bytes:
    """A digest of the installed package's files (name, size, mtime) and library versions."""
    from importlib import metadata

    def version(dist: str) -> str:  # from the metadata: importing pandas costs 0.3 s
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "-"

    h = hashlib.blake2b(digest_size=16)
    libraries = "|".join(version(d) for d in ("numpy", "pandas", "pydantic", "pydantic-core"))
    h.update(f"{sys.version}|{platform.machine()}|{libraries}".encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        try:
            st = path.stat()
        except OSError:
            continue
        h.update(f"{path.relative_to(package)}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.digest()


def key(*parts: bytes | str) -> str:
    """The hex digest of ``parts`` and :func:`code_fingerprint`."""
    h = hashlib.blake2b(code_fingerprint(), digest_size=20)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


_MISS = object()


def _path(kind: str, digest: str) -> Path | None:
    folder = directory()
    return None if folder is None else folder / kind / f"{digest}.pkl"


def get(kind: str, digest: str) -> Any:
    """The entry, or :data:`MISS` (absent, unreadable, not ours, or the cache off)."""
    path = _path(kind, digest)
    if path is None:
        return _MISS
    try:
        with open(path, "rb") as fh:
            if hasattr(os, "getuid") and os.fstat(fh.fileno()).st_uid != os.getuid():
                return _MISS
            return pickle.load(fh)
    except FileNotFoundError:
        return _MISS
    except Exception:  # a damaged or foreign entry: forget it
        with contextlib.suppress(OSError):
            path.unlink()
        return _MISS


MISS = _MISS
"""What :func:`get` returns for an entry it does not have."""


def put(kind: str, digest: str, value: Any) -> None:
    """Keep ``value``; never raises (a cache that cannot be written is skipped)."""
    global _writes
    path = _path(kind, digest)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except Exception:
        return
    _writes += 1
    if _writes % _PRUNE_EVERY == 0:
        prune(kind)


def prune(kind: str, limit: int = MAX_ENTRIES) -> int:
    """Remove the oldest entries of ``kind`` beyond ``limit``; how many were removed."""
    folder = directory()
    if folder is None:
        return 0
    try:
        entries = [(e.stat().st_mtime_ns, e.path) for e in os.scandir(folder / kind)
                   if e.name.endswith(".pkl")]  # fmt: skip
    except OSError:
        return 0
    removed = 0
    for _, path in sorted(entries)[: max(0, len(entries) - limit)]:
        try:
            os.unlink(path)
            removed += 1
        except OSError:
            pass
    return removed


def sizes() -> dict[str, tuple[int, int]]:
    """Kind → (entries, bytes) of what the cache holds; kinds without entries left out."""
    folder = directory()
    out: dict[str, tuple[int, int]] = {}
    if folder is None or not folder.is_dir():
        return out
    for kind in sorted(p for p in folder.iterdir() if p.is_dir()):
        files = list(kind.glob("*.pkl"))
        if files:
            out[kind.name] = (len(files), sum(f.stat().st_size for f in files))
    return out


def clear() -> int:
    """Remove every entry of every kind; how many were removed."""
    folder = directory()
    if folder is None or not folder.is_dir():
        return 0
    removed = 0
    for kind in folder.iterdir():
        if kind.is_dir():
            removed += prune(kind.name, limit=0)
    return removed


def memo(
    kind: str, digest: str, compute: Callable[[], T], keep: Callable[[], bool] | None = None
) -> T:
    """The entry under ``digest``, else ``compute()`` kept and returned.

    An exception from ``compute`` is not kept: it propagates, and the next call
    computes again. ``keep``, when given, is asked after computing whether the
    value may be kept (e.g. the file it was read from has not changed meanwhile).
    """
    hit = get(kind, digest)
    if hit is not _MISS:
        return hit
    value = compute()
    if keep is None or keep():
        put(kind, digest, value)
    return value


def analyse(plan: Any, workspace: Any, **kwargs: Any) -> Any:
    """:func:`gevinst.model.cba.analyse` through the cache (default assumptions only).

    The same arguments as the model's function, keyword-only after the first two;
    with ``assumptions`` given, or the cache off, it simply computes.
    """
    from gevinst.model import cba

    if "assumptions" in kwargs or directory() is None:
        return cba.analyse(plan, workspace, **kwargs)
    digest = key(
        "analysis",
        plan.model_dump_json(),
        workspace.model_dump_json(),
        repr(sorted(kwargs.items())),
    )
    return memo("analysis", digest, lambda: cba.analyse(plan, workspace, **kwargs))
