"""Pure rules of the service window: the case state machine and the time-limit clock.

No session, no clock, no I/O: the calendar is passed in, and "today" is an argument.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Protocol

from chuanyu.window.enums import Action, CaseStatus, Side, Urgency

# ---------------------------------------------------------------- state machine


@dataclass(frozen=True)
class Transition:
    """One allowed move: `action` takes a case from any of `sources` to `target`."""

    action: Action
    sources: frozenset[CaseStatus | None]
    target: CaseStatus
    side: Side
    # Roles beyond the matter's officer (authority side) or the window clerk (intake side).
    extra_roles: frozenset[str] = frozenset()


S = CaseStatus
TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        Transition(Action.RECEIVE, frozenset({None}), S.RECEIVED, Side.INTAKE),
        Transition(Action.ACCEPT, frozenset({S.RECEIVED}), S.ACCEPTED, Side.AUTHORITY),
        Transition(
            Action.REQUEST_SUPPLEMENT,
            frozenset({S.RECEIVED, S.ACCEPTED}),
            S.SUPPLEMENT,
            Side.AUTHORITY,
        ),
        Transition(
            Action.SUPPLY,
            frozenset({S.SUPPLEMENT}),
            S.ACCEPTED,
            Side.INTAKE,
            frozenset({"citizen"}),
        ),
        Transition(
            Action.WITHDRAW,
            frozenset({S.SUPPLEMENT}),
            S.WITHDRAWN,
            Side.INTAKE,
            frozenset({"citizen"}),
        ),
        Transition(Action.APPROVE, frozenset({S.ACCEPTED}), S.APPROVED, Side.AUTHORITY),
        Transition(Action.REJECT, frozenset({S.RECEIVED, S.ACCEPTED}), S.REJECTED, Side.AUTHORITY),
        Transition(Action.DELIVER, frozenset({S.APPROVED, S.REJECTED}), S.DELIVERED, Side.INTAKE),
    )
}

TERMINAL: frozenset[CaseStatus] = frozenset({S.DELIVERED, S.WITHDRAWN})
# The decision has been made; only delivery is left.
DECIDED: frozenset[CaseStatus] = frozenset({S.APPROVED, S.REJECTED})
# Actions that must say why.
NEEDS_REASON: frozenset[Action] = frozenset({Action.REQUEST_SUPPLEMENT, Action.REJECT})


def is_repeat_supplement(history: Iterable[Action]) -> bool:
    """True when a case already had its one supplement request (一次性告知).

    The applicant is told everything missing at once; asking again is the exception that an
    officer must justify.
    """
    return Action.REQUEST_SUPPLEMENT in set(history)


def owner(status: CaseStatus) -> Side | None:
    """The side that may act on a case in `status` (None once the case is closed).

    Exactly one side owns each open state, so the two regions never act on a case at once:
    the right to act passes back and forth with the events that carry each transition.
    """
    sides = {t.side for t in TRANSITIONS.values() if status in t.sources}
    if not sides:
        return None
    (side,) = sides
    return side


def actions_from(status: CaseStatus | None) -> list[Action]:
    """Actions allowed from `status`, in the order of the table."""
    return [t.action for t in TRANSITIONS.values() if status in t.sources]


def next_status(status: CaseStatus | None, action: Action) -> CaseStatus | None:
    """The state `action` leads to from `status`, or None when it is not allowed."""
    transition = TRANSITIONS[action]
    return transition.target if status in transition.sources else None


def allowed_roles(action: Action, officer_role: str) -> frozenset[str]:
    """Roles that may take `action` (admins always may): the officer or the clerk, plus extras."""
    transition = TRANSITIONS[action]
    base = officer_role if transition.side is Side.AUTHORITY else "window_clerk"
    return frozenset({base}) | transition.extra_roles


def may_act(
    action: Action,
    *,
    roles: list[str],
    user_member: str,
    intake_member: str,
    authority_member: str,
    officer_role: str,
) -> bool:
    """True when an account (roles, member) may take `action` on a case between two members."""
    side_member = authority_member if TRANSITIONS[action].side is Side.AUTHORITY else intake_member
    if user_member != side_member:
        return False
    if "admin" in roles:
        return True
    return bool(allowed_roles(action, officer_role) & set(roles))


# ---------------------------------------------------------------- time-limit clock


class Calendar(Protocol):
    """What the clock needs from a working-day calendar."""

    def add_workdays(self, start: date, days: int) -> date: ...

    def workdays_between(self, start: date, end: date) -> int: ...

    def provisional_between(self, start: date, end: date) -> bool: ...


@dataclass(frozen=True)
class Clock:
    """A case's time-limit clock, in working days.

    `used_days` counts working days consumed before the current run; `running_since` is the
    date the current run began (receipt or the day the applicant supplied); both None-able
    states are explicit: paused (`paused_on`) or finished (`finished_on`). `due_provisional`
    says the due date was counted through a year whose announced schedule was not loaded.
    """

    limit_days: int
    used_days: int
    running_since: date | None
    due_date: date
    paused_on: date | None = None
    finished_on: date | None = None
    due_provisional: bool = False


def start_clock(calendar: Calendar, received: date, limit_days: int) -> Clock:
    """The clock of a case received on `received` (the day of receipt does not count)."""
    if limit_days < 0:
        raise ValueError("limit_days must be >= 0")
    due = calendar.add_workdays(received, limit_days)
    return Clock(
        limit_days, 0, received, due, due_provisional=calendar.provisional_between(received, due)
    )


def pause(calendar: Calendar, clock: Clock, on: date) -> Clock:
    """Stop the clock on `on` (a supplement was requested); the working days so far are kept."""
    if clock.running_since is None:
        return clock
    spent = max(calendar.workdays_between(clock.running_since, on), 0)
    return replace(clock, used_days=clock.used_days + spent, running_since=None, paused_on=on)


def resume(calendar: Calendar, clock: Clock, on: date) -> Clock:
    """Restart the clock on `on` (the applicant supplied); the due date moves by the pause.

    A case already past due when paused keeps its old due date: the pause does not forgive it.
    """
    if clock.running_since is not None:
        return clock
    remaining = clock.limit_days - clock.used_days
    # Past due also when paused on a rest day after the due date, with no working day spent.
    overdue = clock.paused_on is not None and clock.paused_on > clock.due_date
    if remaining < 0 or overdue:
        return replace(clock, running_since=on, paused_on=None)
    due = calendar.add_workdays(on, remaining)
    return replace(
        clock,
        running_since=on,
        paused_on=None,
        due_date=due,
        due_provisional=calendar.provisional_between(on, due),
    )


def finish(calendar: Calendar, clock: Clock, on: date) -> Clock:
    """Stop the clock for good (decided or withdrawn) on `on`."""
    stopped = pause(calendar, clock, on) if clock.running_since is not None else clock
    return replace(stopped, paused_on=None, finished_on=on)


# What each clock-moving action does to the clock.
CLOCK_MOVES = {
    Action.REQUEST_SUPPLEMENT: pause,
    Action.SUPPLY: resume,
    Action.APPROVE: finish,
    Action.REJECT: finish,
    Action.WITHDRAW: finish,
}


def move(calendar: Calendar, clock: Clock, action: Action, on: date) -> Clock:
    """The clock after `action` on `on` (unchanged for actions that do not move it)."""
    step = CLOCK_MOVES.get(action)
    return step(calendar, clock, on) if step is not None else clock


def replay(
    calendar: Calendar, received: date, limit_days: int, moves: Iterable[tuple[Action, date]]
) -> Clock:
    """A case's clock counted again from its timeline, e.g. on a newly loaded calendar."""
    clock = start_clock(calendar, received, limit_days)
    for action, on in moves:
        clock = move(calendar, clock, action, on)
    return clock


