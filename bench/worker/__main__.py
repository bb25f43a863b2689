"""``python -m bench.worker CONFIG_JSON``: one case's worker (see ``protocol``); ``--inspect``: check a target."""

import json
import sys

if __name__ == "__main__":  # not in a spawned pool process, which imports this module as __mp_main__
    if len(sys.argv) > 1 and not sys.argv[1].startswith("--") and json.loads(sys.argv[1])["executor"] == "gevent":
        # First thing, before threading, socket or queue are imported anywhere.
        from gevent import monkey

        monkey.patch_all()

    from bench.worker.protocol import main

    sys.exit(main(sys.argv[1:]))
