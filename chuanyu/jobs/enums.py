"""States and code lists of job postings."""

from __future__ import annotations

from enum import StrEnum


class PostingStatus(StrEnum):
    """Life of a posting: open until closed by its employer or past its end date."""

    OPEN = "open"
    CLOSED = "closed"
    EXPIRED = "expired"


class Education(StrEnum):
    """Minimum schooling a posting asks for, lowest first."""

    ANY = "any"
    JUNIOR = "junior"
    SENIOR = "senior"
    COLLEGE = "college"
    BACHELOR = "bachelor"
    MASTER = "master"
    DOCTOR = "doctor"


class Experience(StrEnum):
    """Minimum work experience a posting asks for."""

    ANY = "any"
    GRADUATE = "graduate"
    UNDER_1 = "lt1"
    Y1_3 = "1-3"
    Y3_5 = "3-5"
    Y5_10 = "5-10"
    OVER_10 = "gt10"


class EmploymentType(StrEnum):
    """用工形式."""

    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    INTERNSHIP = "internship"
    DISPATCH = "dispatch"


EDUCATION_LABELS: dict[Education, str] = {
    Education.ANY: "学历不限",
    Education.JUNIOR: "初中及以下",
    Education.SENIOR: "高中/中专",
    Education.COLLEGE: "大专",
    Education.BACHELOR: "本科",
    Education.MASTER: "硕士",
    Education.DOCTOR: "博士",
}

EXPERIENCE_LABELS: dict[Experience, str] = {
    Experience.ANY: "经验不限",
    Experience.GRADUATE: "应届生",
    Experience.UNDER_1: "1年以下",
    Experience.Y1_3: "1-3年",
    Experience.Y3_5: "3-5年",
    Experience.Y5_10: "5-10年",
    Experience.OVER_10: "10年以上",
}

EMPLOYMENT_LABELS: dict[EmploymentType, str] = {
    EmploymentType.FULL_TIME: "全职",
    EmploymentType.PART_TIME: "兼职",
    EmploymentType.INTERNSHIP: "实习",
    EmploymentType.DISPATCH: "劳务派遣",
}

STATUS_LABELS: dict[PostingStatus, str] = {
    PostingStatus.OPEN: "招聘中",
    PostingStatus.CLOSED: "已关闭",
    PostingStatus.EXPIRED: "已过期",
}

# Monthly salary bands (yuan) by the midpoint of a posting's range: (lower bound, label).
SALARY_BANDS: tuple[tuple[int, str], ...] = (
    (0, "3千以下"),
    (3000, "3千-5千"),
    (5000, "5千-8千"),
    (8000, "8千-1.2万"),
    (12000, "1.2万-2万"),
    (20000, "2万以上"),
)

# Recency facet: posted within this many days.
RECENCY_DAYS: tuple[int, ...] = (1, 3, 7, 30)


class IndexState(StrEnum):
    """How a node's search index writer is doing."""

    OK = "ok"
    WAITING = "waiting"  # another process holds the writer; retrying
    FAILING = "failing"  # the last attempt to apply changes failed; retrying
    IDLE = "idle"  # this process has not opened the writer
