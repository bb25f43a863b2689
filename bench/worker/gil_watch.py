"""Which imported module turned the GIL back on, in a worker of a free-threaded build.

On a free-threaded build, importing an extension module that does not declare
free-threaded support turns the GIL on for the rest of the process, and CPython
says so once, as a RuntimeWarning naming the module ("The global interpreter
lock (GIL) has been enabled to load module 'greenlet._greenlet', ..."): only the
first such module warns, since the GIL is then on. ``sys._is_gil_enabled()``
tells that it happened, this tells who did it, so a case measured with the GIL
back on is reported under that module's name instead of passing for a
free-threaded result. (With PYTHON_GIL=0 the GIL stays off whatever is
imported, and nothing warns; with PYTHON_GIL=1 it is on from the start.)

The watch records that warning wherever the worker's filters would have sent
it (``always``: not once per place, and never raised by an ``error`` filter),
and shows every other warning as it would have been shown.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

#: The start of CPython's warning (Python/import.c, 3.13 and later), and the module it names.
GIL_WARNING = r"The global interpreter lock \(GIL\) has been enabled to load module"
MODULE = re.compile(GIL_WARNING + r" '([^']+)'")


def module_named(message: str) -> str | None:
    """The module a GIL warning names, or None for any other message."""
    found = MODULE.match(message)
    return found.group(1) if found else None


@contextmanager
def watching() -> Iterator[list[str]]:
    """While the block runs, the modules whose import turned the GIL back on, in order (a list that fills up)."""
    named: list[str] = []
    with warnings.catch_warnings():  # restores the filters and ``showwarning`` afterwards
        warnings.filterwarnings("always", message=GIL_WARNING, category=RuntimeWarning)
        shown = warnings.showwarning

        def show(  # noqa: PLR0917 - warnings.showwarning's own signature, called with positional arguments
            message: Warning | str,
            category: type[Warning],
            filename: str,
            lineno: int,
            file: TextIO | None = None,
            line: str | None = None,
        ) -> None:
            module = module_named(str(message)) if issubclass(category, RuntimeWarning) else None
            if module is None:
                shown(message, category, filename, lineno, file, line)
            elif module not in named:
                named.append(module)

        warnings.showwarning = show
        yield named


def report(named: list[str]) -> dict[str, Any]:
    """What the worker's messages carry: the modules named so far (none: the key is left out)."""
    return {"gil_enabled_by": list(named)} if named else {}
