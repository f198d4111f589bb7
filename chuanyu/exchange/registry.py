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
    """A consumer of an event stream."""

    name: str
    apply: Callable[..., None]


SERVICES: dict[str, Service] = {}
STREAMS: dict[str, Stream] = {}


def service(name: str, *, request: type[BaseModel], response: type[BaseModel]) -> Any:
    """Register the decorated function as the handler of service `name`."""

    def register(handler: Callable[..., BaseModel]) -> Callable[..., BaseModel]:
        SERVICES[name] = Service(name, handler, request, response)
        return handler

    return register


def stream(name: str) -> Any:
    """Register the decorated function as this node's consumer of stream `name`."""

    def register(apply: Callable[..., None]) -> Callable[..., None]:
        STREAMS[name] = Stream(name, apply)
        return apply

    return register
