"""``python -m bench.worker CONFIG_JSON``: one case's worker (see ``protocol``); ``--inspect``: check a target."""

import json
import sys

if __name__ == "__main__":  # not in a spawned pool process, which imports this module as __mp_main__
    if len(sys.argv) > 1 and not sys.argv[1].startswith("--"):
        # First thing, before threading, socket or queue are imported anywhere: what the executor must run
        # before other imports (gevent's monkey-patching), read from its registration alone.
        from bench.worker.executors import before_imports

        before_imports(json.loads(sys.argv[1])["executor"])

    from bench.worker.protocol import main

    sys.exit(main(sys.argv[1:]))
