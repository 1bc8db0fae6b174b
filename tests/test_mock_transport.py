"""The mock's transport wrapper: a small answer's head and body leave in one write."""

from __future__ import annotations

import asyncio
from typing import Any

from attachkit.mock.transport import COALESCE_BYTES, CoalescingTransport


class RecordingTransport(asyncio.Transport):
    """Records what reaches the socket, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[Any] = []
        self.closing = False

    def write(self, data: Any) -> None:
        self.events.append(bytes(data))

    def close(self) -> None:
        self.events.append("close")
        self.closing = True

    def abort(self) -> None:
        self.events.append("abort")
        self.closing = True

    def is_closing(self) -> bool:
        return self.closing

    def get_write_buffer_size(self) -> int:
        return 0


def _run(steps: Any) -> list[Any]:
    async def main() -> list[Any]:
        raw = RecordingTransport()
        await steps(CoalescingTransport(raw, asyncio.get_running_loop()), raw)
        return raw.events

    return asyncio.run(main())


def test_writes_of_one_step_leave_together_at_its_end() -> None:
    async def steps(transport: CoalescingTransport, raw: RecordingTransport) -> None:
        transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
        transport.write(b"body")
        assert raw.events == [] and transport.get_write_buffer_size() == 23  # held, counted
        await asyncio.sleep(0)
        transport.write(b"next")
        await asyncio.sleep(0)

    assert _run(steps) == [b"HTTP/1.1 200 OK\r\n\r\nbody", b"next"]


def test_a_large_write_goes_at_once_after_what_was_held() -> None:
    big = b"x" * (COALESCE_BYTES + 1)

    async def steps(transport: CoalescingTransport, raw: RecordingTransport) -> None:
        transport.write(b"head")
        transport.write(big)
        assert raw.events == [b"head", big]  # in order, not waiting for the step's end
        await asyncio.sleep(0)

    assert _run(steps) == [b"head", big]


def test_close_sends_what_is_held_first_and_abort_drops_it() -> None:
    async def closing(transport: CoalescingTransport, raw: RecordingTransport) -> None:
        transport.write(b"partial body")
        transport.close()  # a cut fault: the bytes before the cut must still go out
        await asyncio.sleep(0)

    async def aborting(transport: CoalescingTransport, raw: RecordingTransport) -> None:
        transport.write(b"never sent")
        transport.abort()  # a reset fault: nothing more reaches the client
        await asyncio.sleep(0)

    assert _run(closing) == [b"partial body", "close"]
    assert _run(aborting) == ["abort"]
