"""Retry pauses while waiting for the index writer."""

from __future__ import annotations

from itertools import islice

from chuanyu.jobs.index_lock import retry_delays


def test_retry_pauses_double_up_to_the_bound() -> None:
    assert list(islice(retry_delays(1.0, 30.0), 8)) == [1, 2, 4, 8, 16, 30, 30, 30]
