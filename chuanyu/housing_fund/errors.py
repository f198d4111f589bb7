"""Domain errors of the housing fund; each has a stable code that crosses the exchange."""

from __future__ import annotations

from dataclasses import dataclass

from chuanyu.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation


@dataclass
class ConsentMissing(PermissionDenied):
    """The certificate request carries no consent."""

    detail: str = "未附缴存职工的授权同意书，不能出具缴存使用证明"
    code: str = "consent_missing"


@dataclass
class ConsentInvalid(PermissionDenied):
    """The consent is malformed, not signed by the caller, or bound to someone else."""

    detail: str = "授权同意书无效：签名不符或与申请人、贷款中心不一致"
    code: str = "consent_invalid"


@dataclass
class ConsentExpired(PermissionDenied):
    """The consent's validity has passed."""

    detail: str = "授权同意书已过期，请缴存职工在贷款地重新授权"
    code: str = "consent_expired"


@dataclass
class ConsentReused(Conflict):
    """The consent was already used for a certificate."""

    detail: str = "授权同意书已使用过（一次性授权），请重新授权"
    code: str = "consent_reused"


@dataclass
class DepositorUnknown(NotFound):
    """No account for this resident ID at the depositing centre."""

    detail: str = "本中心没有该身份证号码的缴存账户"
    code: str = "depositor_unknown"


@dataclass
class AccountClosed(RuleViolation):
    """The account is closed (销户); no certificate is issued for it."""

    detail: str = "该缴存账户已销户，不能出具缴存使用证明"
    code: str = "account_closed"


@dataclass
class CertificateInvalid(RuleViolation):
    """A certificate whose signature or content does not verify."""

    detail: str = "缴存使用证明验签失败：证明可能被伪造或篡改"
    code: str = "certificate_invalid"


@dataclass
class ApplicationNotFound(NotFound):
    """No such remote-loan application at this centre."""

    detail: str = "未找到该贷款申请"
    code: str = "application_not_found"


@dataclass
class AccountNotFound(NotFound):
    """No such depositor account at this centre."""

    detail: str = "未找到该缴存账户"
    code: str = "account_not_found"


@dataclass
class WrongState(Conflict):
    """The application is not in a state that allows this step."""

    detail: str = "该申请当前状态不允许此操作"
    code: str = "wrong_state"


@dataclass
class NotRemote(RuleViolation):
    """The depositing centre must be the other region's centre."""

    detail: str = "异地贷款的缴存地须为另一地区的公积金中心"
    code: str = "not_remote"


@dataclass
class ImportRejected(RuleViolation):
    """An import file failed its whole-file check; nothing was imported."""

    detail: str = "导入文件有错误，未导入任何数据"
    code: str = "import_rejected"
