"""A loopback TCP proxy whose `cut()` tears down every open connection, as a network fault would.

Each accepted connection gets an upstream connection and two pump threads. `cut()` resets both
sockets of every pair (SO_LINGER 0, so the peers see a reset, not a polite close); new
connections are accepted as before, so a client that reconnects gets through again.

Given several upstreams it is a load balancer, as a Kubernetes Service is: each new connection
goes to the next upstream in turn, skipping one that refuses (a replica that is down), and
`cut_one()` resets a single connection picked at random. Given several `listeners`, it accepts
on that many ports (`targets`), so clients whose channels are shared per target can still get a
connection each.
"""

from __future__ import annotations

import contextlib
import random
import socket
import struct
import threading
import types
from collections.abc import Sequence

_RESET_ON_CLOSE = struct.pack("ii", 1, 0)


def _address(upstream: str) -> tuple[str, int]:
    host, port = upstream.rsplit(":", 1)
    return host, int(port)


class TcpProxy:
    def __init__(self, upstream: str | Sequence[str], *, listeners: int = 1, seed: int = 0) -> None:
        upstreams = [upstream] if isinstance(upstream, str) else list(upstream)
        self.upstreams = [_address(u) for u in upstreams]
        self.upstream = self.upstreams[0]
        self._listeners = [socket.create_server(("127.0.0.1", 0)) for _ in range(listeners)]
        self.ports: list[int] = [listener.getsockname()[1] for listener in self._listeners]
        self.port = self.ports[0]
        self.targets = [f"127.0.0.1:{port}" for port in self.ports]
        self.target = self.targets[0]
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._closed = False
        self._next = 0
        self._random = random.Random(seed)
        self.connections = 0
        self.refused = 0  # upstream connections that failed (a replica was down)
        self._acceptors = [
            threading.Thread(target=self._accept, args=(listener,), name="tcp-proxy-accept", daemon=True)
            for listener in self._listeners
        ]
        for acceptor in self._acceptors:
            acceptor.start()

    def _connect_upstream(self) -> socket.socket | None:
        """The next upstream in turn that accepts; None when none does."""
        for _ in range(len(self.upstreams)):
            with self._lock:
                address = self.upstreams[self._next % len(self.upstreams)]
                self._next += 1
            try:
                server = socket.create_connection(address, timeout=5)
            except OSError:
                with self._lock:
                    self.refused += 1
                continue
            server.settimeout(None)
            return server
        return None

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed
            server = self._connect_upstream()
            if server is None:
                _reset(client)
                continue
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                if self._closed:
                    _reset(client)
                    _reset(server)
                    return
                self._pairs.append((client, server))
                self.connections += 1
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(256 * 1024)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            self._drop(source, sink)

    def _drop(self, a: socket.socket, b: socket.socket) -> None:
        with self._lock:
            self._pairs = [p for p in self._pairs if a not in p]
        _reset(a)
        _reset(b)

    @property
    def live(self) -> int:
        """Connections currently relayed."""
        with self._lock:
            return len(self._pairs)

    def cut_one(self) -> bool:
        """Resets one open connection picked at random; False when none is open."""
        with self._lock:
            if not self._pairs:
                return False
            pair = self._pairs.pop(self._random.randrange(len(self._pairs)))
        for sock in pair:
            _reset(sock)
        return True

    def cut(self) -> int:
        """Resets every open connection; returns how many there were."""
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for client, server in pairs:
            _reset(client)
            _reset(server)
        return len(pairs)

    def close(self) -> None:
        with self._lock:
            self._closed = True
        for listener in self._listeners:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() on Linux
            listener.close()
        self.cut()
        for acceptor in self._acceptors:
            acceptor.join(timeout=5)

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: types.TracebackType | None,
    ) -> None:
        self.close()


def _reset(sock: socket.socket) -> None:
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _RESET_ON_CLOSE)
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
