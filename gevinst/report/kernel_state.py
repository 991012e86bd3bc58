"""Runs *inside* a report kernel that gevinst keeps warm between notebooks.

Starting a Python kernel and importing pandas, matplotlib and gevinst costs
seconds; the report notebooks themselves often run in less. So each report
worker keeps one kernel and, between two notebooks, puts it back to the state of
a fresh kernel whose imports are already done (:func:`reset`):

- the user namespace is emptied and the execution counter starts at 1 again
  (``InteractiveShell.reset(new_session=True)``), so a notebook sees none of the
  previous notebook's variables and numbers its cells as a fresh kernel would;
- open matplotlib figures are closed and ``rcParams`` are restored to the values
  they had after start-up (the inline backend's settings included);
- pandas options, warning filters, ``sys.path`` and the working folder are restored.

The kernel also guards itself (:func:`guard_parent`): when the worker that
started it dies, it removes its connection file and socket folder and exits.

Imported modules stay in ``sys.modules``: that is the point. A notebook that
changes a module's globals (monkey-patching) would leak into the next one; report
notebooks only call functions, and ``tests/test_report_runner.py`` checks that a
variable defined by one notebook is not visible to the next.
"""

from __future__ import annotations

import gc
import io
import os
import sys
import warnings
from typing import Any

WARM_MODULES = (
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "IPython.display",
    "gevinst",
    "gevinst.model.schema",
    "gevinst.io.workspace",
    "gevinst.report.text",
    "gevinst.report.tables",
    "gevinst.report.figures",
)
"""Imported at start-up (each one if it can be): what every report notebook needs."""

_SNAPSHOT: dict[str, Any] = {}


def warm_up(modules: tuple[str, ...] = WARM_MODULES) -> None:
    """Import the usual modules, render one tiny figure (fonts, Agg), freeze what is
    loaded for the garbage collector (``gc.freeze``), then :func:`snapshot`."""
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # a module that cannot load is simply not warm
            continue
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        fig = plt.figure(figsize=(1, 1))
        fig.gca().plot([0, 1], [0, 1])
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)
    # what is loaded now lives as long as the kernel: keep it out of the garbage
    # collector's way (fewer objects to traverse in every full collection)
    gc.collect()
    gc.freeze()
    snapshot()


def guard_parent(worker: int, folder: str | None = None) -> None:
    """End this kernel when the worker process ``worker`` (its parent) dies: a
    parent-death signal (Linux), and on SIGTERM the connection file and the private
    socket ``folder`` are removed before the kernel exits. ipykernel's own parent
    poller (``JPY_PARENT_PID``) exits within a second too, but leaves the files."""
    import shutil
    import signal

    from gevinst.report import lifecycle

    def cleanup() -> None:
        try:
            from ipykernel.kernelapp import IPKernelApp

            connection_file = IPKernelApp.instance().abs_connection_file
        except Exception:
            connection_file = ""
        if connection_file and os.path.exists(connection_file):
            os.remove(connection_file)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)

    signal.signal(signal.SIGTERM, lambda signum, frame: lifecycle.on_terminate(cleanup, signum))
    lifecycle.set_parent_death_signal(signal.SIGTERM)
    if os.getppid() != worker:  # the worker died before the signal was set
        lifecycle.on_terminate(cleanup, signal.SIGTERM)


def snapshot() -> None:
    """Remember the state that :func:`reset` restores."""
    _SNAPSHOT.clear()
    mpl = sys.modules.get("matplotlib")
    if mpl is not None:
        _SNAPSHOT["rc"] = dict(mpl.rcParams)
    _SNAPSHOT["filters"] = list(warnings.filters)
    _SNAPSHOT["path"] = list(sys.path)
    _SNAPSHOT["cwd"] = os.getcwd()


def reset(cwd: str | None = None) -> None:
    """Make the kernel look freshly started (with its imports done); then ``chdir(cwd)``."""
    from IPython import get_ipython

    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")
    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mpl = sys.modules.get("matplotlib")
        if mpl is not None and "rc" in _SNAPSHOT:
            mpl.rcParams.update(_SNAPSHOT["rc"])
        pd = sys.modules.get("pandas")
        if pd is not None:
            pd.reset_option("all")
    if "filters" in _SNAPSHOT:
        warnings.filters[:] = _SNAPSHOT["filters"]
        mutated = getattr(warnings, "_filters_mutated", None)  # clears the "seen once" cache
        if mutated is not None:
            mutated()
    if "path" in _SNAPSHOT:
        sys.path[:] = _SNAPSHOT["path"]
    os.chdir(cwd or _SNAPSHOT.get("cwd") or os.getcwd())
