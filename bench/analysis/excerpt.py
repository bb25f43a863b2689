"""A short excerpt of a run's verdict, for the README: the machine, then the first sentence of each answer.

The README opens with the answer on the reference machine. Copied there by
hand, it went stale whenever the reference run was remade; written by
``tools/readme_excerpt.py`` from the committed run (the verdict its report
opens with, computed by the same code), it cannot, and a test checks that the
README holds exactly what the command prints. The answer to "which model?" is
the workloads judged by a speedup, the ideal time or a race; the others (what
one operation costs, latency beside busy units) are named in one line.
"""

from __future__ import annotations

import re
from typing import Any

from ..machine_line import describe
from ..vocabulary import IDEAL, JUDGED_WORDS, PAIRED, RACE
from .table import Facts, cases
from .verdict import verdicts
from .verdict.phrases import joined

ANSWERS = (PAIRED, IDEAL, RACE)  # the judgements that say which model to use for a kind of work
#: A sentence ends at a full stop followed by a space (decimals such as 1.89x have none after their point).
SENTENCE_END = re.compile(r"(?<=\.)\s+")


def first_sentence(text: str) -> str:
    return SENTENCE_END.split(text.strip(), maxsplit=1)[0]


def _judged_by(label: str, facts: Facts) -> str:
    """How the workload a verdict's label names is judged (a label may add its parameters or interpreter)."""
    for workload in facts.workloads:
        if label == workload or label.startswith((f"{workload} (", f"{workload}, ")):
            return str(facts.workload(workload)["judged_by"])
    return ""


def excerpt(run: dict[str, Any]) -> str:
    """Markdown: the machine and interpreter, one line per answer (its first sentence), then what else was judged."""
    facts = Facts.of(run)
    found = verdicts(run, cases(run, facts), facts)
    lines = [f"On {describe(run['machine_info'].get('bench', {}))}:", ""]
    lines += [
        f"- **{verdict.label}**: {first_sentence(verdict.text)}"
        for verdict in found
        if _judged_by(verdict.label, facts) in ANSWERS
    ]
    others: dict[str, list[str]] = {}
    for verdict in found:
        judged_by = _judged_by(verdict.label, facts)
        if judged_by not in ANSWERS:
            others.setdefault(JUDGED_WORDS.get(judged_by, "judged otherwise"), []).append(verdict.label)
    if others:
        said = "; ".join(f"{joined(labels)} ({words})" for words, labels in others.items())
        lines += ["", f"Also in its report: {said}."]
    return "\n".join(lines) + "\n"
