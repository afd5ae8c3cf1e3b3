"""Routing rules: every branch of resolve() and route_table(), one scenario at a time."""

from __future__ import annotations

from typing import Any

from outmail_gui.domain.analysts import Analyst
from outmail_gui.domain.routing import ProblemKind, RouteKind, resolve, route_table
from outmail_gui.domain.rules import Severity
from outmail_gui.domain.settings import ServerSettings, new_server


def srv(name: str, partition: str | None = None, **fields: Any) -> ServerSettings:
    fields.setdefault("outgoing_email_id", f"{name.lower()}@example.com")
    return new_server("smtp", name=name, server="mail.example.com", partition=partition, **fields)


def kinds(route: Any) -> list[ProblemKind]:
    return [p.kind for p in route.problems]


def test_the_one_active_server_of_the_partition_sends() -> None:
    sales = srv("Sales", "Sales")
    default = srv("Main", is_default=True)
    route = resolve("Sales", [default, sales])
    assert route.kind is RouteKind.PARTITION
    assert route.server == sales
    assert route.candidates == (sales,)
    assert route.problems == ()
    assert "'Sales' is the active server for partition 'Sales'" in route.reason


def test_partition_names_match_case_insensitively() -> None:
    sales = srv("Sales", "SALES")
    assert resolve("sales", [sales]).server == sales


def test_several_active_servers_are_a_conflict_and_one_is_shown() -> None:
    b, a = srv("Beta", "P"), srv("alpha", "P")
    route = resolve("P", [b, a])
    assert route.kind is RouteKind.PARTITION
    assert route.server == a  # first by name, case-insensitively
    assert route.candidates == (a, b)
    assert kinds(route) == [ProblemKind.SEVERAL_ACTIVE]
    problem = route.problems[0]
    assert problem.severity is Severity.WARNING
    assert "simply selects one" in problem.message and "Keep only one" in problem.message
    assert "'alpha'" in problem.message and "'Beta'" in problem.message


def test_inactive_servers_of_the_partition_do_not_count_as_a_conflict() -> None:
    live, idle = srv("Live", "P"), srv("Idle", "P", active=False)
    route = resolve("P", [live, idle])
    assert route.server == live and route.candidates == (live,)
    assert route.problems == ()


def test_no_server_in_the_partition_falls_back_to_the_default() -> None:
    default = srv("Main", is_default=True)
    route = resolve("P", [default, srv("Other", "Q")])
    assert route.kind is RouteKind.DEFAULT
    assert route.server == default
    assert route.candidates == ()
    assert route.problems == ()
    assert "default server 'Main' sends" in route.reason


def test_a_default_assigned_to_another_partition_still_serves_as_fallback() -> None:
    default = srv("Main", "Q", is_default=True)
    assert resolve("P", [default]).server == default
    assert resolve("Q", [default]).kind is RouteKind.PARTITION


def test_only_inactive_servers_in_the_partition_fall_back_to_the_default_with_a_notice() -> None:
    default = srv("Main", is_default=True)
    route = resolve("P", [default, srv("Idle", "P", active=False)])
    assert route.kind is RouteKind.DEFAULT and route.server == default
    assert kinds(route) == [ProblemKind.PARTITION_INACTIVE]
    assert route.problems[0].severity is Severity.NOTICE
    assert "'Idle' is assigned to partition 'P' but inactive" in route.problems[0].message


def test_no_server_and_no_default_cannot_be_sent() -> None:
    route = resolve("P", [srv("Other", "Q")])
    assert route.kind is RouteKind.UNSENT
    assert route.server is None and route.headers is None and not route.sends
    assert kinds(route) == [ProblemKind.NO_SERVER]
    assert route.problems[0].severity is Severity.ERROR
    assert "cannot be sent" in route.problems[0].message


def test_an_inactive_default_does_not_send_either() -> None:
    route = resolve("P", [srv("Main", is_default=True, active=False)])
    assert route.kind is RouteKind.UNSENT and route.server is None
    assert kinds(route) == [ProblemKind.DEFAULT_INACTIVE]
    assert "'Main' is inactive" in route.problems[0].message


def test_inactive_partition_servers_and_no_default_are_both_reported() -> None:
    route = resolve("P", [srv("Idle", "P", active=False), srv("Idle2", "P", active=False)])
    assert route.kind is RouteKind.UNSENT
    assert kinds(route) == [ProblemKind.PARTITION_INACTIVE, ProblemKind.NO_SERVER]
    assert route.problems[0].severity is Severity.WARNING
    assert "'Idle', 'Idle2' are assigned" in route.problems[0].message


def test_several_defaults_in_damaged_data_are_reported_and_an_active_one_is_used() -> None:
    idle = srv("A-idle", is_default=True, active=False)
    live = srv("B-live", is_default=True)
    route = resolve("P", [idle, live])
    assert route.server == live and route.kind is RouteKind.DEFAULT
    assert kinds(route) == [ProblemKind.SEVERAL_DEFAULTS]


def test_no_partition_is_served_by_servers_without_a_partition() -> None:
    plain, sales = srv("Plain"), srv("Sales", "Sales")
    route = resolve(None, [sales, plain])
    assert route.kind is RouteKind.PARTITION and route.server == plain
    assert "for no partition" in route.reason
    assert resolve(None, [sales]).kind is RouteKind.UNSENT


def test_without_partitioning_every_server_is_a_candidate() -> None:
    sales, plain = srv("Sales", "Sales"), srv("Plain")
    route = resolve(None, [sales, plain], partitioning_enabled=False)
    assert route.candidates == (plain, sales)
    assert kinds(route) == [ProblemKind.SEVERAL_ACTIVE]
    only = resolve(None, [sales], partitioning_enabled=False)
    assert only.server == sales and only.problems == ()


