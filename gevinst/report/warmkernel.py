"""A kernel kept warm between report notebooks (one per report worker).

Starting a kernel and importing pandas, matplotlib and gevinst in it costs
seconds, the report notebooks themselves often less. A :class:`WarmKernel` is
started once per worker, warmed up (:func:`gevinst.report.kernel_state.warm_up`)
and then, before each notebook, reset to a clean namespace
(:func:`gevinst.report.kernel_state.reset`); a kernel that died is replaced.
The papermill engine in :mod:`gevinst.report.engine` runs the cells on it.

Nothing of a kernel outlives its worker: on Linux its sockets *and* its
connection file (which holds the key that signs the kernel's messages) live in a
private folder (mode 0700) that :meth:`WarmKernel.shutdown` and
:meth:`WarmKernel.kill_now` remove, and the kernel ends itself when the worker
dies (:func:`gevinst.report.kernel_state.guard_parent`, set up in :meth:`ready`).

This module imports neither papermill nor nbconvert, so that a worker can launch
its kernel first and import those while the kernel boots.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

from jupyter_core.utils import run_sync

DEFAULT_KERNEL = "python3"
HISTORY_IN_MEMORY = "--HistoryManager.hist_file=:memory:"


class WarmKernel:
    """One started kernel, reused for notebook after notebook in one worker."""

    def __init__(self, kernel_name: str = DEFAULT_KERNEL, startup_timeout: float = 60):
        self.kernel_name = kernel_name
        self.startup_timeout = startup_timeout
        self.km: Any = None
        self.kc: Any = None
        self.notebooks_run = 0
        self._sockets = ""

    # -- life cycle
    def start(self) -> WarmKernel:
        """Start the kernel and import the usual modules in it; ready to run notebooks."""
        return self.launch().ready()

    def launch(self) -> WarmKernel:
        """Start the kernel process and return at once (see :meth:`ready`)."""
        from jupyter_client.manager import AsyncKernelManager

        # IPC sockets in a private folder rather than TCP ports: local only, and no
        # race for free ports (or for jupyter_client's default "kernel-ipc" path in
        # the working folder) between workers that start kernels at the same moment
        if sys.platform.startswith("linux"):
            self._sockets = tempfile.mkdtemp(prefix="gevinst-kernel-")
            km = AsyncKernelManager(
                kernel_name=self.kernel_name,
                transport="ipc",
                ip=os.path.join(self._sockets, "k"),
                connection_file=os.path.join(self._sockets, "kernel.json"),
            )
        else:
            km = AsyncKernelManager(kernel_name=self.kernel_name)
        try:
            run_sync(km.start_kernel)(extra_arguments=[HISTORY_IN_MEMORY])
        except Exception:
            if self._sockets:
                shutil.rmtree(self._sockets, ignore_errors=True)
                self._sockets = ""
            raise
        self.km = km
        return self

    def ready(self) -> WarmKernel:
        """Wait for the launched kernel, then warm it up (:func:`kernel_state.warm_up`)."""
        kc = self.km.client()
        kc.start_channels()
        self.kc = kc
        try:
            run_sync(kc.wait_for_ready)(timeout=self.startup_timeout)
            kc.allow_stdin = False
            self.run(
                "from gevinst.report import kernel_state as _gk\n"
                f"_gk.guard_parent({os.getpid()}, {self._sockets or None!r})\n"
                "_gk.warm_up()\ndel _gk"
            )
        except Exception:
            self.shutdown()
            raise
        return self

    def alive(self) -> bool:
        return self.km is not None and bool(run_sync(self.km.is_alive)())

    def shutdown(self) -> None:
        km, kc = self.km, self.kc
        self.km = self.kc = None
        if kc is not None:
            kc.stop_channels()
        if km is not None:
            try:
                if run_sync(km.is_alive)():
                    run_sync(km.shutdown_kernel)(now=True)
            finally:
                run_sync(km.cleanup_resources)()
        if self._sockets:
            shutil.rmtree(self._sockets, ignore_errors=True)
            self._sockets = ""

    def kill_now(self) -> None:
        """Kill the kernel at once and remove its files; synchronous, safe in a signal
        handler (no event loop, no messages). The object is unusable afterwards."""
        km, self.km, self.kc = self.km, None, None
        provisioner = getattr(km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        pid = getattr(process, "pid", None)
        if pid:
            pgid = getattr(provisioner, "pgid", None)
            with contextlib.suppress(OSError):
                if pgid and hasattr(os, "killpg") and pgid != os.getpgrp():
                    os.killpg(pgid, signal.SIGKILL)
                else:
                    os.kill(pid, signal.SIGKILL)
        connection_file = getattr(km, "connection_file", "")
        if connection_file:
            with contextlib.suppress(OSError):
                os.remove(connection_file)
        if self._sockets:
            shutil.rmtree(self._sockets, ignore_errors=True)
            self._sockets = ""

    def restart(self) -> None:
        self.shutdown()
        self.start()

    # -- use
    def run(self, code: str, timeout: float = 120) -> None:
        """Run housekeeping code silently; raise if it fails."""
        reply = run_sync(self.kc.execute_interactive)(
            code,
            silent=True,
            store_history=False,
            allow_stdin=False,
            timeout=timeout,
            output_hook=lambda msg: None,
        )
        content = reply.get("content", {})
        if content.get("status") != "ok":
            raise RuntimeError(
                f"kernel housekeeping failed: {content.get('ename')}: {content.get('evalue')}"
            )

    def prepare(self, cwd: str | Path | None) -> None:
        """A clean namespace in folder ``cwd`` – a new kernel if this one has died."""
        if not self.alive():
            self.restart()
        folder = repr(str(cwd)) if cwd else "None"
        self.run(f"from gevinst.report import kernel_state as _gk\n_gk.reset({folder})")
        self.notebooks_run += 1
