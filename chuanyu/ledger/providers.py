"""Live counts that other domains feed into the ledger's totals.

A domain registers, at import time of its own module, a function counting its records:

    from chuanyu.ledger.providers import register_live_metric
    register_live_metric("remote_loan_cases", "公积金异地贷款", count_remote_loans)

The report then shows the published figure, the ledger's count and this live count side by side.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from chuanyu import domains

log = logging.getLogger(__name__)

# Modules where the domains are expected to register their live metrics.
PROVIDER_MODULES = ("providers", "handlers", "service")


@dataclass(frozen=True, slots=True)
class LiveMetric:
    """A live count of another domain."""

    metric: str
    label: str
    count: Callable[[Session], int]


_METRICS: dict[str, LiveMetric] = {}


def register_live_metric(metric: str, label: str, fn: Callable[[Session], int]) -> None:
    """Register (or replace) the live count of `metric`."""
    _METRICS[metric] = LiveMetric(metric, label, fn)


def unregister_live_metric(metric: str) -> None:
    """Remove a live count (tests)."""
    _METRICS.pop(metric, None)


def live_metrics() -> dict[str, LiveMetric]:
    """Every registered live count, after importing the domains' registering modules."""
    for suffix in PROVIDER_MODULES:
        domains.domain_modules(suffix)
    return dict(_METRICS)


def live_counts(session: Session) -> dict[str, int]:
    """Current value of every live count; a failing count is logged and left out."""
    counts: dict[str, int] = {}
    for metric, live in live_metrics().items():
        try:
            with session.begin_nested():
                counts[metric] = int(live.count(session))
        except SQLAlchemyError:
            log.exception("live metric %s could not be counted", metric)
    return counts
