"""Enumerations of the cooperation ledger."""

from __future__ import annotations

from enum import StrEnum


class EntryKind(StrEnum):
    """What an entry records."""

    AGREEMENT = "agreement"
    MEETING = "meeting"
    PROJECT_LIST = "project_list"
    PERSONNEL_EXCHANGE = "personnel_exchange"
    SERVICE_OPENED = "service_opened"
    ENFORCEMENT = "enforcement"
    DOCUMENTS = "documents"


KIND_LABELS: dict[str, str] = {
    EntryKind.AGREEMENT: "合作协议",
    EntryKind.MEETING: "会议",
    EntryKind.PROJECT_LIST: "项目清单",
    EntryKind.PERSONNEL_EXCHANGE: "干部互派",
    EntryKind.SERVICE_OPENED: "联合服务开通",
    EntryKind.ENFORCEMENT: "联合执法",
    EntryKind.DOCUMENTS: "文件印发",
}


class MeetingKind(StrEnum):
    """Kinds of meeting the joint office records."""

    PARTY_GOVERNMENT_JOINT = "party_government_joint"
    DISPATCH = "dispatch"
    CONSULTATION = "consultation"
    OTHER = "other"


MEETING_LABELS: dict[str, str] = {
    MeetingKind.PARTY_GOVERNMENT_JOINT: "党政联席会议",
    MeetingKind.DISPATCH: "工作调度会",
    MeetingKind.CONSULTATION: "座谈会商",
    MeetingKind.OTHER: "其他会议",
}


class ServiceKind(StrEnum):
    """Joint services that can be opened across the two regions."""

    WINDOW = "window"
    BUS_LINE = "bus_line"
    JOB_INFORMATION = "job_information"
    HOUSING_FUND = "housing_fund"
    LICENCE = "licence"
    JOINT_OFFICE = "joint_office"
    OTHER = "other"


SERVICE_LABELS: dict[str, str] = {
    ServiceKind.WINDOW: "异地办事窗口",
    ServiceKind.BUS_LINE: "跨省公交线路",
    ServiceKind.JOB_INFORMATION: "求职招聘信息系统",
    ServiceKind.HOUSING_FUND: "住房公积金异地业务",
    ServiceKind.LICENCE: "异地营业执照",
    ServiceKind.JOINT_OFFICE: "联合办公机构",
    ServiceKind.OTHER: "其他联合服务",
}


class DatePrecision(StrEnum):
    """How much of an entry's date is known; a date is never invented beyond this."""

    DAY = "day"
    MONTH = "month"
    UNKNOWN = "unknown"


class EntryStatus(StrEnum):
    """Whether the recorded event took place or is announced for later."""

    DONE = "done"
    PLANNED = "planned"


class FirstStatus(StrEnum):
    """How sure a derived first is."""

    CERTAIN = "certain"
    TIE = "tie"
    UNCERTAIN = "uncertain"
    NONE = "none"
