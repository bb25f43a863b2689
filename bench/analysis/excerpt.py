"""A short excerpt of a run's verdict, for the README: the machine, then each workload's first sentence.

The README opens with the answer on the reference machine. Copied there by
hand, it went stale whenever the reference run was remade; written by
``tools/readme_excerpt.py`` from the committed run (the verdict its report
opens with, computed by the same code), it cannot, and a test checks that the
README holds exactly what the command prints.
"""

from __future__ import annotations

import re
from typing import Any

from ..machine_line import describe
from .table import cases
from .verdict import verdicts

#: A sentence ends at a full stop followed by a space (decimals such as 1.89x have none after their point).
SENTENCE_END = re.compile(r"(?<=\.)\s+")


def first_sentence(text: str) -> str:
    return SENTENCE_END.split(text.strip(), maxsplit=1)[0]


def excerpt(run: dict[str, Any]) -> str:
    """Markdown: the machine and interpreter, then one line per workload, its verdict's first sentence."""
    found = verdicts(run, cases(run))
    lines = [f"On {describe(run['machine_info'].get('bench', {}))}:", ""]
    lines += [f"- **{verdict.label}**: {first_sentence(verdict.text)}" for verdict in found]
    return "\n".join(lines) + "\n"
