"""A TCP proxy between two live nodes that can lose the replies to chosen requests."""

from __future__ import annotations

import contextlib
import socket
import threading


class ReplyDropper:
    """Forwards every connection to a node; when armed, a request carrying `marker` reaches the
    node and is carried out, but the connection is closed before its reply gets back."""

    def __init__(self, target_port: int, marker: bytes) -> None:
        self.target_port = target_port
        self.marker = marker
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.lock = threading.Lock()
        self.to_drop = 0
        self.dropped = 0
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def drop_next(self, count: int) -> None:
        """Lose the replies to the next `count` requests carrying the marker."""
        with self.lock:
            self.to_drop = count

    def close(self) -> None:
        """Stop accepting connections."""
        self.closed = True
        self.listener.close()

    def _take(self) -> bool:
        with self.lock:
            if self.to_drop <= 0:
                return False
            self.to_drop -= 1
            return True

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
        except OSError:
            client.close()
            return
        losing = threading.Event()
        threading.Thread(target=self._requests, args=(client, upstream, losing),
                         daemon=True).start()
        try:
            while chunk := upstream.recv(65536):
                if losing.is_set():
                    with self.lock:
                        self.dropped += 1
                    return  # the node answered; the caller never hears it
                client.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (client, upstream):
                with contextlib.suppress(OSError):
                    sock.close()

    def _requests(self, client: socket.socket, upstream: socket.socket,
                  losing: threading.Event) -> None:
        try:
            while chunk := client.recv(65536):
                if self.marker in chunk and self._take():
                    losing.set()
                upstream.sendall(chunk)
        except OSError:
            pass
        with contextlib.suppress(OSError):
            upstream.shutdown(socket.SHUT_WR)
