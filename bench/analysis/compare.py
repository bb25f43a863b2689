"""``python -m bench compare A B [C...]``: saved runs side by side, each against the first, with significance.

Two runs made at different times saw different speed phases of the machine
(DESIGN decision 8), so the figures compared come in two tables: first the
paired ones (speedup, effective cores, time against the ideal), in which drift
within each run cancels; then the absolute round times, labelled as exposed to
drift. ``compare.csv`` holds every compared figure, one row each, with its
interval and verdict. One job per module, and this one names them for whoever
compares (the command, the A/A check):

- ``compare_runs``: the runs, loaded, labelled and checked comparable (``load``);
- ``compare_table``: every compared figure with its ratio, interval and verdict (``table``), and the
  regression rule (``regressions``);
- ``compare_text``: what is printed (``header``, ``report_text``, ``summary``);
- ``figures.compare``: its figure (``figure``).

The command's arguments, and what it writes, are ``bench.cli.compare``; what stays here is the compare
job's API, named below (``__all__``) for the command and the A/A check.
"""

from __future__ import annotations

from .compare_runs import labels, load
from .compare_table import DRIFT_BASIS, PAIRED_BASIS, regressions, table
from .compare_text import header, report_text, summary
from .figures.compare import figure
from .quantities import NOT_IN

__all__ = [
    "DRIFT_BASIS",
    "NOT_IN",
    "PAIRED_BASIS",
    "figure",
    "header",
    "labels",
    "load",
    "regressions",
    "report_text",
    "summary",
    "table",
]
