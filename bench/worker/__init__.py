"""The measured side: the worker process of one case, and the executors it builds.

Only the standard library, gevent and aiohttp are imported here (and the
workloads): never pandas, matplotlib, numpy, pytest or psutil, whose import
would be part of what is measured (``nox -s lint`` enforces it). Kept
import-free: ``python -m bench.worker`` imports this package before gevent's
monkey-patching, which must come before threading is imported.
"""