def test_a_failed_last_test_of_the_chosen_server_is_a_problem() -> None:
    sales = srv("Sales", "P")
    route = resolve("P", [sales], last_test_failed={sales.id: True})
    assert kinds(route) == [ProblemKind.LAST_TEST_FAILED]
    assert "'Sales' failed" in route.problems[0].message
    assert resolve("P", [sales], last_test_failed={sales.id: False}).problems == ()
    assert resolve("P", [sales], last_test_failed={}).problems == ()


def test_a_failed_last_test_of_the_default_is_reported_when_it_sends() -> None:
    default = srv("Main", is_default=True)
    route = resolve("P", [default], last_test_failed={default.id: True})
    assert route.kind is RouteKind.DEFAULT
    assert kinds(route) == [ProblemKind.LAST_TEST_FAILED]


def test_failed_tests_of_every_conflicting_candidate_are_reported() -> None:
    a, b = srv("A", "P"), srv("B", "P")
    route = resolve("P", [a, b], last_test_failed={a.id: True, b.id: True})
    assert kinds(route) == [ProblemKind.SEVERAL_ACTIVE, ProblemKind.LAST_TEST_FAILED, ProblemKind.LAST_TEST_FAILED]


def test_an_unused_failing_server_is_not_a_problem_of_the_route() -> None:
    sales, idle = srv("Sales", "P"), srv("Idle", "P", active=False)
    assert resolve("P", [sales, idle], last_test_failed={idle.id: True}).problems == ()


def test_the_route_carries_headers_for_the_analyst() -> None:
    server = srv("Sales", "P", sent_from_analyst=True)
    ann = Analyst("ann", "Ann Lee", "ann@example.com")
    route = resolve("P", [server], ann)
    assert route.headers is not None
    assert route.headers.from_ == "Ann Lee <ann@example.com>"


def test_route_to_dict_is_json_ready() -> None:
    a, b = srv("A", "P"), srv("B", "P")
    data = resolve("P", [a, b]).to_dict()
    assert data["partition"] == "P"
    assert data["outcome"] == "partition"
    assert data["server_id"] == a.id and data["server"] == "A"
    assert data["candidates"] == ["A", "B"]
    assert data["from"] == "a@example.com" and data["reply_to"] is None
    assert data["problems"][0]["kind"] == "several_active"
    assert data["problems"][0]["severity"] == "warning"
    unsent = resolve("P", []).to_dict()
    assert unsent["server"] is None and unsent["from"] is None and unsent["outcome"] == "unsent"


def test_worst_severity_includes_header_problems() -> None:
    assert resolve("P", []).worst is Severity.ERROR
    assert resolve("P", [srv("A", "P")]).worst is None
    needs_analyst = srv("A", "P", sent_from_analyst=True)
    assert resolve("P", [needs_analyst], None).worst is Severity.WARNING


def test_route_table_has_one_row_per_partition_then_no_partition() -> None:
    default = srv("Main", is_default=True)
    sales = srv("Sales", "sales")
    rows = route_table([default, sales], ["Support", "Sales"], partitioning_enabled=True)
    assert [r.partition for r in rows] == ["Sales", "Support", None]
    assert [r.label for r in rows] == ["Sales", "Support", "(no partition)"]
    assert [r.server for r in rows] == [sales, default, default]
    assert [r.kind for r in rows] == [RouteKind.PARTITION, RouteKind.DEFAULT, RouteKind.PARTITION]


def test_route_table_adds_rows_for_partitions_that_only_servers_name() -> None:
    ghost = srv("Ghost", "Old")
    rows = route_table([ghost], ["New"], partitioning_enabled=True)
    assert [r.partition for r in rows] == ["New", "Old", None]
    old = rows[1]
    assert old.server == ghost
    assert kinds(old) == [ProblemKind.UNKNOWN_PARTITION]
    assert "'Old', which does not exist" in old.problems[0].message


def test_route_table_without_partitioning_is_a_single_row() -> None:
    sales = srv("Sales", "Sales")
    rows = route_table([sales], ["Sales", "Support"], partitioning_enabled=False)
    assert len(rows) == 1
    assert rows[0].partition is None and rows[0].server == sales


def test_route_table_passes_analyst_and_test_results_to_every_row() -> None:
    server = srv("Main", is_default=True, reply_to_forwarding_analyst=True)
    bob = Analyst("bob", email="bob@example.com")
    rows = route_table([server], ["A", "B"], bob, partitioning_enabled=True, last_test_failed={server.id: True})
    assert all(r.headers is not None and r.headers.reply_to == "bob@example.com" for r in rows)
    assert all(ProblemKind.LAST_TEST_FAILED in kinds(r) for r in rows)


def test_outcome_text_reads_right_on_every_row() -> None:
    from outmail_gui.domain.routing import outcome_text, resolve
    from outmail_gui.domain.settings import new_server

    plain = new_server("smtp", name="Plain", server="a.example", outgoing_email_id="a@example.com")
    sales = new_server("smtp", name="S", server="a.example", outgoing_email_id="a@example.com", partition="Sales")
    no_partition = resolve(None, [plain, sales])
    assert no_partition.kind.value == "partition"  # JSON keeps the machine-readable value
    assert outcome_text(no_partition, partitioning_enabled=True) == "server without partition"
    assert outcome_text(resolve("Sales", [plain, sales]), partitioning_enabled=True) == "partition's server"
    assert outcome_text(resolve(None, [plain], partitioning_enabled=False), partitioning_enabled=False) == (
        "active server"
    )
    assert outcome_text(resolve("HR", [plain]), partitioning_enabled=True) == "not sent"
    default = plain.with_changes(is_default=True)
    assert outcome_text(resolve("HR", [default]), partitioning_enabled=True) == "default server"
