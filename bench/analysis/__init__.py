"""The offline analysis: everything that reads saved runs, one job per module.

- ``table``: the case table every other module reads (one row per case, passes pooled) and the run's ``Facts``;
- ``quantities`` and ``memory``: the figures compared between runs and interpreters, and the slopes per
  added unit (memory, start-up);
- ``verdict/``: which model wins each workload, in words, with its confidence;
- ``figures/``: every figure, each drawn with the one kit (``figures.kit``);
- ``report/``: a run's folder of PNGs and its ``index.md`` (the catalogue of its figures, its page, its tables);
- ``compare`` (``compare_runs``, ``compare_table``, ``compare_text``): saved runs against each other;
- ``side_by_side``: the interpreters of one run against each other; ``summary``: the table printed after a run;
- ``wording``: what the report's page and its figures both say.

It reads JSON only: it never starts a worker, the server or pytest, so a run from any machine can be
analysed anywhere. pandas and matplotlib live here and nowhere else.
"""
