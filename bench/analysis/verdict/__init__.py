"""The verdict: for each workload of a run, which model wins on this machine, in words, with its confidence.

A newcomer asks one question ("threads, processes or coroutines, for this work,
here?") and should not have to dig the answer out of tables. Each paragraph is
built from the saved figures only, never from canned text about a workload, and
what decides comes from the workload's own facts (``judged_by``): ``JUDGES``
maps each judgement of ``bench.vocabulary`` to one function, so a new kind is a
name there and one function more. Executors are known by their facts too (unit,
colour, rank), so one this package has never heard of is judged like any other.

Confidence: each figure that decides comes with a ``stats.CONFIDENCE`` interval
from ``stats.median_interval``, the two-level bootstrap (passes, then rounds
within them). Two results whose intervals overlap are called a tie, never a win.
With one pass per case the intervals see round-to-round noise only, and
``confidence_note`` says so. Unstable and failed cases are named, with what they
weaken: the figures that decide, or only the rest.

One job per module:

- ``model``: the data (``Estimate``, ``Best``, ``Verdict``, and ``Group``, what a judge is given);
- ``judges``: which judge for which workload, and ``verdicts``, the verdicts of a run;
- the judges of timed workloads: ``paired`` (against sequential), ``ideal`` (against the ideal time), and
  ``generic`` (by throughput or time, where a workload's own judge has nothing to read);
- ``measured``: the judges of what workloads time inside their rounds (cost, race, latency);
- ``aspects``: what else the facts ask to be said of the winner (throughput, latency, memory);
- ``trust``: how far to trust it (unstable and failed cases);
- ``phrases`` and ``text``: the words the sentences share, and the verdicts for a terminal.

Where issue 19 ("a verdict you can bet on") adds: foreign-load sentences in
``trust``; the physics checks (effective cores) as a module of their own that
``judges.verdicts`` consults before a judge crowns anyone; the duels between
leading cases as a module read by the judges whose ties they settle (``paired``,
``ideal``).
"""

from __future__ import annotations

from .judges import JUDGES, verdicts
from .model import Best, Estimate, Verdict
from .text import as_text, confidence_note

__all__ = ["JUDGES", "Best", "Estimate", "Verdict", "as_text", "confidence_note", "verdicts"]
