"""Every figure of the analysis, one module per kind, each drawn with the one kit (``kit``).

- ``timed``: figures of timed workloads: speedup, effective cores, throughput, time against the ideal;
- ``heatmap``: the per-core timeline of a case (the GIL picture);
- ``measured``: what workloads timed inside their rounds (costs per kind, figures against workers);
- ``verdict``: the verdict at a glance;
- ``compare`` and ``interpreters``: ratios between runs, and between interpreters of one run.

They draw on plain ``matplotlib.figure.Figure`` objects, never pyplot: no global
state and no GUI backend (saving a PNG uses Agg), and tests inspect the axes,
lines and titles rather than pixels. A figure function returns its Figure, or
None when the run lacks its data. Which workload is drawn how comes from the
workloads' own facts (``figure``, ``heatmap``, ``judged_by``), and each
executor's colour and place from the executors'; which figures a report holds
is its catalogue's to say (``bench.analysis.report.catalogue``).
"""
