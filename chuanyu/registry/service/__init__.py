"""Use cases of business registration. Every function takes a keyword-only `session`, only
flushes, and leaves the commit to the caller (the window's case transaction, an API route or a
CLI command).

    check_name(session, *, name) -> None              refuses a taken name (NameTaken, 409)
    issue_licence(session, *, node, application, case_number, received_member=None)
        -> LicenceRead                                assigns the code, signs, stores
    verify(session, *, node, request) -> VerifyResult  any licence of either region
    revoke(session, *, node, code, reason, actor) -> LicenceRead
    fetch(session, *, node, code) -> LicenceRead       a licence of either region, verified
"""

from __future__ import annotations

from chuanyu.registry.service.issue import issue_licence
from chuanyu.registry.service.names import (
    check_name,
    check_name_at,
    name_status,
    remote_name_status,
)
from chuanyu.registry.service.read import (
    count_cross_region,
    get,
    list_for_representative,
    list_licences,
)
from chuanyu.registry.service.revoke import revoke
from chuanyu.registry.service.verify import fetch, verify, verify_local

__all__ = [
    "check_name",
    "check_name_at",
    "count_cross_region",
    "fetch",
    "get",
    "issue_licence",
    "list_for_representative",
    "list_licences",
    "name_status",
    "remote_name_status",
    "revoke",
    "verify",
    "verify_local",
]
