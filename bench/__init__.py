"""concurrency-bench: threads, processes and coroutines measured side by side.

Kept import-free on purpose: ``python -m bench.worker`` imports this package
before gevent's monkey-patching, which must come before threading is imported.
"""

__version__ = "0.1.0"

# Version of what we add to pytest-benchmark's JSON (params, extra_info, machine_info["bench"]).
# History: 1 - first release.
FORMAT_VERSION = 1
