"""bench.analysis.figures read at a glance: no text off the canvas, no legend over data, panels that tell their story.

Every figure of a run is drawn (Agg, in memory) and the window extent of every text it draws is checked against
the figure's own box: on synthetic runs shaped like a 2-core and a 16-core machine (workers 1, 4, 16; long
descriptions, a user's workload) and on the committed reference runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import matplotlib.text
import pytest
import synthetic
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from synthetic import IDEAL, PAIRED, THROUGHPUT, cpu_like, io_like

from bench import results, vocabulary
from bench.analysis import table, verdict
from bench.analysis.figures.heatmap import cpu_per_core_figure
from bench.analysis.figures.timed import effective_cores_figure
from bench.analysis.figures.verdict import verdict_figure
from bench.analysis.report import catalogue
from bench.analysis.table import Facts

ROOT = Path(__file__).resolve().parents[1]
REFERENCES = sorted((ROOT / "results" / "reference").glob("*.json"))
LONG = (
    "my_package.heavy_module:compute_everything_slowly: 1,024 tasks per round, task i = "
    "compute_everything_slowly / acompute_everything_slowly(i), each reading a large file first"
)


def synthetic_run(cores: int, workers: tuple[int, ...]) -> dict[str, Any]:
    """Every kind of figure: a CPU-bound workload with a heatmap, one against an ideal, one by throughput, a user's."""
    user = {**PAIRED, "heatmap": False, "description": LONG, "target": {"spec": "my_package.heavy_module:x"}}
    cases = cpu_like(cores, workers, "count") + io_like(workers[1:], "fetch")
    cases += [{**c, "params": {**c["params"], "workload": "baozi"}} for c in cpu_like(cores, workers, "baozi")]
    cases += [{**c, "params": {**c["params"], "workload": "mine"}} for c in cpu_like(cores, workers, "mine")]
    facts = {"count": PAIRED, "fetch": IDEAL, "baozi": THROUGHPUT, "mine": user}
    return synthetic.run(facts, cases, cores=cores)


def figures_of(run: dict[str, Any]) -> Iterator[tuple[str, Figure]]:
    facts = Facts.of(run)
    frame = table.cases(run, facts)
    found = verdict.verdicts(run, frame, facts)
    for spec in catalogue.specs(frame, facts, found, verdict.confidence_note(frame)):
        figure = spec.build()
        if figure is not None:
            yield spec.name, figure


def drawn_texts(fig: Figure, monkeypatch: pytest.MonkeyPatch) -> list[tuple[matplotlib.text.Text, Bbox]]:
    """(text, window extent) of every text the figure draws (tick labels outside the view are not drawn)."""
    found: list[tuple[matplotlib.text.Text, Bbox]] = []
    draw = matplotlib.text.Text.draw

    def recording(self: matplotlib.text.Text, renderer: Any) -> None:
        draw(self, renderer)
        if self.get_visible() and self.get_text().strip():
            found.append((self, self.get_window_extent(renderer)))

    with monkeypatch.context() as patch:
        patch.setattr(matplotlib.text.Text, "draw", recording)
        FigureCanvasAgg(fig).draw()
    return found


def outside(fig: Figure, texts: list[tuple[matplotlib.text.Text, Bbox]]) -> list[str]:
    """The texts (as ``drawn_texts`` found them) that reach beyond the figure's edges."""
    box = fig.bbox
    return [
        f"{text.get_text()!r} at x {extent.x0:.0f}..{extent.x1:.0f}, y {extent.y0:.0f}..{extent.y1:.0f} "
        f"(figure {box.width:.0f} x {box.height:.0f})"
        for text, extent in texts
        if extent.x0 < box.x0 - 1 or extent.x1 > box.x1 + 1 or extent.y0 < box.y0 - 1 or extent.y1 > box.y1 + 1
    ]


RUNS = {
    "2 cores, workers 1-2-4": lambda: synthetic_run(2, (1, 2, 4)),
    "16 cores, workers 1-4-16": lambda: synthetic_run(16, (1, 4, 16)),
    **{path.stem: lambda path=path: results.load_run(path) for path in REFERENCES},
}


