"""Errors of business registration, on the core bases."""

from __future__ import annotations

from dataclasses import dataclass

from chuanyu.core.errors import Conflict, FieldError, NotFound, RuleViolation


@dataclass
class NameTaken(Conflict):
    """The proposed name is already held by an enterprise of the registering region."""

    code: str = "registry.name_taken"


@dataclass
class LicenceNotFound(NotFound):
    """No licence with this code was issued by this region."""

    code: str = "registry.licence_not_found"


@dataclass
class AlreadyRevoked(Conflict):
    """The licence was revoked before."""

    code: str = "registry.already_revoked"


@dataclass
class OutsideJurisdiction(RuleViolation):
    """The domicile lies outside the registering region."""

    code: str = "registry.outside_jurisdiction"


@dataclass
class CaseAlreadyLicensed(Conflict):
    """A licence was already issued for this case."""

    code: str = "registry.case_already_licensed"


def name_taken(name: str, holder: str, code: str, authority: str) -> NameTaken:
    """The refusal of a name, naming the enterprise that holds it."""
    message = f"企业名称“{name}”已被{authority}登记的“{holder}”（统一社会信用代码 {code}）使用"
    return NameTaken(detail=message, errors=[FieldError("name", message)])


def outside_jurisdiction(division_code: str, member: str) -> OutsideJurisdiction:
    """The refusal of a domicile in the other region."""
    message = f"住所所在区划 {division_code} 不在本登记机关（{member}）辖区内"
    return OutsideJurisdiction(
        detail=message, errors=[FieldError("domicile.division_code", message)]
    )
