"""The tutorial's primitives in the one shape workloads see, built by each executor from its own parts.

An executor that lists a capability in ``INFO.offers`` (a lock, a counter, a channel, a handoff...) makes it
here from threading, multiprocessing, gevent or asyncio parts, so a workload is written once and still
measures each model's own primitive: a ``queue.Queue`` under threads, a ``multiprocessing.Pipe`` under
processes, ``greenlet.switch`` under gevent. The adapters are plain classes holding bound methods of the
real thing, with their loops inside: a workload calls a handoff once per measurement, not once per switch,
so what is timed is the primitive and a bare ``for`` loop, the same for every executor.

Only the standard library is imported at module level: gevent's and asyncio's parts are passed in by their
executors (gevent is imported after monkey-patching only, in a gevent worker).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from typing import Any


class Cell:
    """A shared integer of units in one process: an attribute read and written with no lock (the race is the point)."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0


def nothing() -> None:
    """The yield of units the interpreter or the OS switches by itself (threads, processes): nothing to do."""


class QueueEnd:
    """One end of a two-way channel made of two queues: ``send`` puts on one, ``recv`` gets from the other."""

    def __init__(self, out: Any, into: Any) -> None:
        self.send = out.put
        self.recv = into.get


def queue_channel(make_queue: Callable[[], Any]) -> tuple[QueueEnd, QueueEnd]:
    """Two ends of a channel of two queues (one each way)."""
    there, back = make_queue(), make_queue()
    return QueueEnd(there, back), QueueEnd(back, there)


# --- Handoffs: a(n) hands a token to b(n) and waits for it back, n times (2n switches). ---


class EventHandoff:
    """One side of an Event handoff: the first sets the other's event, waits for its own, clears it; the second
    waits for its own, clears it, sets the other's (the same three calls in the loop, in its own order)."""

    def __init__(self, mine: Any, theirs: Any, gives_first: bool = True) -> None:
        self.mine, self.theirs, self.gives_first = mine, theirs, gives_first

    def __call__(self, n: int) -> None:
        wait, clear, give = self.mine.wait, self.mine.clear, self.theirs.set
        first, second, third = (give, wait, clear) if self.gives_first else (wait, clear, give)
        for _ in range(n):
            first()
            second()
            third()


def event_handoff(make_event: Callable[[], Any]) -> tuple[EventHandoff, EventHandoff]:
    first, second = make_event(), make_event()
    return EventHandoff(first, second, gives_first=True), EventHandoff(second, first, gives_first=False)


class AsyncEventGive(EventHandoff):
    """The first side for asyncio: the wait is awaited."""

    async def __call__(self, n: int) -> None:  # type: ignore[override]
        wait, clear, give = self.mine.wait, self.mine.clear, self.theirs.set
        for _ in range(n):
            give()
            await wait()
            clear()


class AsyncEventTake(EventHandoff):
    async def __call__(self, n: int) -> None:  # type: ignore[override]
        wait, clear, give = self.mine.wait, self.mine.clear, self.theirs.set
        for _ in range(n):
            await wait()
            clear()
            give()


def async_event_handoff(make_event: Callable[[], Any]) -> tuple[AsyncEventGive, AsyncEventTake]:
    first, second = make_event(), make_event()
    return AsyncEventGive(first, second), AsyncEventTake(second, first)


class TurnHandoff:
    """A Condition and whose turn it is (the textbook handoff): each side waits until the turn is its own."""

    def __init__(self, condition: Any, turn: list[str], me: str, gives_first: bool) -> None:
        self.condition, self.turn, self.me, self.gives_first = condition, turn, me, gives_first

    def __call__(self, n: int) -> None:
        condition, turn, me = self.condition, self.turn, self.me
        other = "b" if me == "a" else "a"
        with condition:
            for _ in range(n):
                if self.gives_first:
                    turn[0] = other
                    condition.notify()
                while turn[0] != me:
                    condition.wait()
                if not self.gives_first:
                    turn[0] = other
                    condition.notify()


def condition_handoff(make_condition: Callable[[], Any]) -> tuple[TurnHandoff, TurnHandoff]:
    condition, turn = make_condition(), ["a"]
    return TurnHandoff(condition, turn, "a", True), TurnHandoff(condition, turn, "b", False)


class PipeHandoff:
    """One end of a pipe: the token is one byte, written by one side and read by the other."""

    def __init__(self, connection: Any, gives_first: bool) -> None:
        self.connection, self.gives_first = connection, gives_first

    def __call__(self, n: int) -> None:
        send, recv = self.connection.send_bytes, self.connection.recv_bytes
        if self.gives_first:
            for _ in range(n):
                send(b"t")
                recv()
        else:
            for _ in range(n):
                recv()
                send(b"t")


def pipe_handoff(make_pipe: Callable[[], tuple[Any, Any]]) -> tuple[PipeHandoff, PipeHandoff]:
    one, other = make_pipe()
    return PipeHandoff(one, True), PipeHandoff(other, False)


def _echo() -> Generator[None, None, None]:
    while True:
        yield


def generator_handoff(n: int) -> None:
    """The tutorial's yield coroutine: one unit drives a generator with send(); each send is in and out."""
    send = _echo().send
    send(None)
    for _ in range(n):
        send(None)


# --- Making them: an executor's makers, one per capability it offers ---


def make_all(uses: Mapping[str, int], makers: Mapping[str, Callable[[], Any]], executor: str) -> dict[str, list[Any]]:
    """``uses[capability]`` of each primitive, made by the executor's own makers (ValueError for one it lacks)."""
    missing = [capability for capability in uses if capability not in makers]
    if missing:
        raise ValueError(f"{executor} offers no {', '.join(missing)}")
    return {capability: [makers[capability]() for _ in range(count)] for capability, count in uses.items()}


class Made:
    """The primitives one executor made for its workload, handed out by capability and index."""

    made: dict[str, list[Any]]

    def __init__(self, executor: str) -> None:
        self.executor = executor
        self.made = {}

    def get(self, capability: str, index: int) -> Any:
        try:
            return self.made[capability][index]
        except (KeyError, IndexError):
            raise LookupError(
                f"{self.executor} made no {capability} #{index}: the workload's uses() must ask for it"
            ) from None

    def check_kind(self, kind: str, offers: Mapping[str, str]) -> None:
        """LookupError for a kind of unit the executor does not start."""
        if kind not in offers:
            raise LookupError(f"{self.executor} starts no {kind}; it offers {', '.join(offers)}")


class Offering:
    """What every executor that offers primitives shares: make them from its ``_makers()``, hand them out."""

    _made: Made

    def _makers(self) -> Mapping[str, Callable[[], Any]]:
        raise NotImplementedError

    def provide(self, uses: Mapping[str, int]) -> None:
        """Make the primitives the workload will use, before ``start`` (a pool process inherits them)."""
        self._made.made = make_all(uses, self._makers(), self._made.executor)

    def shared(self, capability: str, index: int = 0) -> Any:
        return self._made.get(capability, index)
