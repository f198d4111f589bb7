"""Services and stream consumers that domains register with the exchange."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel


@dataclass(frozen=True)
class Service:
    """A synchronous service: a handler with its request and response models."""

    name: str
    handler: Callable[..., BaseModel]
    request: type[BaseModel]
    response: type[BaseModel]


@dataclass(frozen=True)
class Stream:
    """A consumer of an event stream: one event at a time, or a whole run at once."""

    name: str
    apply: Callable[..., None]
    batched: bool = False


SERVICES: dict[str, Service] = {}
STREAMS: dict[str, Stream] = {}


def service(name: str, *, request: type[BaseModel], response: type[BaseModel]) -> Any:
    """Register the decorated function as the handler of service `name`."""

    def register(handler: Callable[..., BaseModel]) -> Callable[..., BaseModel]:
        SERVICES[name] = Service(name, handler, request, response)
        return handler

    return register


def stream(name: str, *, batched: bool = False) -> Any:
    """Register the decorated function as this node's consumer of stream `name`.

    A batched consumer is called as `apply(session=, node=, producer=, events=[StreamEvent])`
    with every event of a run, in order (for high-volume streams); otherwise once per event.
    """

    def register(apply: Callable[..., None]) -> Callable[..., None]:
        STREAMS[name] = Stream(name, apply, batched)
        return apply

    return register


@dataclass(frozen=True)
class StreamEvent:
    """One event handed to a batched consumer."""

    seq: int
    event_type: str
    payload: dict[str, Any]