@pytest.mark.parametrize("name", list(RUNS))
def test_no_text_leaves_the_canvas_and_no_legend_covers_data(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = list(figures_of(RUNS[name]()))
    assert {"verdict", "scaling", "effective_cores"} <= {figure for figure, _ in drawn}
    for figure, fig in drawn:
        texts = drawn_texts(fig, monkeypatch)  # one drawing serves both checks
        assert outside(fig, texts) == [], figure
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        for ax in fig.axes:
            assert ax.get_legend() is None, f"{figure}: a legend inside a panel"
        for legend in fig.legends:
            box = legend.get_window_extent(renderer)
            covered = [ax.get_title() for ax in fig.axes if box.overlaps(ax.get_window_extent(renderer))]
            own = {id(text) for text in [*legend.get_texts(), legend.get_title()]}
            covered += [text.get_text() for text, extent in texts if id(text) not in own and box.overlaps(extent)]
            assert covered == [], f"{figure}: the legend covers {covered}"


def test_the_text_check_catches_text_off_the_canvas(monkeypatch: pytest.MonkeyPatch) -> None:
    fig = Figure(figsize=(4, 3))
    fig.text(0.5, 0.5, "a caption far wider than the figure it is meant to sit in, " * 3, ha="center")
    assert len(outside(fig, drawn_texts(fig, monkeypatch))) == 1


def test_titles_are_the_workloads_words() -> None:
    """A title is the workload's description in words, wrapped to its panel, never its parameters."""
    run = synthetic_run(16, (1, 4, 16))
    fig = effective_cores_figure(table.cases(run), Facts.of(run))
    assert fig is not None
    titles = [ax.get_title() for ax in fig.axes]
    assert any("producers = consumers = workers" in title for title in titles)
    assert all("=0" not in title for title in titles)


def test_heatmap_panels_tell_their_story() -> None:
    """Each panel: speedup and effective cores; for threads under the GIL, the busy core moving, the sum near one."""
    run = synthetic_run(16, (1, 4, 16))
    fig = cpu_per_core_figure(table.cases(run), Facts.of(run), "count")
    assert fig is not None
    titles = {
        ax.get_title(loc="left").split(" ")[0]: " ".join(ax.get_title(loc="left").split()) for ax in fig.axes[:-1]
    }
    assert titles["threads"].startswith("threads (16 workers): 1.00x, 1.00 effective cores")
    assert "the busy core moves around while the sum stays near one (1.00 cores)" in titles["threads"]
    assert "one core stays busy" in titles["asyncio"]
    assert "16.0 cores busy at once on average" in titles["processes"]


def test_verdict_figure_marks_the_winner() -> None:
    run = synthetic_run(2, (1, 2, 4))
    facts = Facts.of(run)
    found = verdict.verdicts(run)
    fig = verdict_figure(found, facts, "note")
    assert fig is not None
    count = fig.axes[0]
    assert count.get_title().startswith("count: winner: processes")
    bold = [tick.get_text() for tick in count.get_yticklabels() if tick.get_fontweight() == "bold"]
    assert bold == ["processes @2  (winner)"]
    assert verdict_figure([], facts, "note") is None


def test_the_verdict_figure_is_captioned_with_the_note_it_is_given() -> None:
    """Not with the note of a figure listed after it (a run whose workloads draw their own measures, say)."""
    run = results.load_run(ROOT / "results" / "reference" / "reference-2-cores.json")
    facts = Facts.of(run)
    frame = table.cases(run, facts)
    listed = catalogue.specs(frame, facts, verdict.verdicts(run, frame, facts), "the verdict's own note")
    assert {vocabulary.COSTS, vocabulary.BY_WORKERS} <= {facts.workload(name)["figure"] for name in facts.workloads}
    fig = listed[0].build()
    assert listed[0].name == catalogue.VERDICT_FIGURE and fig is not None
    assert fig.texts[-1].get_text().endswith("@N: at N workers. the verdict's own note")


def test_memory_at_one_unit_is_labelled_for_what_it_is() -> None:
    """At one unit the figure is the process's cost; the per-added-unit slope shows where the growth is measurable."""
    from bench.analysis.report import tables

    run = synthetic.run({"fetch": IDEAL}, io_like((10, 200)) + io_like((2,), "small"))
    facts = Facts.of(run)
    frame = table.cases(run, facts)
    lines = "\n".join(tables.headline_section(frame, 1, facts))
    assert "memory added per unit (KiB)" in lines
    first = lines.split("| asyncio | 1 |")[1].splitlines()[0]
    assert "29,305*" in first  # 30 MB of process plus one task's 8 KB, starred
    assert tables.ONE_UNIT_NOTE in lines
    memory = "\n".join(tables.memory_section(frame))
    assert "| fetch | asyncio | 1-200 | 7.8 |" in memory
    assert "| small | asyncio | 1-2 | under the noise |" in memory  # 8 KB of growth is within one process's noise
