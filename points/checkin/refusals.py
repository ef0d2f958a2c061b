"""Why a check-in was refused: one reason code per case (after pretix's), nothing written."""

from __future__ import annotations

from points.errors import N_, DomainError


class CheckinRefused(DomainError):
    """A check-in was refused; nothing was written."""


class CodeInvalid(CheckinRefused):
    code = "invalid"
    template = N_("二维码无效，不是本系统发出的。")


class CodeExpired(CheckinRefused):
    code = "expired"
    template = N_("二维码已过期，请扫描屏幕上最新的二维码。")


class CodeRevoked(CheckinRefused):
    code = "revoked"
    template = N_("这个二维码已作废，请扫描现场最新的二维码。")


class OtherEvent(CheckinRefused):
    code = "other_event"
    template = N_("这个二维码属于另一场活动（%(title)s）。")


class TooEarly(CheckinRefused):
    code = "too_early"
    category = "conflict"
    template = N_("签到还没开始，%(opens)s 开始签到。")


class TooLate(CheckinRefused):
    code = "too_late"
    category = "conflict"
    template = N_("签到已经结束（%(closes)s 截止）。")


class NotPublished(CheckinRefused):
    code = "not_published"
    category = "conflict"
    template = N_("这场活动还没有发布，不能签到。")


class EventCancelled(CheckinRefused):
    code = "cancelled"
    category = "conflict"
    template = N_("这场活动已取消。")


class EventClosed(CheckinRefused):
    code = "closed"
    category = "conflict"
    template = N_("这场活动已经结束，签到已关闭。")


class CapacityReached(CheckinRefused):
    code = "capacity_reached"
    category = "conflict"
    template = N_("名额已满（限 %(capacity)s 人）。")


class ResidentOtherVillage(CheckinRefused):
    code = "other_village"
    category = "forbidden"
    template = N_("%(name)s 不是%(village)s的村民，不能在这场活动签到。")


class ResidentOtherTown(CheckinRefused):
    code = "other_town"
    category = "forbidden"
    template = N_("%(name)s 不是本镇的村民，不能在这场全镇活动签到。")


class NotAResident(CheckinRefused):
    code = "not_resident"
    category = "forbidden"
    template = N_("%(name)s 没有积分账户，不能签到。")


class ScanTooOld(CheckinRefused):
    code = "expired"
    template = N_("扫码已超过 %(minutes)s 分钟，请重新扫描现场的二维码。")
