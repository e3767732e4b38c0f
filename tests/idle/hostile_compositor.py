"""A fake Wayland compositor on a real Unix socket, served by a thread, that can misbehave.

Each connection gets the next behaviour from the list it was given (the last one repeats):
"good" answers the registry and the syncs as sway does; "trickle" sends one wl_registry.global
every `trickle_every` seconds and never answers the sync; "flood" sends globals with new names
as fast as the socket takes them and never answers the sync; "garbage" answers with bytes that
are no message at all. After a good handshake, once the idle notification is asked for:
"flood_after" floods globals, "unknown_after" floods events for objects that do not exist,
"fds_after" does the same with a file descriptor on every write, "garbage_after" sends garbage.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Sequence
from pathlib import Path

from standup.idle.wayland_wire import INTERFACES, MessageBuffer, pack_message, unpack_args

SWAY_GLOBALS = (("wl_seat", 7), ("wl_output", 4), ("ext_idle_notifier_v1", 1))
# Sent at once, many to a write, so the flood is limited by how fast the client reads.
_FLOOD_BATCH = 64


class HostileCompositor:
    def __init__(
        self, path: Path, behaviours: Sequence[str] = ("good",), *, trickle_every: float = 0.1
    ) -> None:
        self.path = path
        self.behaviours = list(behaviours)
        self.trickle_every = trickle_every
        self.connections = 0
        self.globals_sent = 0
        self.messages_sent = 0  # for objects that do not exist
        self._stop = threading.Event()
        self._clients: list[socket.socket] = []
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(str(path))
        self._listener.listen(8)
        self._thread = threading.Thread(target=self._accept, name="fake-compositor", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        for client in self._clients:
            with contextlib.suppress(OSError):
                client.shutdown(socket.SHUT_RDWR)
            client.close()
        self._thread.join(timeout=2)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            behaviour = self.behaviours[min(self.connections, len(self.behaviours) - 1)]
            self.connections += 1
            self._clients.append(client)
            threading.Thread(
                target=self._serve_quietly, args=(client, behaviour), daemon=True
            ).start()

    def _serve_quietly(self, client: socket.socket, behaviour: str) -> None:
        with contextlib.suppress(OSError):  # the client hung up: that is its right
            self._serve(client, behaviour)

    def _serve(self, client: socket.socket, behaviour: str) -> None:
        ids = {1: "wl_display"}
        buffer = MessageBuffer()
        while not self._stop.is_set() and (data := client.recv(4096)):
            for message in buffer.feed(data):
                interface = ids[message.object_id]
                name, signature = INTERFACES[interface].requests[message.opcode]
                args = unpack_args(signature, message.payload)
                if name == "get_registry":
                    registry = int(args[0] or 0)
                    ids[registry] = "wl_registry"
                    if behaviour == "garbage":
                        client.sendall(b"\x01\0\0\0\x00\x00\x03\x00" * 8)
                    elif behaviour == "trickle":
                        self._trickle(client, registry)
                    elif behaviour == "flood":
                        self._flood(client, registry)
                    else:
                        for number, (global_, version) in enumerate(SWAY_GLOBALS, start=1):
                            client.sendall(
                                pack_message(registry, 0, "usu", (number, global_, version))
                            )
                elif name == "sync" and (behaviour == "good" or behaviour.endswith("_after")):
                    callback = int(args[0] or 0)
                    client.sendall(
                        pack_message(callback, 0, "u", (0,)) + pack_message(1, 1, "u", (callback,))
                    )
                elif name == "bind":
                    ids[int(args[3] or 0)] = str(args[1])
                elif name == "get_idle_notification":
                    ids[int(args[0] or 0)] = "ext_idle_notification_v1"
                    if behaviour.endswith("_after"):
                        registry = next(i for i, n in ids.items() if n == "wl_registry")
                        threading.Thread(
                            target=self._misbehave_after,
                            args=(client, behaviour, registry),
                            daemon=True,
                        ).start()

    def _misbehave_after(self, client: socket.socket, behaviour: str, registry: int) -> None:
        if self._stop.wait(0.1):  # let the client finish its handshake first
            return
        with contextlib.suppress(OSError):
            if behaviour == "flood_after":
                self._flood(client, registry)
            elif behaviour == "garbage_after":
                client.sendall(b"\x01\0\0\0\x00\x00\x03\x00")
            else:
                self._flood_unknown(client, with_fds=behaviour == "fds_after")

    def _trickle(self, client: socket.socket, registry: int) -> None:
        number = 0
        while not self._stop.wait(self.trickle_every):
            number += 1
            self.globals_sent += 1
            client.sendall(pack_message(registry, 0, "usu", (number, f"trickle_{number}", 1)))

    def _flood(self, client: socket.socket, registry: int) -> None:
        number = 0
        while not self._stop.is_set():
            batch = bytearray()
            for _ in range(_FLOOD_BATCH):
                number += 1
                # Long names, each new: a client that keeps every name grows fast.
                name = f"flood_{number:08d}_" + "x" * 200
                batch += pack_message(registry, 0, "usu", (number, name, 1))
            self.globals_sent += _FLOOD_BATCH
            client.sendall(batch)

    def _flood_unknown(self, client: socket.socket, *, with_fds: bool) -> None:
        """Events for ids the client never made (libwayland would drop them), each write
        carrying the fd of /dev/null when asked: the client must not keep either."""
        batch = b"".join(pack_message(0xFF000000 + n, 0, "u", (n,)) for n in range(_FLOOD_BATCH))
        with open(os.devnull, "rb") as devnull:
            while not self._stop.is_set():
                sent = socket.send_fds(client, [batch], [devnull.fileno()]) if with_fds else 0
                client.sendall(batch[sent:])
                self.messages_sent += _FLOOD_BATCH
