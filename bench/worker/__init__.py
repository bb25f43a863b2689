"""The measured side: the worker process of one case, and the executors it builds.

Only the standard library, the libraries of the executors themselves (gevent,
aiohttp, uvloop, backports.interpreters, dask.distributed: each imported only
by its own executor) and the workloads are imported here: never pandas,
matplotlib, numpy, pytest or psutil, whose import would be part of what is
measured (``nox -s lint`` enforces it; dask.distributed, an optional model,
brings numpy and psutil into its own cases, which record it). Kept
import-free: ``python -m bench.worker`` imports this package before gevent's
monkey-patching, which must come before threading is imported.
"""
