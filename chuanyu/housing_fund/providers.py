"""The live count the housing fund feeds into the cooperation ledger."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chuanyu.core.clock import CHINA
from chuanyu.housing_fund.enums import ApplicationStatus
from chuanyu.housing_fund.models import Application
from chuanyu.housing_fund.service import lending
from chuanyu.ledger.providers import register_live_metric


def count_remote_loan_cases(session: Session, as_of: date | None = None) -> int:
    """Remote-loan cases this centre approved as lender, up to the end of `as_of` (Beijing time)."""
    if as_of is None:
        return lending.approved_count(session=session)
    day_end = datetime.combine(as_of + timedelta(days=1), time(0), tzinfo=CHINA)
    query = select(func.count()).where(
        Application.status == ApplicationStatus.APPROVED, Application.decided_at < day_end
    )
    return int(session.scalar(query) or 0)


register_live_metric("remote_loan_cases", "公积金异地贷款", count_remote_loan_cases)
