"""Turn stored rows into the read shapes that the API, pages and CLI share."""

from __future__ import annotations

import json
from urllib.parse import quote

from sqlalchemy.orm import Session

from chuanyu.core.identifiers import mask_resident_id
from chuanyu.core.schemas import from_row
from chuanyu.housing_fund.enums import (
    APPLICATION_STATUS_LABELS,
    ApplicationStatus,
    RepaymentMethod,
)
from chuanyu.housing_fund.models import Account, Application, IssuedCertificate
from chuanyu.housing_fund.rules import Schedule
from chuanyu.housing_fund.schemas import (
    AccountRead,
    ApplicationRead,
    IssuedCertificateRead,
    RuleOutcomeRead,
    ScheduleRead,
    ScheduleRowRead,
)
from chuanyu.housing_fund.service import accounts


def to_read(app: Application, *, home_url: str | None = None) -> ApplicationRead:
    """An application with its decision and certificate, ID masked; while it waits for
    consent, the request and (given the home node's address) the link to decide on it."""
    waiting = app.status == ApplicationStatus.AWAITING_CONSENT
    outcomes = [RuleOutcomeRead(**o) for o in json.loads(app.outcomes)] if app.outcomes else []
    return ApplicationRead(
        application_no=app.application_no,
        applicant_name=app.applicant_name,
        masked_id=mask_resident_id(app.resident_id),
        depositing_member=app.depositing_member,
        amount=app.amount,
        term_years=app.term_years,
        method=RepaymentMethod(app.method),
        home=app.home,  # type: ignore[arg-type]
        property_kind=app.property_kind,  # type: ignore[arg-type]
        property_price=app.property_price,
        monthly_income=app.monthly_income,
        with_spouse=app.with_spouse,
        status=app.status,  # type: ignore[arg-type]
        status_label=APPLICATION_STATUS_LABELS[app.status],
        refusal_code=app.refusal_code,
        refusal_detail=app.refusal_detail,
        fetch_attempts=app.fetch_attempts or 0,
        fetch_outcome=app.fetch_outcome,
        consent_id=app.consent_id,
        consent_expires_at=app.consent_expires_at,
        consent_request=app.consent_token if waiting else None,
        consent_url=f"{home_url}/housing_fund/consent?request={quote(app.consent_token, safe='')}"
        if waiting and home_url
        else None,
        certificate_no=app.certificate_no,
        certificate_verified=app.certificate_verified,
        certificate_fingerprint=app.certificate_fingerprint,
        certificate=json.loads(app.certificate_body) if app.certificate_body else None,
        decided_at=app.decided_at,
        outcomes=outcomes,
        max_amount=app.max_amount,
        max_term_years=app.max_term_years,
        annual_rate=app.annual_rate.normalize() if app.annual_rate is not None else None,
        created_at=app.created_at,
    )


def to_account_read(*, session: Session, row: Account) -> AccountRead:
    """An account with its derived deposit months."""
    summary = accounts.deposit_summary(session=session, account_id=row.id)
    return from_row(AccountRead, row, monthly_amount=accounts.monthly_amount(row),
                    first_month=summary.first_month, latest_month=summary.latest_month,
                    continuous_months=summary.continuous_months)


def to_issued_read(row: IssuedCertificate) -> IssuedCertificateRead:
    """A certificate this centre issued."""
    return from_row(IssuedCertificateRead, row, body=json.loads(row.body))


def to_schedule_read(plan: Schedule) -> ScheduleRead:
    """A schedule with its totals."""
    return ScheduleRead(
        principal=plan.principal,
        annual_rate=plan.annual_rate_percent,
        months=plan.months,
        method=plan.method,
        monthly_payment=plan.monthly_payment,
        total_interest=plan.total_interest,
        total_payment=plan.total_payment,
        rows=[
            ScheduleRowRead(
                period=r.period,
                payment=r.payment,
                principal=r.principal,
                interest=r.interest,
                balance=r.balance,
            )
            for r in plan.rows
        ],
    )
