"""The workloads' registry: a class decorated with ``@register`` is found by name, a duplicate name refused.

``load_all`` imports every public module of the package, so dropping a file into
``workloads/`` is all it takes to add a workload; ``get`` imports only the module
a name needs. Modules whose name starts with ``_`` hold what workloads share.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the registry holds Workload classes; workloads/__init__.py imports this module
    from . import Workload

REGISTRY: dict[str, type[Workload]] = {}


def register(cls: type[Workload]) -> type[Workload]:
    """Class decorator adding a workload to the registry; a duplicate name is an error."""
    if cls.name in REGISTRY:
        raise ValueError(f"workload {cls.name!r} is registered twice")
    REGISTRY[cls.name] = cls
    return cls


def modules() -> list[str]:
    """The workload modules of this package: every public module but the user-target door."""
    return [
        info.name
        for info in pkgutil.iter_modules([str(Path(__file__).parent)])
        if not info.name.startswith("_") and info.name != "target"
    ]


def load_all() -> dict[str, type[Workload]]:
    """Import every workload module and return the registry."""
    for module in modules():
        importlib.import_module(f"{__package__}.{module}")
    ordered = sorted(REGISTRY.items(), key=lambda item: (item[1].place, item[0]))
    REGISTRY.clear()
    REGISTRY.update(ordered)
    return REGISTRY


def get(name: str) -> type[Workload]:
    """The built-in workload class called ``name`` (imports only its module)."""
    if name not in REGISTRY and name in modules():
        importlib.import_module(f"{__package__}.{name}")
    if name not in REGISTRY:
        load_all()  # a module may register a name other than its own
    return REGISTRY[name]
