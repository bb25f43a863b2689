"""The documentation site builds strictly, holds the reference reports, and a broken link or a missing page fails it.

These need MkDocs (the docs extra): ``nox -s docs`` runs them after its build; elsewhere they skip, saying so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT

pytest.importorskip("mkdocs", reason="MkDocs is not installed here: nox -s docs installs it and runs these")
pytest.importorskip("material", reason="the Material theme is not installed here: nox -s docs installs it")


def build(project: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of what the site is built from: mkdocs.yml, docs/, the hook and the reference reports."""
    copy = tmp_path / "project"
    copy.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", copy)
    shutil.copytree(ROOT / "docs", copy / "docs")
    (copy / "tools").mkdir()
    shutil.copy(ROOT / "tools" / "docs_reports.py", copy / "tools")
    for folder in (ROOT / "reports").glob("reference-*"):
        shutil.copytree(folder, copy / "reports" / folder.name)
    return copy


def test_the_site_builds_strictly_with_the_reference_reports(project: Path, tmp_path: Path) -> None:
    done = build(project, tmp_path / "site")
    assert done.returncode == 0, done.stderr[-3000:]
    built = tmp_path / "site"
    assert (built / "reports" / "reference-2-cores" / "index.html").exists()
    assert (built / "reports" / "reference-2-cores" / "cpu_per_core-cpu.png").exists()
    assert (built / "free-threaded" / "index.html").exists()


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


#: What breaks the site, and what the build names when it refuses it.
BREAKS: dict[str, tuple[Callable[[Path], None], str]] = {
    "broken link": (lambda docs: append(docs / "index.md", "\n[gone](guide/gone.md)\n"), "guide/gone.md"),
    "broken anchor": (lambda docs: append(docs / "index.md", "\n[gone](guide/running.md#gone)\n"), "#gone"),
    "missing page": (lambda docs: (docs / "methodology" / "duels.md").unlink(), "methodology/duels.md"),
    "page outside the navigation": (lambda docs: (docs / "stray.md").write_text("# Stray\n"), "stray.md"),
}


@pytest.mark.parametrize("broken", list(BREAKS), ids=list(BREAKS))
def test_a_broken_link_or_a_missing_page_fails_the_build(project: Path, tmp_path: Path, broken: str) -> None:
    change, said = BREAKS[broken]
    change(project / "docs")
    done = build(project, tmp_path / "site")
    output = done.stdout + done.stderr
    assert done.returncode != 0, output[-3000:]
    assert "Aborted" in output and said in output, output[-3000:]
