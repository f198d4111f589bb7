"""Kinds of notices and states of their outbound deliveries."""

from __future__ import annotations

from enum import StrEnum


class NoticeKind(StrEnum):
    """What a notice is about; the message centre labels and groups by it."""

    ACCEPTED = "accepted"  # 受理
    SUPPLEMENT = "supplement"  # 补正
    READY = "ready"  # 待领取
    CONCLUDED = "concluded"  # 办结
    NEAR_DUE = "near_due"  # 临近办理时限
    OVERDUE = "overdue"  # 已超期
    CONSENT = "consent"  # 授权（公积金缴存使用证明）
    CERTIFICATE = "certificate"  # 证明送达或失败
    INFO = "info"


KIND_LABELS: dict[str, str] = {
    NoticeKind.ACCEPTED: "已受理",
    NoticeKind.SUPPLEMENT: "待补正",
    NoticeKind.READY: "待领取",
    NoticeKind.CONCLUDED: "已办结",
    NoticeKind.NEAR_DUE: "临近时限",
    NoticeKind.OVERDUE: "已超期",
    NoticeKind.CONSENT: "授权",
    NoticeKind.CERTIFICATE: "证明",
    NoticeKind.INFO: "通知",
}


class DeliveryStatus(StrEnum):
    """Where one outbound delivery of a notice stands."""

    PENDING = "pending"  # waiting for its (next) attempt
    SENT = "sent"  # the channel accepted it
    FAILED = "failed"  # given up after the last attempt or a permanent refusal; kept


DELIVERY_LABELS: dict[str, str] = {
    DeliveryStatus.PENDING: "待发送",
    DeliveryStatus.SENT: "已发送",
    DeliveryStatus.FAILED: "发送失败",
}
