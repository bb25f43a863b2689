"""Greenlets on one OS thread; the worker has run ``gevent.monkey.patch_all()`` before this is built.

gevent is imported when the executor is built, not with this module: the harness reads ``INFO``
without importing gevent, and only a gevent worker (patched first) ever imports it.

Its primitives are gevent's own: gevent.lock, gevent.event, gevent.queue, ``gevent.spawn`` to start
a unit, and a raw ``greenlet.switch`` (no hub) beside a gevent Event for a handoff. A greenlet that
computes never lets the others run unless it asks: its yield is ``gevent.idle()``, which waits until
the loop has polled for I/O (``gevent.sleep(0)`` may run the same greenlet again before the loop looks
at sockets, and a waiting request then starves).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workloads import COUNTER, EVENT, LOCK, RLOCK, YIELD, ProcessSetup

from .. import primitives
from . import ExecutorInfo, register

OFFERS = {
    LOCK: "gevent.lock.Semaphore",
    RLOCK: "gevent.lock.RLock",
    COUNTER: "an attribute of one shared object",
    EVENT: "gevent.event.Event",
    YIELD: "gevent.idle(): run the other greenlets, and poll for I/O, then come back",
    "channel:queue": "a gevent.queue.Queue each way",
    "handoff:event": "a gevent.event.Event each way (through the hub)",
    "handoff:greenlet": "greenlet.switch() to a partner greenlet and back (no hub)",
    "start:greenlet": "gevent.spawn(), then join()",
}

INFO = ExecutorInfo(
    name="gevent",
    style="sync",
    parallel_cpu=False,
    summary="greenlets after gevent.monkey.patch_all(); gevent.queue.Queue",
    unit="greenlet",
    rank=40,
    color="tab:green",
    # Checked on PyPI (December 2026): gevent 26.9.0 has no cp313t/cp314t wheel; greenlet 3.2.2's cp313t wheel
    # imports on 3.13t, but its greenlet._greenlet declares no free-threaded support, so the GIL comes back on.
    not_free_threaded="gevent publishes no free-threaded build, and greenlet, which it runs on, turns the GIL back on",
    offers=OFFERS,
    requires=("gevent",),
    distributions={"gevent": "gevent"},  # a dependency of the project: no extra
    records=("greenlet",),  # what gevent runs on, and what the greenlet handoff uses directly
    before_imports="gevent.monkey:patch_all",  # before threading, socket or queue are imported anywhere
)


def greenlet_handoff(n: int) -> None:
    """One unit switches to a partner greenlet, which switches straight back, n times (2n switches)."""
    import greenlet

    def bounce() -> None:
        back = greenlet.getcurrent().parent.switch  # the parent: the greenlet that made it (this unit)
        while True:
            back()

    partner = greenlet.greenlet(bounce)
    switch = partner.switch
    for _ in range(n):
        switch()
    partner.throw()  # GreenletExit: the partner ends, and nothing is left suspended


class Started:
    """A spawned greenlet; ``join`` says whether it ran to its end."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        import gevent

        self.greenlet = gevent.spawn(fn, *args)

    def join(self) -> bool:
        self.greenlet.join()
        return bool(self.greenlet.successful())


class Executor(primitives.Offering):
    def __init__(self, size: int, queues: int, queue_maxsize: int, setup: ProcessSetup | None = None) -> None:
        import gevent.queue

        self.workers = size
        self._maxsize = queue_maxsize
        self._queues = [gevent.queue.Queue(maxsize=queue_maxsize or None) for _ in range(queues)]
        self._made = primitives.Made(INFO.name)

    def _makers(self) -> dict[str, Callable[[], Any]]:
        import gevent
        import gevent.event
        import gevent.lock
        import gevent.queue

        return {
            LOCK: gevent.lock.Semaphore,
            RLOCK: gevent.lock.RLock,
            COUNTER: primitives.Cell,
            EVENT: gevent.event.Event,
            YIELD: lambda: gevent.idle,
            "channel:queue": lambda: primitives.queue_channel(lambda: gevent.queue.Queue(self._maxsize or None)),
            "handoff:event": lambda: primitives.event_handoff(gevent.event.Event),
            "handoff:greenlet": lambda: (greenlet_handoff, None),
            "start:greenlet": lambda: None,
        }

    def launch(self, kind: str, fn: Callable[..., Any], *args: Any) -> Started:
        self._made.check_kind(kind, OFFERS)
        return Started(fn, args)

    def start(self) -> None:
        """Greenlets cost microseconds to make: nothing to start ahead."""

    def map(self, fn: Callable[[Any], Any], items: list[Any]) -> list[Any]:
        import gevent

        # A fixed set of greenlets pulling from one iterator, like a thread pool, so
        # per-unit state (a keep-alive connection) is reused across items.
        results: list[Any] = [None] * len(items)
        todo = iter(enumerate(items))

        def unit() -> None:
            for index, item in todo:
                results[index] = fn(item)

        gevent.joinall([gevent.spawn(unit) for _ in range(min(self.workers, len(items)))], raise_error=True)
        return results

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        import gevent

        greenlet = gevent.spawn(fn, *args)
        greenlet.result = greenlet.get  # the Handle surface
        return greenlet

    def queue(self, index: int = 0) -> Any:
        return self._queues[index]

    def close(self) -> None:
        """Nothing to stop: greenlets end with their work."""


register(INFO, Executor)
