"""OS threads from a ThreadPoolExecutor, all started before timing; queue.Queue between them.

The tutorial's primitives come from ``threading`` and ``queue``: a Lock, an RLock, an Event, a
queue.Queue each way for a channel, an Event pair or a Condition for a handoff, a new
``threading.Thread`` for each started unit. No yield is needed: the interpreter takes the GIL from a
running thread every switch interval (``sys.getswitchinterval()``), whether it asks or not.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from workloads import COUNTER, EVENT, LOCK, RLOCK, YIELD, ProcessSetup

from .. import primitives
from . import ExecutorInfo, register

OFFERS = {
    LOCK: "threading.Lock",
    RLOCK: "threading.RLock",
    COUNTER: "an attribute of one shared object",
    EVENT: "threading.Event",
    YIELD: "nothing: the interpreter switches threads by itself, every sys.getswitchinterval()",
    "channel:queue": "a queue.Queue each way",
    "handoff:event": "a threading.Event each way",
    "handoff:condition": "one threading.Condition and a turn flag",
    "start:thread": "threading.Thread(...).start(), then join()",
}

INFO = ExecutorInfo(
    name="threads",
    style="sync",
    parallel_cpu=False,
    summary="concurrent.futures.ThreadPoolExecutor; queue.Queue",
    unit="thread",
    rank=10,
    color="tab:blue",
    offers=OFFERS,
)


class Started:
    """A started thread; ``join`` says whether its function ran to its end."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.finished = False

        def run() -> None:
            fn(*args)
            self.finished = True

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def join(self) -> bool:
        self.thread.join()
        return self.finished


def one_thread_makers() -> dict[str, Callable[[], Any]]:
    """The primitives threads share with the sequential baseline: threading's own, a plain counter, no yield."""
    return {
        LOCK: threading.Lock,
        RLOCK: threading.RLock,
        COUNTER: primitives.Cell,
        EVENT: threading.Event,
        YIELD: lambda: primitives.nothing,
    }


class Executor(primitives.Offering):
    def __init__(self, size: int, queues: int, queue_maxsize: int, setup: ProcessSetup | None = None) -> None:
        self.workers = size
        self._pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="bench")
        self._maxsize = queue_maxsize
        self._queues: list[queue.Queue[Any]] = [queue.Queue(maxsize=queue_maxsize) for _ in range(queues)]
        self._made = primitives.Made(INFO.name)

    def _makers(self) -> dict[str, Callable[[], Any]]:
        return {
            **one_thread_makers(),
            "channel:queue": lambda: primitives.queue_channel(lambda: queue.Queue(self._maxsize)),
            "handoff:event": lambda: primitives.event_handoff(threading.Event),
            "handoff:condition": lambda: primitives.condition_handoff(threading.Condition),
            "start:thread": lambda: None,
        }

    def launch(self, kind: str, fn: Callable[..., Any], *args: Any) -> Started:
        """A new thread running ``fn(*args)``, started (the pool's threads are not used)."""
        self._made.check_kind(kind, OFFERS)
        return Started(fn, args)

    def start(self) -> None:
        # The pool makes threads lazily; tasks that wait for each other force all of them now.
        barrier = threading.Barrier(self.workers)
        list(self._pool.map(lambda _: barrier.wait(), range(self.workers)))

    def map(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        return list(self._pool.map(fn, items))

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        return self._pool.submit(fn, *args)

    def queue(self, index: int = 0) -> Any:
        return self._queues[index]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


register(INFO, Executor)
