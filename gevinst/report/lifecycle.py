"""The life of a report run's processes: one process group, and nothing left behind.

A local ``gevinst report`` run starts worker processes, and each worker starts a
Jupyter kernel. None of them may outlive the run, whatever ends it:

- **SIGTERM, SIGINT (Ctrl-C), SIGHUP to the main process**:
  :func:`interruptible` turns the signal into :class:`RunInterrupted`; the
  run then stops its workers (:func:`stop_group`): SIGTERM to the run's process
  group, SIGKILL to what is left after a grace period.
- **The main process dies (kill -9)**: each worker has asked the kernel for a
  parent-death signal (Linux ``prctl(PR_SET_PDEATHSIG, SIGTERM)``) and also runs
  a watchdog thread that polls its parent (every other platform, and belt and
  braces on Linux); either way :func:`guard_parent` calls the worker's clean-up.
- **A worker dies**: its kernel has its own parent-death signal
  (:func:`gevinst.report.kernel_state.guard_parent`), and ipykernel's own parent
  poller (``JPY_PARENT_PID``) ends it within a second as well.

A worker's clean-up (:func:`on_terminate`) kills its kernels and removes their
connection files and socket folders, then exits at once.

The workers join one process group (:func:`join_run_group`, the first worker
leads it), so that the run can signal them all at once, and so that a Ctrl-C in
the terminal reaches only the main process, which then stops them in order.
Kernels are not in that group: jupyter_client starts each in its own session and
kills a kernel by signalling the kernel's whole group.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

PR_SET_PDEATHSIG = 1
WATCHDOG_SECONDS = 0.5
GRACE_SECONDS = 3.0
"""How long workers get to stop their kernels after SIGTERM before SIGKILL."""

STOP_SIGNALS = tuple(
    s for s in (signal.SIGTERM, signal.SIGINT, getattr(signal, "SIGHUP", None)) if s is not None
)


class RunInterrupted(KeyboardInterrupt):
    """The run was stopped by a signal (SIGTERM, SIGINT, SIGHUP); workers are stopped."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def exit_code(self) -> int:
        """The shell's convention: 128 + the signal number (130 for Ctrl-C, 143 for SIGTERM)."""
        return 128 + self.signum


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Within the block, SIGTERM, SIGINT and SIGHUP raise :class:`RunInterrupted`
    (in the main thread only; elsewhere Python cannot install handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise RunInterrupted(signum)

    previous = {}
    for s in STOP_SIGNALS:
        if signal.getsignal(s) is signal.SIG_IGN:
            continue  # e.g. SIGHUP under nohup: keep ignoring it
        previous[s] = signal.signal(s, handler)
    try:
        yield
    finally:
        for s, old in previous.items():
            signal.signal(s, old)


# --------------------------------------------------------------------------- in a worker


def set_parent_death_signal(signum: int) -> bool:
    """Ask the Linux kernel to send ``signum`` when this process's parent exits."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def guard_parent(cleanup: Callable[[], None], main: int | None = None) -> None:
    """End this process (after ``cleanup``) as soon as its parent – or the run's main
    process ``main``, when that is not the parent (forkserver) – is gone.

    Installs :func:`on_terminate` for SIGTERM and SIGINT, sets the parent-death
    signal to SIGTERM and starts a watchdog thread; if the parent is gone already,
    cleans up at once."""
    parent = os.getppid()
    for s in (signal.SIGTERM, signal.SIGINT):
        signal.signal(s, lambda signum, frame: on_terminate(cleanup, signum))
    set_parent_death_signal(signal.SIGTERM)

    def gone() -> bool:
        return os.getppid() != parent or (main is not None and not alive(main))

    if gone():
        on_terminate(cleanup, signal.SIGTERM)

    def watch() -> None:
        while not gone():
            time.sleep(WATCHDOG_SECONDS)
        os.kill(os.getpid(), signal.SIGTERM)  # the handler runs in the main thread

    threading.Thread(target=watch, name="gevinst-parent-watchdog", daemon=True).start()


def on_terminate(cleanup: Callable[[], None], signum: int) -> None:
    """Run ``cleanup`` (errors ignored) and exit at once with 128 + ``signum``."""
    with contextlib.suppress(BaseException):
        cleanup()
    os._exit(128 + signum)


def join_run_group(leader: Any) -> None:
    """Put this worker into the run's process group; the first worker founds it.

    ``leader`` is a ``multiprocessing.Value("i")`` shared by the run's workers,
    holding the group's id (0 until the first worker has made it)."""
    if not hasattr(os, "setpgid"):
        return
    with leader.get_lock():
        if leader.value:
            try:
                os.setpgid(0, leader.value)
                return
            except OSError:  # the group is gone: found a new one
                pass
        os.setpgid(0, 0)
        leader.value = os.getpid()


# --------------------------------------------------------------------------- in the main process


def stop_group(pgid: int, pids: Iterable[int], grace: float = GRACE_SECONDS) -> None:
    """Stop a run's workers: SIGTERM to the group (or each pid), wait up to
    ``grace`` seconds for them to end, then SIGKILL whatever is left."""
    pids = [p for p in pids if p]
    _signal(pgid, pids, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.05)
    if any(alive(p) for p in pids):
        _signal(pgid, pids, getattr(signal, "SIGKILL", signal.SIGTERM))


def _signal(pgid: int, pids: list[int], signum: int) -> None:
    if pgid and hasattr(os, "killpg") and pgid != os.getpgrp():
        with contextlib.suppress(OSError):
            os.killpg(pgid, signum)
    for p in pids:
        with contextlib.suppress(OSError):
            os.kill(p, signum)


def alive(pid: int) -> bool:
    """Whether process ``pid`` is running: it exists and is not a zombie (an ended
    child not yet reaped; read from /proc where there is one). Never reaps: the
    multiprocessing module reaps its own children."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except (OSError, IndexError):
        return True
