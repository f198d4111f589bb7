"""Route dependencies: the application exists and the caller may see it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from chuanyu.core.db import ReadSessionDep
from chuanyu.core.errors import PermissionDenied
from chuanyu.core.security import CurrentUser
from chuanyu.housing_fund import permissions
from chuanyu.housing_fund.models import Application
from chuanyu.housing_fund.service import lending


def get_visible_application(
    application_no: str, session: ReadSessionDep, user: CurrentUser
) -> Application:
    """The application, when it exists and the caller may see it (else 404 / 403)."""
    app = lending.get(session=session, application_no=application_no)
    if not permissions.can_view_application(user, app):
        raise PermissionDenied("只能查看本人的贷款申请")
    return app


VisibleApplication = Annotated[Application, Depends(get_visible_application)]
