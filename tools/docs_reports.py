"""MkDocs hook: the committed reference reports (reports/reference-*/) become pages of the documentation site.

Each report is made from its saved run by ``python -m bench report`` (an ``index.md`` and its PNGs, linked
relatively), so the site takes them as they are, at the same paths as in the repository
(``reports/reference-2-cores/index.md``): no copy to keep in step, and a remade reference shows up by itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[1]
SHOWN = (".md", ".png")


def on_files(files: Files, config: Any) -> Files:
    for folder in sorted((ROOT / "reports").glob("reference-*")):
        for path in sorted(folder.iterdir()):
            if path.suffix in SHOWN:
                files.append(
                    File(
                        path.relative_to(ROOT).as_posix(),
                        src_dir=str(ROOT),
                        dest_dir=config["site_dir"],
                        use_directory_urls=config["use_directory_urls"],
                    )
                )
    return files
