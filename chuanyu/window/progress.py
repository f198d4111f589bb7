"""Where a case stands for its applicant: the step bar and the next thing they can do.

Pure: the steps follow from the case's status and whether a supplement was ever requested.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from chuanyu.window.enums import Action, CaseStatus

STEPS = ("收件", "受理", "补正", "办结", "送达")
_CURRENT = {
    CaseStatus.RECEIVED: 0,
    CaseStatus.ACCEPTED: 1,
    CaseStatus.SUPPLEMENT: 2,
    CaseStatus.APPROVED: 3,
    CaseStatus.REJECTED: 3,
    CaseStatus.DELIVERED: 4,
}


@dataclass(frozen=True)
class Step:
    """One step of the bar: `state` is done, current, skipped (补正 never asked) or todo."""

    label: str
    state: str


def steps(status: CaseStatus, actions: Iterable[str]) -> list[Step]:
    """The step bar of a case (a withdrawn case stops where it was withdrawn)."""
    history = list(actions)
    supplemented = Action.REQUEST_SUPPLEMENT.value in history
    # Withdrawal is only possible while a supplement is awaited.
    current = 2 if status is CaseStatus.WITHDRAWN else _CURRENT[status]
    if status is CaseStatus.ACCEPTED and supplemented:
        current = 2  # the supplement is in and under review
    bar = []
    for index, label in enumerate(STEPS):
        if index == 2 and not supplemented:
            state = "skipped"
        elif status is CaseStatus.DELIVERED or index < current:
            state = "done"
        elif index == current:
            state = "current"
        else:
            state = "todo"
        bar.append(Step(label, state))
    return bar


def next_step(status: CaseStatus, *, authority_name: str) -> str:
    """What the applicant can do now, in plain words."""
    return {
        CaseStatus.RECEIVED: f"材料已收下，等待{authority_name}受理，您无需操作。",
        CaseStatus.ACCEPTED: f"{authority_name}正在审查，请留意办理结果。",
        CaseStatus.SUPPLEMENT: "请按一次性告知的清单上传补正材料并提交；补正期间办理时限暂停计算。",
        CaseStatus.APPROVED: "已准予办理：可下载办结通知书，并到收件窗口领取结果。",
        CaseStatus.REJECTED: "不予办理：请下载决定书查看理由和救济途径。",
        CaseStatus.DELIVERED: "已办结，结果已送达或领取。",
        CaseStatus.WITHDRAWN: "申请已撤回，如需办理请重新申请。",
    }[status]
