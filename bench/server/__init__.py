"""The local HTTP server that workloads needing one talk to: its own process, on loopback only.

``python -m bench.server`` runs it (``app``); the harness's side is
``bench.harness.server_handle``. Like the worker, it imports no harness or
analysis code: only the standard library and aiohttp.
"""

HOST = "127.0.0.1"  # loopback only, always
