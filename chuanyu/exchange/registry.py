"""Services and stream consumers that domains register with the exchange."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ClaimedOwners = Callable[[str, dict[str, Any]], Iterable[str]]
StoredOwners = Callable[["Session", str, dict[str, Any]], Iterable[str]]


@dataclass(frozen=True)
class Service:
    """A synchronous service: a handler with its request and response models."""

    name: str
    handler: Callable[..., BaseModel]
    request: type[BaseModel]
    response: type[BaseModel]
    idempotent: bool = False  # state-changing: calls carry an idempotency key (see idempotency)


@dataclass(frozen=True)
class Ownership:
    """How to tell which members own the records an event creates, changes or deletes.

    `claimed(event_type, payload)` reads the owners the event itself names; `stored(session,
    event_type, payload)` looks up, as this node holds them, the owners of the records the event
    would change or delete (and of any other record it would write). Only the owner of every
    one of them may produce the event.
    """

    claimed: ClaimedOwners
    stored: StoredOwners | None = None

    def owners(self, session: Session, event_type: str, payload: dict[str, Any]) -> set[str]:
        """Every member owning a record this event writes."""
        found = set(self.claimed(event_type, payload))
        if self.stored is not None:
            found.update(self.stored(session, event_type, payload))
        return found


def _no_owned_records(event_type: str, payload: dict[str, Any]) -> tuple[str, ...]:
    del event_type, payload
    return ()


# For streams whose events only ever add rows kept under the producer's own name.
PRODUCER_ONLY = Ownership(claimed=_no_owned_records)


@dataclass(frozen=True)
class Stream:
    """A consumer of an event stream: one event at a time, or a whole run at once."""

    name: str
    apply: Callable[..., None]
    owner: Ownership
    batched: bool = False


SERVICES: dict[str, Service] = {}
STREAMS: dict[str, Stream] = {}


@dataclass(frozen=True)
class PersonalData:
    """What a service call or an event carries of one person's data, for the audit log.

    `subject(data)` reads the person's resident ID from the request or event payload (JSON);
    when the payload names only a record (a case number), `lookup(session, data)` finds the
    person in this node's database instead;
    `basis(data)` the ground it travels on: "consent:<id>" for a consent the person's home node
    issued, or a legal basis such as "applicant_request" (the person applied themselves).
    `fields` names what is shared (never the values) and `purpose` why, for the person's log.
    """

    subject: Callable[[dict[str, Any]], str]
    basis: Callable[[dict[str, Any]], str]
    fields: tuple[str, ...]
    purpose: str
    recipient: str = ""  # the kind of authority it goes to, e.g. the housing fund centre
    lookup: Callable[[Session, dict[str, Any]], str | None] | None = None


# Keyed by service name, or by "<stream>:<event type>" for events.
PERSONAL: dict[str, PersonalData] = {}


def personal_data(key: str, spec: PersonalData) -> None:
    """Declare that calls of service `key` (or events "<stream>:<type>") carry personal data."""
    PERSONAL[key] = spec


def carried(key: str, data: dict[str, Any], *, session: Session | None = None
            ) -> tuple[str, str]:
    """(subject, basis) of a call or event declared personal, else ("", "")."""
    spec = PERSONAL.get(key)
    if spec is None:
        return "", ""
    try:
        subject: str | None = spec.subject(data)
        if not subject and spec.lookup is not None and session is not None:
            subject = spec.lookup(session, data)
        return str(subject or "").strip().upper()[:18], str(spec.basis(data) or "")
    except (KeyError, TypeError, ValueError):
        return "", ""


def service(name: str, *, request: type[BaseModel], response: type[BaseModel],
            idempotent: bool = False) -> Any:
    """Register the decorated function as the handler of service `name`.

    `idempotent=True` declares a state-changing service: a caller's retry under the same
    idempotency key is answered with the stored answer instead of running it again.
    """

    def register(handler: Callable[..., BaseModel]) -> Callable[..., BaseModel]:
        SERVICES[name] = Service(name, handler, request, response, idempotent)
        return handler

    return register


def stream(name: str, *, owner: Ownership | None = None, batched: bool = False) -> Any:
    """Register the decorated function as this node's consumer of stream `name`.

    `owner` tells the inbox who owns the records each event writes: events from any other
    member are refused (`not_owner`) before the consumer sees them. Leaving it out declares
    `PRODUCER_ONLY`: the consumer keeps every row under the producer's own name.
    A batched consumer is called as `apply(session=, node=, producer=, events=[StreamEvent])`
    with every event of a run, in order (for high-volume streams); otherwise once per event.
    """

    def register(apply: Callable[..., None]) -> Callable[..., None]:
        STREAMS[name] = Stream(name, apply, owner or PRODUCER_ONLY, batched)
        return apply

    return register


@dataclass(frozen=True)
class StreamEvent:
    """One event handed to a batched consumer."""

    seq: int
    event_type: str
    payload: dict[str, Any]
