"""States and choices of the housing-fund domain."""

from enum import StrEnum


class AccountStatus(StrEnum):
    """Status of a depositor account (账户状态)."""

    NORMAL = "normal"  # 正常
    SEALED = "sealed"  # 封存
    ARREARS = "arrears"  # 欠缴
    CLOSED = "closed"  # 销户


ACCOUNT_STATUS_LABELS: dict[str, str] = {
    AccountStatus.NORMAL: "正常",
    AccountStatus.SEALED: "封存",
    AccountStatus.ARREARS: "欠缴",
    AccountStatus.CLOSED: "销户",
}


class RepaymentMethod(StrEnum):
    """Repayment method (还款方式)."""

    ANNUITY = "annuity"  # 等额本息: equal instalments
    LINEAR = "linear"  # 等额本金: equal principal


REPAYMENT_METHOD_LABELS: dict[str, str] = {
    RepaymentMethod.ANNUITY: "等额本息",
    RepaymentMethod.LINEAR: "等额本金",
}


class ApplicationStatus(StrEnum):
    """Life cycle of a remote-loan application at the lending centre."""

    AWAITING_CONSENT = "awaiting_consent"  # the depositor has not yet decided at home
    CONSENT_REFUSED = "consent_refused"  # the depositor refused or revoked at home
    SUBMITTED = "submitted"  # consent given, certificate not yet fetched
    CERTIFIED = "certified"  # certificate received and verified
    FETCH_REFUSED = "fetch_refused"  # the depositing centre refused the certificate
    APPROVED = "approved"
    REJECTED = "rejected"


APPLICATION_STATUS_LABELS: dict[str, str] = {
    ApplicationStatus.AWAITING_CONSENT: "待授权",
    ApplicationStatus.CONSENT_REFUSED: "缴存职工未授权",
    ApplicationStatus.SUBMITTED: "已授权，待调取证明",
    ApplicationStatus.CERTIFIED: "已取得缴存使用证明",
    ApplicationStatus.FETCH_REFUSED: "缴存地拒绝出具证明",
    ApplicationStatus.APPROVED: "准予贷款",
    ApplicationStatus.REJECTED: "不予贷款",
}


class HomeKind(StrEnum):
    """Whether the home is the household's first or a second home."""

    FIRST = "first"  # 首套
    SECOND = "second"  # 二套


class PropertyKind(StrEnum):
    """New-build or resale property."""

    NEW = "new"  # 新建商品房
    RESALE = "resale"  # 二手房


class Sex(StrEnum):
    """Sex as encoded in the resident ID's sequence number."""

    MALE = "male"
    FEMALE = "female"


class ConsentStatus(StrEnum):
    """A consent at the depositor's home centre."""

    GRANTED = "granted"  # 已授权，未使用
    REFUSED = "refused"  # 已拒绝
    USED = "used"  # 已使用
    REVOKED = "revoked"  # 已撤回


CONSENT_STATUS_LABELS: dict[str, str] = {
    ConsentStatus.GRANTED: "已授权，未使用",
    ConsentStatus.REFUSED: "已拒绝",
    ConsentStatus.USED: "已使用",
    ConsentStatus.REVOKED: "已撤回",
}
