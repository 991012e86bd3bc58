"""Reports: figures, tables and text for the notebooks, and the batch machinery that
runs the report notebooks and exports the steering-group HTML.

- :mod:`gevinst.report.figures`, :mod:`~gevinst.report.tables`, :mod:`~gevinst.report.text`:
  what the notebooks display (testable without a kernel).
- :mod:`gevinst.report.runner`: ``run_reports`` – run the project and portfolio
  notebooks with papermill over a pool of workers and write ``OUT/<as-of>/``.
- :mod:`gevinst.report.export`: notebook → self-contained, accessible HTML (sanitized
  with nh3).
- :mod:`gevinst.report.lifecycle`: the run's process group, signals and parent-death
  guards, so that no worker or kernel outlives a run; :mod:`~gevinst.report.runlock`:
  the lock on the output folder, naming its holder.
- :mod:`gevinst.report.fingerprint`: the input-data fingerprint in the report footer.

This ``__init__`` imports nothing on purpose: the report notebooks' kernels import
the figure helpers, and must not pay for papermill or nbconvert.
"""
