"""A deliberately broken HTTP/1.1 server for the client's bounds: cuts, lies, drips, bombs.

Each test gives it an ``answer(connection, request_head, number)`` function that writes whatever
raw bytes the case needs. The server listens on 127.0.0.1 only, answers at most
``max_connections`` connections (so a client stuck in a loop cannot keep a test alive), polls a
stop flag, and is stopped (listener closed, threads joined) when the ``with`` block ends.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from types import TracebackType

Answer = Callable[[socket.socket, bytes, int], None]


class HostileServer:
    def __init__(self, answer: Answer, *, max_connections: int = 40) -> None:
        self.answer = answer
        self.max_connections = max_connections
        self.requests: list[bytes] = []
        self.stopping = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/file.bin"

    def __enter__(self) -> HostileServer:
        self._acceptor.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stopping.set()
        self._acceptor.join(timeout=10)
        for thread in self._threads:
            thread.join(timeout=10)
        self._listener.close()

    def _accept(self) -> None:
        while not self.stopping.is_set() and len(self.requests) < self.max_connections:
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(connection,), daemon=True)
            self._threads.append(thread)
            thread.start()
        # Refused from here on: a client that keeps coming back fails fast instead of hanging.
        self._listener.close()

    def _serve(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(5)
            head = b""
            with contextlib.suppress(OSError):
                while b"\r\n\r\n" not in head and len(head) < 65536:
                    data = connection.recv(65536)
                    if not data:
                        return
                    head += data
            number = len(self.requests)
            self.requests.append(head)
            with contextlib.suppress(OSError):
                self.answer(connection, head, number)
                connection.shutdown(socket.SHUT_RDWR)

    def header_values(self, name: str) -> list[str | None]:
        """The value of request header ``name`` in each request received, None where absent."""
        found: list[str | None] = []
        for head in self.requests:
            value = None
            for line in head.decode("latin-1").split("\r\n")[1:]:
                key, _, rest = line.partition(":")
                if key.strip().lower() == name.lower():
                    value = rest.strip()
            found.append(value)
        return found


def head(status: str, **headers: str | int) -> bytes:
    """A response head: ``head("200 OK", content_length=10)`` (underscores become dashes)."""
    lines = [f"HTTP/1.1 {status}"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
