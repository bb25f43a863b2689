"""The README a newcomer reads first: short, the first command within a screen, its excerpt of the reference
verdict made by the command (never typed), its links alive, and its own-code example a working target."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT, assert_none_left

from bench.harness.client import run_round, start_worker
from bench.harness.matrix import Case
from bench.results import load_run
from workloads.target import inspect_target

README = ROOT / "README.md"
SCREEN = 40  # lines a newcomer reads before the first command, at most
MOST_LINES = 200


def readme_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("readme_excerpt", ROOT / "tools" / "readme_excerpt.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_readme_is_short_and_its_first_command_comes_within_a_screen() -> None:
    lines = README.read_text().splitlines()
    assert len(lines) <= MOST_LINES
    first = next(i for i, line in enumerate(lines) if line.startswith("nox -s bench"))
    assert first < SCREEN, f"the first command is on line {first + 1}"
    assert any(line.startswith("nox -s tests") for line in lines[first : first + 5])
    assert max(len(line) for line in lines[:first]) <= 120  # no wall of text before it


def test_the_excerpt_is_the_commands_output_for_the_committed_reference() -> None:
    """The README's excerpt of the reference verdict is what tools/readme_excerpt.py prints: remade, never typed."""
    tool = readme_tool()
    made = tool.excerpt(load_run(tool.REFERENCE))
    assert tool.held(README.read_text()) == made, "run: python tools/readme_excerpt.py --write"
    assert made.startswith("On CPython") and "- **cpu**: " in made and "- **locks**: " in made
    assert "- **ipc**" not in made and "Also in its report: " in made  # costs and latency: named, not quoted
    assert tool.replaced(README.read_text(), made) == README.read_text()


def test_the_excerpt_is_each_workloads_first_sentence() -> None:
    from bench.analysis.excerpt import first_sentence

    assert first_sentence("threads, 1.89x at 4 workers (95% CI 1.81-1.96), using 1.83 cores. gevent 1.02x.") == (
        "threads, 1.89x at 4 workers (95% CI 1.81-1.96), using 1.83 cores."
    )
    assert first_sentence("one sentence only") == "one sentence only"


def test_every_relative_link_of_the_readme_exists() -> None:
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", README.read_text())
    local = [link for link in links if "://" not in link]
    assert local, "the README links into the docs"
    missing = [link for link in local if not (ROOT / link).exists()]
    assert missing == []


def test_the_readmes_own_code_is_a_working_target(tmp_path: Path, process_tag: str) -> None:
    """The ten lines under "Your own code" are a target the harness runs and checks under threads."""
    code = re.search(r"```python\n(.*?)```", README.read_text(), re.S)
    assert code is not None and len(code.group(1).splitlines()) <= 10
    work = tmp_path / "work.py"
    work.write_text(code.group(1))
    spec = re.search(r"--workloads \./work\.py:(\w+)", README.read_text())
    assert spec is not None
    report = inspect_target(f"{work}:{spec.group(1)}")
    child, _ = start_worker(Case(spec.group(1), "threads", 2, (("tasks", 4),)), {}, target=report)
    try:
        assert run_round(child, 60)["verified"] is True
    finally:
        child.stop()
    assert_none_left(process_tag)


@pytest.mark.parametrize("page", sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").rglob("*.md")))
def test_every_page_is_in_the_sites_navigation(page: str) -> None:
    """A page outside the navigation is a page nobody finds (the strict build says so too, where MkDocs runs)."""
    assert page.removeprefix("docs/") in (ROOT / "mkdocs.yml").read_text(), page
