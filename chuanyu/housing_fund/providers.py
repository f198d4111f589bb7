"""The live count the housing fund feeds into the cooperation ledger."""

from __future__ import annotations

from sqlalchemy.orm import Session

from chuanyu.housing_fund.service import lending
from chuanyu.ledger.providers import register_live_metric


def count_remote_loan_cases(session: Session) -> int:
    """Remote-loan cases this centre approved as lender (depositor of the other region)."""
    return lending.approved_count(session)


register_live_metric("remote_loan_cases", "公积金异地贷款", count_remote_loan_cases)
