"""Live counts that other domains feed into the ledger's totals.

A domain registers, at import time of its own module, a function counting its records up to a
day (None: all of them), so that a report as of a past date counts only what existed by then:

    from chuanyu.ledger.providers import register_live_metric
    register_live_metric("remote_loan_cases", "公积金异地贷款", count_remote_loans)

The report then shows the published figure, the ledger's count and this live count side by side.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

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
    count: Callable[[Session, date | None], int]


_METRICS: dict[str, LiveMetric] = {}


def register_live_metric(
    metric: str, label: str, fn: Callable[[Session, date | None], int]
) -> None:
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


def live_counts(session: Session, as_of: date | None = None) -> dict[str, int]:
    """Every live count of records dated on or before `as_of`; a failing count is left out."""
    counts: dict[str, int] = {}
    for metric, live in live_metrics().items():
        try:
            with session.begin_nested():
                counts[metric] = int(live.count(session, as_of))
        except SQLAlchemyError:
            log.exception("live metric %s could not be counted", metric)
    return counts
