"""States, actions and code lists of the service window."""

from __future__ import annotations

from enum import StrEnum


class HandlingMode(StrEnum):
    """How a cross-region matter is handled (the three modes of the 川渝通办 list)."""

    ONLINE = "online"  # 全程网办
    PROXY = "proxy"  # 异地代收代办
    JOINT = "joint"  # 多地联办


HANDLING_MODE_LABELS: dict[HandlingMode, str] = {
    HandlingMode.ONLINE: "全程网办",
    HandlingMode.PROXY: "代收代办",
    HandlingMode.JOINT: "多地联办",
}


class CaseStatus(StrEnum):
    """Where a case stands."""

    RECEIVED = "received"  # 已收件，已转递受理地
    ACCEPTED = "accepted"  # 已受理，审查中
    SUPPLEMENT = "supplement_requested"  # 待补正，计时暂停
    APPROVED = "approved"  # 准予办理
    REJECTED = "rejected"  # 不予办理
    WITHDRAWN = "withdrawn"  # 申请人撤回
    DELIVERED = "delivered"  # 已送达/领取，办结


STATUS_LABELS: dict[CaseStatus, str] = {
    CaseStatus.RECEIVED: "已收件",
    CaseStatus.ACCEPTED: "审查中",
    CaseStatus.SUPPLEMENT: "待补正",
    CaseStatus.APPROVED: "准予办理",
    CaseStatus.REJECTED: "不予办理",
    CaseStatus.WITHDRAWN: "已撤回",
    CaseStatus.DELIVERED: "已办结",
}


class Action(StrEnum):
    """What someone can do to a case."""

    RECEIVE = "receive"
    ACCEPT = "accept"
    REQUEST_SUPPLEMENT = "request_supplement"
    SUPPLY = "supply"
    APPROVE = "approve"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    DELIVER = "deliver"


ACTION_LABELS: dict[Action, str] = {
    Action.RECEIVE: "窗口收件",
    Action.ACCEPT: "受理",
    Action.REQUEST_SUPPLEMENT: "一次性告知补正",
    Action.SUPPLY: "补正材料",
    Action.APPROVE: "准予办理",
    Action.REJECT: "不予办理",
    Action.WITHDRAW: "撤回申请",
    Action.DELIVER: "送达/领取",
}


class Side(StrEnum):
    """The two ends of a cross-region case."""

    INTAKE = "intake"  # the window that received the application (region A)
    AUTHORITY = "authority"  # the competent authority that decides (region B)


class ApplicantKind(StrEnum):
    """Who applies: a person (resident ID) or an organisation (USCC)."""

    PERSON = "person"
    COMPANY = "company"


class PayloadKind(StrEnum):
    """Structured application data a matter needs beyond the materials."""

    NONE = "none"
    BUSINESS_REGISTRATION = "business_registration"


class Urgency(StrEnum):
    """How close a running case is to its due date."""

    ON_TRACK = "on_track"
    NEAR = "near"
    OVERDUE = "overdue"
    PAUSED = "paused"
    DONE = "done"
