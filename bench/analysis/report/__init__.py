"""``reports/<run>/``: the PNGs of one saved run and an ``index.md`` that reads on its own.

Every case's passes are pooled first (``table.cases``): the figures and the table show
the median over passes of each per-pass figure (median of medians), so a run of
several passes draws one point per case. A figure whose data the run lacks is not
written, and the page says why; a partial run, a failed case or a skipped one is
shown, never a reason to crash. pandas and matplotlib are imported in the analysis
only: the harness and its workers start without them.

- ``catalogue``: which figures a run gets, in reading order, and how each is built;
- ``page``: the ``index.md``, from its sections: ``tables`` (headline numbers, measures, memory,
  start-up) and ``run_facts`` (what went wrong, the machine).
"""

from __future__ import annotations

from pathlib import Path

from ... import results
from ...errors import UserError
from .. import side_by_side
from ..figures.interpreters import interpreters_figure
from ..table import Facts, cases
from ..verdict import confidence_note, verdicts
from .catalogue import specs
from .page import index_markdown


def write_report(run_path: Path, out_root: Path) -> Path:
    """Write ``out_root/<run file stem>/`` (PNGs and index.md) for the run at ``run_path``; return the folder."""
    run = results.load_run(run_path)
    facts = Facts.of(run)
    every = cases(run, facts)
    frame = side_by_side.reference_cases(every, facts)  # a --python run: interpreters have their own section
    found = verdicts(run, every, facts)  # one verdict per interpreter where there are several
    figures = [
        (spec, spec.build()) for spec in specs(frame, facts, found, confidence_note(frame), run=run, every=every)
    ]
    interpreters = side_by_side.section(run, every, facts)
    compared = interpreters_figure(every, facts)
    folder = out_root / run_path.stem
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.png"):
            old.unlink()  # a figure from an earlier report of this run would mislead
        for spec, figure in figures:
            if figure is not None:
                figure.savefig(folder / f"{spec.name}.png", dpi=110)
        if compared is not None:
            compared.savefig(folder / f"{side_by_side.FIGURE}.png", dpi=110)
        shown = [(spec, figure is not None) for spec, figure in figures]
        (folder / "index.md").write_text(index_markdown(run, frame, shown, found, interpreters, every=every))
    except OSError as exc:
        raise UserError(f"cannot write the report under {out_root}: {exc.strerror or exc}") from None
    return folder
