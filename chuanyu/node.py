"""A running region node: its settings, federation, key, database and exchange."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from chuanyu.core import db, extras
from chuanyu.core.config import Settings
from chuanyu.exchange import federation, signing
from chuanyu.exchange.federation import Descriptor

if TYPE_CHECKING:
    from chuanyu.core.leader import LeaderLock
    from chuanyu.exchange.client import ExchangeClient
    from chuanyu.exchange.relay import Relay

log = logging.getLogger(__name__)


@dataclass
class Node:
    """One member of the federation, as seen from inside its own process."""

    member: str
    settings: Settings
    descriptor: Descriptor
    signing_key: Ed25519PrivateKey
    engine: Engine
    sessions: sessionmaker[Session]  # write sessions (chuanyu.core.db.write_scope)
    read_engine: Engine
    read_sessions: sessionmaker[Session]  # read sessions (chuanyu.core.db.read_scope)
    relay: Relay | None = None
    # Set while the process serves the node: whether it leads the once-per-node work.
    leader: LeaderLock | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    # What domains opened in this process and must release on close (an index writer, …).
    closers: list[Callable[[], None]] = field(default_factory=list)
    _exchange: ExchangeClient | None = None

    @property
    def exchange(self) -> ExchangeClient:
        """Client for calling other members' services."""
        if self._exchange is None:
            from chuanyu.exchange.client import ExchangeClient

            self._exchange = ExchangeClient(self)
        return self._exchange

    @property
    def name(self) -> str:
        """The member's display name (重庆市, 四川省)."""
        return self.descriptor.members[self.member].name

    def sign(self, data: bytes) -> str:
        """This node's Ed25519 signature of `data`, base64."""
        return signing.sign(self.signing_key, data)

    def verify(self, member: str, signature: str, data: bytes) -> bool:
        """True when `signature` is `member`'s signature of `data`."""
        try:
            key = self.descriptor.public_key(member)
        except KeyError:
            return False
        return signing.verify(key, signature, data)

    def start_relay(self) -> None:
        """Start delivering this node's outbox in the background."""
        from chuanyu.exchange.relay import Relay

        self.relay = Relay(self)
        self.relay.start()

    def close(self) -> None:
        """Stop background work and release what the node holds (connections, locks)."""
        while self.closers:
            closer = self.closers.pop()
            try:
                closer()
            except Exception:  # one failing closer must not keep the others' locks held
                log.exception("closing %s failed", getattr(closer, "__qualname__", closer))
        if self.relay is not None:
            self.relay.stop()
            self.relay = None
        if self._exchange is not None:
            self._exchange.close()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()
        self.engine.dispose()


def open_node(settings: Settings, *, migrate: bool = True) -> Node:
    """Load the federation (refusing an unverified descriptor), open the database, migrate."""
    from chuanyu import domains

    descriptor = federation.load(settings.federation_path)
    if settings.member not in descriptor.members:
        raise federation.DescriptorError(f"{settings.member} is not a member of this federation")
    key = signing.read_private_key(federation.member_key_path(settings.federation_path,
                                                               settings.member))
    if signing.public_key_text(key) != descriptor.members[settings.member].public_key:
        raise federation.DescriptorError(
            f"the key of {settings.member} does not match the descriptor")
    domains.load_models()
    domains.load_handlers()
    extras.require_database_driver(db.database_url(settings))
    engine = db.make_engine(settings)
    if migrate:
        db.upgrade(engine)
    read_engine = db.make_read_engine(settings, engine)
    node = Node(member=settings.member, settings=settings, descriptor=descriptor,
                signing_key=key, engine=engine, sessions=db.make_sessionmaker(engine),
                read_engine=read_engine, read_sessions=db.make_read_sessionmaker(read_engine))
    node.sessions.configure(info={"node": node})
    node.read_sessions.configure(info={"node": node, db.READ_ONLY: True})
    return node


def get_node(request: Request) -> Node:
    """FastAPI dependency: the node serving this request."""
    node: Node = request.app.state.node
    return node


NodeDep = Annotated[Node, Depends(get_node)]
