"""A user's code, found and imported from a target's text: what a worker does with ``module:function``.

Only worker processes import a user's code (the harness asks one to ``inspect``
a target): a module by name, as ``python -m`` finds it, or a ``.py`` file by
path, its function looked up and its signature checked, each mistake a user can
fix said in one line (``TargetError``).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any


class TargetError(Exception):
    """A target that cannot be used: the message is one line for the user."""


@dataclass(frozen=True)
class Spec:
    """``where:name`` or ``where:name+other``, split; ``where`` is a module name or a .py file."""

    text: str
    where: str
    names: tuple[str, ...]

    @property
    def is_file(self) -> bool:
        return self.where.endswith(".py") or "/" in self.where

    @classmethod
    def parse(cls, text: str) -> Spec:
        where, colon, names = text.rpartition(":")
        parts = tuple(part.strip() for part in names.split("+"))
        if not colon or not where.strip() or not all(parts) or len(parts) > 2:
            raise TargetError(
                f"{text!r} is not a target: write module:function or path/to/file.py:function "
                "(or module:plain+async for both forms)"
            )
        if len(set(parts)) != len(parts):
            raise TargetError(f"{text!r} names {parts[0]} twice: give a plain form and an async def form")
        return cls(text, where.strip(), parts)


def module_from_file(path: Path) -> Any:
    """The file imported as a module: by its own name when that finds this file, else under a private name."""
    folder, stem = str(path.parent), path.stem
    if folder not in sys.path:
        sys.path.insert(0, folder)  # so the file's own imports of its neighbours work, as when run from there
    found = sys.modules.get(stem)
    if found is None:
        spec = importlib.util.find_spec(stem) if stem.isidentifier() else None
        if spec is not None and spec.origin and Path(spec.origin).resolve() == path:
            return importlib.import_module(stem)
    elif Path(getattr(found, "__file__", "") or "").resolve() == path:
        return found
    # The stem names another module (a file called queue.py, say): load this file under a private name,
    # the same in every process, so values of its classes pickle between pool processes and the worker.
    private = f"bench_target_{stem}_{hashlib.sha256(str(path).encode()).hexdigest()[:8]}"
    if private in sys.modules:
        return sys.modules[private]
    spec = importlib.util.spec_from_file_location(private, path)
    if spec is None or spec.loader is None:
        raise TargetError(f"{path}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[private] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[private]
        raise
    return module


def load_module(spec: Spec) -> Any:
    """The module a spec names; TargetError, in one line, for what the user can fix."""
    if spec.is_file:
        path = Path(spec.where).expanduser().resolve()
        if not path.is_file():
            raise TargetError(f"{spec.text}: no such file: {spec.where}")
        load: Callable[[], Any] = lambda: module_from_file(path)  # noqa: E731
    else:
        load = lambda: importlib.import_module(spec.where)  # noqa: E731
    if "" not in sys.path and not spec.is_file:
        sys.path.insert(0, "")  # a module of the current folder, as `python -m` finds it
    try:
        return load()
    except ModuleNotFoundError as exc:
        if not spec.is_file and exc.name and (spec.where + ".").startswith(exc.name + "."):
            raise TargetError(
                f"{spec.text}: no module named {spec.where!r} (not in the current folder nor installed; "
                "or give a file: path/to/file.py:function)"
            ) from None
        raise TargetError(f"{spec.text}: importing {spec.where} failed: {type(exc).__name__}: {exc}") from None
    except TargetError:
        raise
    except BaseException as exc:  # the user's module raised (or exited) while being imported
        raise TargetError(f"{spec.text}: importing {spec.where} raised {type(exc).__name__}: {exc}") from None


def function(module: Any, spec: Spec, name: str) -> Any:
    found = module
    for part in name.split("."):
        try:
            found = getattr(found, part)
        except AttributeError:
            raise TargetError(f"{spec.text}: {spec.where} has no function {name!r}") from None
    if not callable(found):
        raise TargetError(f"{spec.text}: {name} is a {type(found).__name__}, not a function")
    return found


def is_async(fn: Callable[..., Any]) -> bool:
    call = getattr(fn, "__call__", None)  # noqa: B004 - an object with an async __call__ counts as async
    return inspect.iscoroutinefunction(fn) or (
        not inspect.isroutine(fn) and call is not None and inspect.iscoroutinefunction(call)
    )


def check_signature(spec: Spec, name: str, fn: Callable[..., Any], args: tuple[Any, ...], how: str) -> None:
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return  # a builtin without a signature: the first call will tell
    try:
        signature.bind(*args)
    except TypeError:
        raise TargetError(f"{spec.text}: {name}{signature} cannot be called as {how}") from None


def version_of(module: Any) -> str | None:
    version = getattr(module, "__version__", None)
    if isinstance(version, str):
        return version
    try:
        return metadata.version(module.__name__.split(".")[0])
    except (metadata.PackageNotFoundError, ValueError):
        return None


def file_facts(module: Any) -> dict[str, Any]:
    file = getattr(module, "__file__", None)
    if not file or not Path(file).is_file():
        return {"file": None, "sha256": None}
    return {"file": str(Path(file).resolve()), "sha256": hashlib.sha256(Path(file).read_bytes()).hexdigest()}
