"""The verdict at a glance: per workload, each model's best result with its interval, the winner marked."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..table import Facts
from ..verdict import Best, Verdict
from .kit import caption, fit, new_figure

LOG_SPAN = 20  # a verdict panel whose values span more than this factor is drawn on a log axis


def verdict_figure(found: list[Verdict], facts: Facts, note: str) -> Figure | None:
    """Per workload, each executor's best result with its interval, the winner marked: the verdict at a glance."""
    drawn = [one for one in found if one.best]
    if not drawn:
        return None
    rows = max(len(one.best) for one in drawn)
    fig, axes = new_figure(
        len(drawn), "The verdict: each model's best result, with its 95% interval", size=(5.2, 1.4 + 0.45 * rows)
    )
    for ax, one in zip(axes, drawn, strict=True):
        _panel(ax, one, facts)
    caption(fig, facts.machine, f"Diamond: the clear winner; (tied): intervals overlap; @N: at N workers. {note}")
    return fig


def _panel(ax: Axes, one: Verdict, facts: Facts) -> None:
    """One workload's verdict: a row per executor (the winner's bold, with a diamond), on a log axis if need be."""
    best = sorted(one.best, key=lambda b: (facts.rank(b.executor), b.executor))
    alone = len(one.winners) == 1
    for y, item in enumerate(best):
        _dot(
            ax,
            y,
            item,
            won=alone and item.executor in one.winners,
            ratio=one.is_ratio,
            color=facts.color(item.executor),
        )
    mark = "  (winner)" if alone else "  (tied)"
    labels = [f"{b.executor} @{b.workers}" + (mark if b.executor in one.winners else "") for b in best]
    ax.set_yticks(range(len(best)), labels)
    for tick, item in zip(ax.get_yticklabels(), best, strict=True):
        if item.executor in one.winners:
            tick.set_fontweight("bold")
    ax.set_ylim(len(best) - 0.4, -0.7)  # the first executor on top
    if one.is_ratio:
        ax.axvline(1.0, ls="--", color="grey", lw=1)
    values = [b.estimate.value for b in best]
    if min(values) > 0 and max(values) / min(values) > LOG_SPAN:  # costs spanning orders of magnitude
        ax.set_xscale("log")
    verdict_words = f"winner: {one.winners[0]}" if alone else "no clear winner"
    better = "higher is better" if one.higher_is_better else "lower is better"
    ax.set_title(fit(f"{one.label}: {verdict_words}\n{one.description}", 2.8, 9), fontsize=9)
    ax.set_xlabel(fit(f"{one.measure}, {better}", 3.2, 9), fontsize=9)
    ax.grid(True, axis="x", alpha=0.3)
    ax.margins(x=0.15)


def _dot(ax: Axes, y: int, item: Best, *, won: bool, ratio: bool, color: str) -> None:
    """One executor's best, with its interval (none for the baseline itself) and its value over it."""
    estimate = item.estimate
    error = [[estimate.value - estimate.low], [estimate.high - estimate.value]]
    ax.errorbar(
        estimate.value,
        y,
        xerr=None if item.baseline else error,
        fmt="D" if won else "o",
        markersize=9 if won else 6,
        markeredgecolor="black" if won else color,
        color=color,
        capsize=3,
    )
    ax.annotate(
        f"{estimate.value:.2f}x" if ratio else f"{estimate.value:,.3g}",
        (estimate.value, y),
        xytext=(0, 7),
        textcoords="offset points",
        ha="center",
        fontsize=7.5,
    )