def days_left(calendar: Calendar, clock: Clock, today: date) -> int | None:
    """Working days from `today` to the due date (0 = due today; negative = working days past).

    None when the clock is paused or finished. Overdue is `today > due_date`, which holds even
    on a weekend right after a Friday due date, when no working day has passed yet.
    """
    if clock.running_since is None or clock.finished_on is not None:
        return None
    return calendar.workdays_between(today, clock.due_date)


def urgency(calendar: Calendar, clock: Clock, today: date, *, near_days: int = 1) -> Urgency:
    """On track, near (≤ `near_days` working days left), overdue, paused or done."""
    if clock.finished_on is not None:
        return Urgency.DONE
    if clock.running_since is None:
        return Urgency.PAUSED
    if today > clock.due_date:
        return Urgency.OVERDUE
    left = calendar.workdays_between(today, clock.due_date)
    return Urgency.NEAR if left <= near_days else Urgency.ON_TRACK


def on_time(clock: Clock) -> bool | None:
    """Whether a finished case finished by its due date (None while still open)."""
    if clock.finished_on is None:
        return None
    return clock.finished_on <= clock.due_date


# ---------------------------------------------------------------- identifiers shown to people


def case_number(member: str, received: date, serial: int) -> str:
    """A case number unique across the federation: the member prefix, the date, a serial."""
    return f"{member}-{received:%Y%m%d}-{serial:06d}"
