"""Domain errors of the housing fund; each has a stable code that crosses the exchange."""

from __future__ import annotations

from dataclasses import dataclass

from chuanyu.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation


@dataclass
class ConsentMissing(PermissionDenied):
    """No consent this centre issued to the caller for this purpose is presented."""

    detail: str = "缴存职工尚未在本中心授权向贷款中心提供缴存使用证明"
    code: str = "consent_missing"


@dataclass
class ConsentInvalid(PermissionDenied):
    """A consent request that is malformed, not signed by its lender, or not addressed here."""

    detail: str = "授权请求无效：签名不符或不是向本中心提出的"
    code: str = "consent_invalid"


@dataclass
class ConsentOtherPerson(PermissionDenied):
    """The consent was given by someone other than the depositor asked about."""

    detail: str = "该授权是其他缴存职工给出的，不能用于调取本证明"
    code: str = "consent_other_person"


@dataclass
class ConsentExpired(PermissionDenied):
    """The consent's validity has passed."""

    detail: str = "授权已过期，请缴存职工在缴存地重新授权"
    code: str = "consent_expired"


@dataclass
class ConsentUsed(Conflict):
    """The consent was already used for a certificate (single use)."""

    detail: str = "授权已使用过（一次性授权），请缴存职工重新授权"
    code: str = "consent_used"


@dataclass
class ConsentRevoked(PermissionDenied):
    """The depositor revoked the consent before it was used."""

    detail: str = "缴存职工已撤回该授权"
    code: str = "consent_revoked"


@dataclass
class NotYourRequest(PermissionDenied):
    """A signed-in citizen opened a consent request made for someone else."""

    detail: str = "此授权请求不是发给您的：请以申请人本人的账号登录"
    code: str = "not_your_request"


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
