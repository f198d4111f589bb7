"""The domains of Chuanyu and the optional modules each may provide (see docs/domains.md)."""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

DOMAINS: tuple[str, ...] = ("ledger", "housing_fund", "window", "registry", "jobs", "notices")


def optional_module(name: str) -> ModuleType | None:
    """Import `name` if the module exists; errors inside an existing module propagate."""
    try:
        spec = importlib.util.find_spec(name)
    except ModuleNotFoundError:
        return None
    if spec is None:
        return None
    return importlib.import_module(name)


def domain_modules(suffix: str) -> list[tuple[str, ModuleType]]:
    """Each domain's `chuanyu.<domain>.<suffix>` module, where it exists."""
    found = []
    for domain in DOMAINS:
        module = optional_module(f"chuanyu.{domain}.{suffix}")
        if module is not None:
            found.append((domain, module))
    return found


def page_modules() -> list[tuple[str, ModuleType]]:
    """Each domain's `chuanyu.web.routes.<domain>` page module, where it exists."""
    found = []
    for domain in DOMAINS:
        module = optional_module(f"chuanyu.web.routes.{domain}")
        if module is not None:
            found.append((domain, module))
    return found


def load_models() -> None:
    """Import every domain's models so that `Base.metadata` knows all tables."""
    import chuanyu.core.models  # noqa: F401
    import chuanyu.exchange.models  # noqa: F401

    domain_modules("models")


def load_handlers() -> None:
    """Import every domain's exchange handlers (services and stream consumers)."""
    import chuanyu.exchange.builtin  # noqa: F401
    import chuanyu.exchange.witness  # noqa: F401
    domain_modules("handlers")
