"""A TCP relay on 127.0.0.1 that delays each direction by a set time, and counts round trips.

Put between an SMTP client and a server on loopback, it makes every exchange cost what it
costs over a network: with ``one_way_s=0.025`` each client -> server -> client round trip takes
at least 50 ms. The TCP connection itself is accepted at once, but the relay connects to the
server only after one one-way delay, so the greeting reaches the client one round trip after
connecting, as over a network.

Round trips are counted per connection as the client sees them: each time the client sent
something and then received an answer (a client -> server burst answered by the server). The
greeting, which nothing asked for, is not counted; a TLS 1.3 handshake is one, TLS 1.2 two.

Bounded: at most ``max_connections`` at a time, each closed after ``max_connection_s``; the
relay runs on its own event loop in one background thread, stopped by :meth:`LatencyRelay.close`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections.abc import Callable
from types import TracebackType

CHUNK = 65536


@dataclasses.dataclass
class ConnectionStats:
    """What one relayed connection did."""

    round_trips: int = 0
    client_bytes: int = 0
    server_bytes: int = 0
    last_from: str = ""  # "client" or "server": whose data the client side saw last

    def client_sent(self, size: int) -> None:
        self.client_bytes += size
        self.last_from = "client"

    def server_answered(self, size: int) -> None:
        self.server_bytes += size
        if self.last_from == "client":
            self.round_trips += 1
        self.last_from = "server"


class LatencyRelay:
    """``with LatencyRelay(server_port, one_way_s=0.025) as relay:`` then connect to ``relay.port``."""

    def __init__(
        self,
        target_port: int,
        one_way_s: float,
        *,
        target_host: str = "127.0.0.1",
        max_connections: int = 16,
        max_connection_s: float = 60.0,
    ) -> None:
        self.target = (target_host, target_port)
        self.one_way_s = one_way_s
        self.max_connection_s = max_connection_s
        self.connections: list[ConnectionStats] = []
        self.port = 0
        self._max_connections = max_connections
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="latency-relay", daemon=True)
        self._server: asyncio.Server | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> LatencyRelay:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(timeout=10)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._server is not None:
            asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=10)
            self._server = None
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._loop.close()

    def last(self) -> ConnectionStats:
        """The most recent connection's figures (the runs are sequential)."""
        with self._lock:
            if not self.connections:
                raise RuntimeError("no connection went through the relay")
            return self.connections[-1]

    async def _listen(self) -> asyncio.Server:
        self._slots = asyncio.Semaphore(self._max_connections)
        return await asyncio.start_server(self._relay, "127.0.0.1", 0)

    async def _stop(self) -> None:
        assert self._server is not None
        self._server.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _relay(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        stats = ConnectionStats()
        with self._lock:
            self.connections.append(stats)
        async with self._slots:
            try:
                await asyncio.wait_for(self._run(stats, client_reader, client_writer), self.max_connection_s)
            except (TimeoutError, OSError):
                pass
            finally:
                client_writer.close()

    async def _run(
        self, stats: ConnectionStats, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        await asyncio.sleep(self.one_way_s)  # the client's SYN on its way to the server
        server_reader, server_writer = await asyncio.open_connection(*self.target)
        try:
            await asyncio.gather(
                self._direction(client_reader, server_writer, on_read=stats.client_sent, on_deliver=None),
                self._direction(server_reader, client_writer, on_read=None, on_deliver=stats.server_answered),
            )
        finally:
            server_writer.close()

    async def _direction(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        on_read: Callable[[int], None] | None,
        on_deliver: Callable[[int], None] | None,
    ) -> None:
        """Copy ``reader`` to ``writer``, each chunk ``one_way_s`` after it was read, in order."""
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, data = await queue.get()
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                if not data:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                if on_deliver is not None:
                    on_deliver(len(data))
                writer.write(data)
                await writer.drain()

        delivering = asyncio.ensure_future(deliver())
        try:
            while True:
                data = await reader.read(CHUNK)
                if data and on_read is not None:
                    on_read(len(data))
                queue.put_nowait((time.monotonic() + self.one_way_s, data))
                if not data:
                    break
            await delivering
        finally:
            delivering.cancel()
