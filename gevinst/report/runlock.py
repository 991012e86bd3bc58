"""The lock on a report output folder, with who holds it written inside.

``OUT/.gevinst.lock`` is locked with ``flock`` (``fcntl``; elsewhere the
``filelock`` package) for as long as a run writes to ``OUT``: a second run gets
:class:`ReportsLocked`. The operating system releases the lock when the process
holding it ends, however it ends; so a lock file left behind by a run that was
killed does not block the next run. While locked, the file holds one JSON line
naming the holder: ``{"pid", "host", "started", "group"}`` (``group`` is the
process group of the run's workers, once they run); a clean end empties it.

Two cases are told apart with that line:

- the next run finds the file not empty but unlocked: the run that wrote it was
  killed (:attr:`RunLock.stale` says who; ``gevinst report`` mentions it);
- the next run finds it locked by a pid that is no longer running on this host:
  processes the killed run left behind still hold it (:class:`ReportsLocked`
  says so, with the group to stop).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any

from gevinst.report.lifecycle import alive

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]


class ReportsLocked(Exception):
    """Another run holds the lock on the output folder."""

    def __init__(self, lock_path: Path, holder: dict[str, Any] | None = None):
        self.lock_path = lock_path
        self.holder = holder or {}
        super().__init__(f"another gevinst report run holds {lock_path}")

    @property
    def holder_dead(self) -> bool:
        """The pid in the lock file ran on this host and is gone (its leftovers hold it)."""
        pid = self.holder.get("pid")
        return (
            isinstance(pid, int)
            and self.holder.get("host") == socket.gethostname()
            and not alive(pid)
        )

    def format(self, lang: str = "nb") -> str:
        en = lang == "en"
        who = _who(self.holder, lang)
        if self.holder_dead:
            group = self.holder.get("group")
            stop = f" (kill -TERM -{group})" if isinstance(group, int) and group > 0 else ""
            if en:
                return (
                    f"The lock {self.lock_path} is held, but the run that took it ({who}) is no "
                    f"longer running: processes it left behind still hold it. Stop them{stop} "
                    "and try again."
                )
            return (
                f"Låsen {self.lock_path} holdes, men kjøringen som tok den ({who}), kjører ikke "
                f"lenger: prosesser den etterlot seg, holder den fortsatt. Stopp dem{stop}, "
                "og prøv igjen."
            )
        if en:
            return (
                f"Another report run is writing to {self.lock_path.parent} right now "
                f"(lock: {self.lock_path}, held by {who}). Wait until it has finished and "
                "try again."
            )
        return (
            f"En annen rapportkjøring skriver til {self.lock_path.parent} akkurat nå "
            f"(lås: {self.lock_path}, holdt av {who}). Vent til den er ferdig, og prøv igjen."
        )


def _who(holder: dict[str, Any], lang: str) -> str:
    if not holder:
        return "ukjent prosess" if lang != "en" else "unknown process"
    started = str(holder.get("started", ""))[:19].replace("T", " ")
    on, since = ("on", "started") if lang == "en" else ("på", "startet")
    return f"pid {holder.get('pid')} {on} {holder.get('host')}, {since} {started}"


class RunLock:
    """``with RunLock(path, timeout):`` – the output folder is ours inside the block."""

    def __init__(self, path: Path, timeout: float = 0):
        self.path = Path(path)
        self.timeout = timeout
        self.fd: int | None = None
        self.stale: dict[str, Any] = {}
        """Who held the lock last without releasing it (a killed run), else ``{}``."""
        self._fallback: Any = None
        self._mutex = threading.Lock()  # update() may run in another thread than release()
        self._holder: dict[str, Any] = {}

    def __enter__(self) -> RunLock:
        if self.fd is None and self._fallback is None:
            self.acquire()
        return self

    def acquire(self) -> RunLock:
        """Take the lock, or raise :class:`ReportsLocked` after ``timeout`` seconds."""
        if fcntl is None:
            return self._enter_fallback()
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        deadline = time.monotonic() + max(self.timeout, 0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _read(fd)
                    os.close(fd)
                    raise ReportsLocked(self.path, holder) from None
                time.sleep(0.1)
        self.fd = fd
        self.stale = _read(fd)
        self.update()
        return self

    def update(self, **extra: Any) -> None:
        """Write who holds the lock (and ``extra``, e.g. the workers' ``group``)."""
        with self._mutex:
            if self.fd is None:
                return
            self._holder = {**self._holder, **extra}
            self._holder.setdefault("pid", os.getpid())
            self._holder.setdefault("host", socket.gethostname())
            self._holder.setdefault(
                "started", dt.datetime.now().astimezone().replace(microsecond=0).isoformat()
            )
            data = (json.dumps(self._holder) + "\n").encode("utf-8")
            with contextlib.suppress(OSError):  # informative only: a full disk must not stop a run
                os.ftruncate(self.fd, 0)
                os.pwrite(self.fd, data, 0)

    def __exit__(self, *exc: Any) -> None:
        self.release()

    def release(self) -> None:
        if self._fallback is not None:
            self._fallback.release()
            self._fallback = None
            return
        with self._mutex:
            if self.fd is not None:
                with contextlib.suppress(OSError):
                    os.ftruncate(self.fd, 0)  # empty: ended cleanly
                with contextlib.suppress(OSError):
                    fcntl.flock(self.fd, fcntl.LOCK_UN)
                os.close(self.fd)
                self.fd = None

    def _enter_fallback(self) -> RunLock:
        from filelock import FileLock, Timeout

        lock = FileLock(str(self.path), timeout=self.timeout)
        try:
            lock.acquire()
        except Timeout:
            raise ReportsLocked(self.path) from None
        self._fallback = lock
        return self


def _read(fd: int) -> dict[str, Any]:
    try:
        text = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
        data = json.loads(text) if text else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
