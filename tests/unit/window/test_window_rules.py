"""The case state machine and the time-limit clock, as pure functions."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from chuanyu.window import rules
from chuanyu.window.enums import Action, CaseStatus, Side, Urgency
from chuanyu.window.workdays import WorkdayCalendar

CAL = WorkdayCalendar()
ROLES = ["admin", "joint_office", "window_clerk", "registrar", "citizen", "fund_officer"]
MEMBERS = ["CQ", "SC"]

# The states a case can be in, written out by hand from the issue, not derived from the table.
EXPECTED_EDGES = {
    (None, Action.RECEIVE): CaseStatus.RECEIVED,
    (CaseStatus.RECEIVED, Action.ACCEPT): CaseStatus.ACCEPTED,
    (CaseStatus.RECEIVED, Action.REQUEST_SUPPLEMENT): CaseStatus.SUPPLEMENT,
    (CaseStatus.RECEIVED, Action.REJECT): CaseStatus.REJECTED,
    (CaseStatus.ACCEPTED, Action.REQUEST_SUPPLEMENT): CaseStatus.SUPPLEMENT,
    (CaseStatus.ACCEPTED, Action.APPROVE): CaseStatus.APPROVED,
    (CaseStatus.ACCEPTED, Action.REJECT): CaseStatus.REJECTED,
    (CaseStatus.SUPPLEMENT, Action.SUPPLY): CaseStatus.ACCEPTED,
    (CaseStatus.SUPPLEMENT, Action.WITHDRAW): CaseStatus.WITHDRAWN,
    (CaseStatus.APPROVED, Action.DELIVER): CaseStatus.DELIVERED,
    (CaseStatus.REJECTED, Action.DELIVER): CaseStatus.DELIVERED,
}


def test_transition_table_is_exactly_the_expected_edges() -> None:
    states: list[CaseStatus | None] = [None, *CaseStatus]
    for status in states:
        for action in Action:
            assert rules.next_status(status, action) == EXPECTED_EDGES.get((status, action))


def test_each_open_state_has_exactly_one_owning_side() -> None:
    assert rules.owner(CaseStatus.RECEIVED) is Side.AUTHORITY
    assert rules.owner(CaseStatus.ACCEPTED) is Side.AUTHORITY
    assert rules.owner(CaseStatus.SUPPLEMENT) is Side.INTAKE
    assert rules.owner(CaseStatus.APPROVED) is Side.INTAKE
    assert rules.owner(CaseStatus.DELIVERED) is None
    assert rules.owner(CaseStatus.WITHDRAWN) is None


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(list(Action)), st.sampled_from(ROLES), st.sampled_from(MEMBERS)),
        max_size=25,
    ),
    st.sampled_from(["registrar", "window_clerk"]),
)
def test_no_sequence_of_actions_leaves_the_machine(
    steps: list[tuple[Action, str, str]], officer_role: str
) -> None:
    status: CaseStatus | None = None
    for action, role, member in steps:
        if not rules.may_act(
            action,
            roles=[role],
            user_member=member,
            intake_member="CQ",
            authority_member="SC",
            officer_role=officer_role,
        ):
            continue
        target = rules.next_status(status, action)
        if target is None:
            continue
        assert (status, action) in EXPECTED_EDGES
        # Whoever acted sits on the side owning the state (or creates the case at intake).
        side = rules.TRANSITIONS[action].side
        assert member == ("SC" if side is Side.AUTHORITY else "CQ")
        assert status is None or rules.owner(status) is side
        status = target
    if status in rules.TERMINAL:
        assert rules.actions_from(status) == []


def test_role_matrix() -> None:
    def can(action: Action, role: str, member: str, officer: str = "registrar") -> bool:
        return rules.may_act(
            action,
            roles=[role],
            user_member=member,
            intake_member="CQ",
            authority_member="SC",
            officer_role=officer,
        )

    assert can(Action.RECEIVE, "window_clerk", "CQ")
    assert not can(Action.RECEIVE, "window_clerk", "SC")
    assert not can(Action.RECEIVE, "citizen", "CQ")
    assert can(Action.ACCEPT, "registrar", "SC")
    assert not can(Action.ACCEPT, "registrar", "CQ")
    assert not can(Action.ACCEPT, "window_clerk", "SC")
    assert can(Action.ACCEPT, "window_clerk", "SC", officer="window_clerk")
    assert can(Action.APPROVE, "admin", "SC")
    assert not can(Action.APPROVE, "admin", "CQ")
    assert not can(Action.APPROVE, "joint_office", "SC")
    assert can(Action.SUPPLY, "citizen", "CQ")
    assert can(Action.SUPPLY, "window_clerk", "CQ")
    assert not can(Action.SUPPLY, "registrar", "SC")
    assert can(Action.DELIVER, "window_clerk", "CQ")
    assert not can(Action.DELIVER, "citizen", "CQ")


def test_clock_pauses_for_a_supplement_and_moves_the_due_date() -> None:
    # Received Monday 2020-09-21 with 5 working days: due Sunday 09-27 (a make-up working day).
    clock = rules.start_clock(CAL, date(2020, 9, 21), 5)
    assert clock.due_date == date(2020, 9, 27)
    paused = rules.pause(CAL, clock, date(2020, 9, 23))
    assert paused.used_days == 2 and paused.running_since is None
    assert rules.days_left(CAL, paused, date(2020, 9, 24)) is None
    assert rules.urgency(CAL, paused, date(2020, 12, 1)) is Urgency.PAUSED
    # Supplied on Friday 09-25: 3 working days remain → 09-27, 09-28, 09-29.
    resumed = rules.resume(CAL, paused, date(2020, 9, 25))
    assert resumed.due_date == date(2020, 9, 29)


def test_pause_across_national_day_does_not_count_the_holiday() -> None:
    clock = rules.start_clock(CAL, date(2020, 9, 28), 3)  # due 10-09
    assert clock.due_date == date(2020, 10, 9)
    paused = rules.pause(CAL, clock, date(2020, 9, 29))  # 1 used
    resumed = rules.resume(CAL, paused, date(2020, 10, 9))  # 2 left: 10-10 (Sat), 10-12
    assert resumed.due_date == date(2020, 10, 12)


def test_case_overdue_before_pause_stays_overdue() -> None:
    clock = rules.start_clock(CAL, date(2020, 9, 21), 1)
    paused = rules.pause(CAL, clock, date(2020, 9, 25))
    resumed = rules.resume(CAL, paused, date(2020, 9, 28))
    assert resumed.due_date == clock.due_date
    assert rules.urgency(CAL, resumed, date(2020, 9, 28)) is Urgency.OVERDUE


def test_days_left_and_urgency() -> None:
    clock = rules.start_clock(CAL, date(2020, 9, 21), 3)  # due Thursday 09-24
    assert rules.days_left(CAL, clock, date(2020, 9, 21)) == 3
    assert rules.urgency(CAL, clock, date(2020, 9, 21)) is Urgency.ON_TRACK
    assert rules.urgency(CAL, clock, date(2020, 9, 23)) is Urgency.NEAR
    assert rules.days_left(CAL, clock, date(2020, 9, 24)) == 0
    # Past due by 09-25 (Fri), 09-27 (make-up Sunday) and 09-28 (Mon).
    assert rules.days_left(CAL, clock, date(2020, 9, 28)) == -3
    assert rules.urgency(CAL, clock, date(2020, 9, 25)) is Urgency.OVERDUE
    done = rules.finish(CAL, clock, date(2020, 9, 24))
    assert rules.urgency(CAL, done, date(2020, 9, 30)) is Urgency.DONE
    assert rules.on_time(done) is True
    assert rules.on_time(rules.finish(CAL, clock, date(2020, 9, 25))) is False


@settings(max_examples=100, deadline=None)
@given(
    st.dates(min_value=date(2019, 1, 1), max_value=date(2025, 12, 1)),
    st.integers(min_value=0, max_value=20),
    st.integers(min_value=0, max_value=20),
    st.integers(min_value=0, max_value=30),
)
def test_a_pause_never_brings_the_due_date_forward(
    received: date, limit: int, after: int, length: int
) -> None:
    clock = rules.start_clock(CAL, received, limit)
    assert clock.due_date >= received
    assert CAL.workdays_between(received, clock.due_date) == limit
    paused = rules.pause(CAL, clock, received + timedelta(days=after))
    resumed = rules.resume(CAL, paused, received + timedelta(days=after + length))
    assert resumed.due_date >= clock.due_date
    if length == 0:
        assert resumed.due_date == clock.due_date or paused.used_days > limit


def test_case_number_carries_member_date_and_serial() -> None:
    assert rules.case_number("SC", date(2020, 6, 1), 42) == "SC-20200601-000042"


def test_replay_counts_the_clock_again_through_pauses() -> None:
    received = date(2020, 9, 21)
    live = rules.start_clock(CAL, received, 5)
    live = rules.move(CAL, live, Action.REQUEST_SUPPLEMENT, date(2020, 9, 23))
    live = rules.move(CAL, live, Action.SUPPLY, date(2020, 9, 25))
    moves = [(Action.REQUEST_SUPPLEMENT, date(2020, 9, 23)), (Action.SUPPLY, date(2020, 9, 25))]
    assert rules.replay(CAL, received, 5, moves) == live
    assert rules.move(CAL, live, Action.ACCEPT, date(2020, 9, 28)) == live


def test_provisional_flag_follows_the_run_that_set_the_due_date() -> None:
    started = rules.start_clock(CAL, date(2026, 12, 4), 20)
    assert started.due_date == date(2027, 1, 4) and started.due_provisional
    paused = rules.pause(CAL, started, date(2026, 12, 7))
    assert paused.due_provisional  # the stale due date is still the provisional one
    resumed = rules.resume(CAL, paused, date(2026, 12, 8))
    assert resumed.due_provisional
    short = rules.start_clock(CAL, date(2026, 12, 4), 5)
    assert not short.due_provisional


def test_only_a_second_supplement_request_is_a_repeat() -> None:
    assert not rules.is_repeat_supplement([Action.RECEIVE, Action.ACCEPT])
    assert rules.is_repeat_supplement([Action.RECEIVE, Action.REQUEST_SUPPLEMENT, Action.SUPPLY])
