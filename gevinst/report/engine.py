"""Executing one report notebook with papermill, on a kernel kept warm between notebooks.

papermill's extension point for *how* a notebook is executed is its engine
registry; :class:`GevinstEngine` is registered as ``"gevinst"``. It is papermill's
own nbclient engine with one difference: given a :class:`~gevinst.report.warmkernel.WarmKernel` it runs the
cells on that already-started kernel (reset to a clean namespace first, see
:mod:`gevinst.report.kernel_state`) instead of starting and stopping a kernel per
notebook. Without one it starts a fresh kernel, exactly like papermill.

:func:`execute` does what ``papermill.execute_notebook`` does – inject the
parameters after the cell tagged ``parameters``, record papermill's metadata, run,
and on an error put papermill's error banner at the top – but returns the executed
notebook *and* the error instead of raising, so that a failed report can be kept
for inspection.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine, papermill_engines
from papermill.exceptions import PapermillExecutionError
from papermill.execute import (
    prepare_notebook_metadata,
    raise_for_execution_errors,
    remove_error_markers,
)
from papermill.parameterize import parameterize_notebook
from papermill.utils import remove_args

from gevinst.report.warmkernel import DEFAULT_KERNEL, WarmKernel

log = logging.getLogger("gevinst.report")

ENGINE_NAME = "gevinst"


class GevinstEngine(Engine):
    """papermill's nbclient engine, on a :class:`WarmKernel` when one is given."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        warm_kernel: WarmKernel | None = None,
        cwd=None,
        **kwargs,
    ):
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        client = PapermillNotebookClient(
            nb_man,
            km=warm_kernel.km if warm_kernel is not None else None,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=log,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
            **kwargs,
        )
        if warm_kernel is not None:
            warm_kernel.prepare(cwd)
            client.kc = warm_kernel.kc  # setup_kernel() then neither starts nor stops anything
            return client.execute()
        return client.execute(cwd=str(cwd) if cwd else None)


papermill_engines.register(ENGINE_NAME, GevinstEngine)


@dataclass
class Executed:
    """The executed notebook, and what went wrong if anything did."""

    nb: Any
    error: str = ""
    """``""`` on success; else ``"ExceptionName: message"`` (cell number when known)."""
    kernel_suspect: bool = False
    """The failure was not an exception in a cell (the kernel died, a cell timed out):
    a warm kernel should be restarted before it runs another notebook."""


def kernel_name_of(nb) -> str:
    return (nb.metadata.get("kernelspec") or {}).get("name") or DEFAULT_KERNEL


def execute(
    template,
    parameters: dict[str, Any],
    *,
    input_path: str = "",
    output_path: str = "",
    cwd: str | Path | None = None,
    warm_kernel: WarmKernel | None = None,
    timeout: float | None = None,
    metadata: dict[str, Any] | None = None,
) -> Executed:
    """Parameterise and run a notebook (``NotebookNode``, not changed); never raises.

    ``metadata`` is stored as ``nb.metadata.gevinst`` before execution, so the
    executed notebook carries it too.
    """
    nb = copy.deepcopy(template)
    try:
        kernel_name = kernel_name_of(nb)
        nb = parameterize_notebook(
            nb,
            parameters,
            report_mode=False,
            kernel_name=kernel_name,
            language="python",
            engine_name=ENGINE_NAME,
        )
        nb = prepare_notebook_metadata(nb, input_path, output_path, False)
        nb = remove_error_markers(nb)
        if metadata is not None:
            nb.metadata["gevinst"] = metadata
        nb = papermill_engines.execute_notebook_with_engine(
            ENGINE_NAME,
            nb,
            kernel_name=kernel_name,
            input_path=input_path,
            output_path=None,
            progress_bar=False,
            log_output=False,
            start_timeout=60,
            execution_timeout=timeout,
            warm_kernel=warm_kernel,
            cwd=cwd,
        )
    except Exception as exc:  # the kernel died, a cell timed out, ...
        return Executed(nb, f"{type(exc).__name__}: {exc}".strip(), kernel_suspect=True)
    try:
        raise_for_execution_errors(nb, None)  # adds papermill's error banner in place
    except PapermillExecutionError as exc:
        where = f" (celle {exc.exec_count})" if exc.exec_count else ""
        return Executed(nb, f"{exc.ename}: {exc.evalue}{where}")
    return Executed(nb)


def read_notebook(path: Path):
    """Read a notebook as papermill does (with the ``tags`` and ``papermill`` metadata it expects)."""
    from papermill.iorw import load_notebook_node

    return load_notebook_node(str(path))
