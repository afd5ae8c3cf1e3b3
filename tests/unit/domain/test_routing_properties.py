"""Properties: every partition resolves to exactly one outcome, consistent with the rules."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from outmail_gui.domain.routing import ProblemKind, Route, RouteKind, resolve, route_table
from outmail_gui.domain.settings import ServerSettings, new_server

# Few names with case variants, so servers collide in partitions and differ only in case.
PARTITION_NAMES = st.sampled_from(["Sales", "sales", "Support", "HR", "Old"])
KNOWN = st.lists(st.sampled_from(["Sales", "Support", "HR"]), unique=True, max_size=3)


@st.composite
def servers(draw: st.DrawFn) -> list[ServerSettings]:
    count = draw(st.integers(0, 6))
    out = []
    for i in range(count):
        out.append(
            new_server(
                draw(st.sampled_from(["smtp", "mapi"])),
                name=f"{draw(st.sampled_from(['a', 'B', 'c']))}{i}",
                partition=draw(st.none() | PARTITION_NAMES),
                active=draw(st.booleans()),
                is_default=draw(st.booleans()),
                outgoing_email_id=draw(st.sampled_from(["", "out@example.com"])),
                sent_from_analyst=draw(st.booleans()),
                reply_to_forwarding_analyst=draw(st.booleans()),
            )
        )
    return out


def _key(name: str | None) -> str | None:
    return None if name is None else name.casefold()


def _check_one_outcome(route: Route, servers: list[ServerSettings], enabled: bool) -> None:
    def assigned(s: ServerSettings) -> bool:
        return not enabled or _key(s.partition) == _key(route.partition)

    active_here = {s.id for s in servers if assigned(s) and s.active}
    active_defaults = {s.id for s in servers if s.is_default and s.active}
    assert {s.id for s in route.candidates} == active_here
    assert (route.server is None) == (route.kind is RouteKind.UNSENT) == (route.headers is None)
    if route.kind is RouteKind.PARTITION:
        assert route.server is not None and route.server.id in active_here
    elif route.kind is RouteKind.DEFAULT:
        assert not active_here
        assert route.server is not None and route.server.id in active_defaults
    else:
        assert not active_here and not active_defaults
        assert {ProblemKind.NO_SERVER, ProblemKind.DEFAULT_INACTIVE} & {p.kind for p in route.problems}
    several = ProblemKind.SEVERAL_ACTIVE in {p.kind for p in route.problems}
    assert several == (len(active_here) > 1)


@settings(max_examples=300, deadline=None)
@given(servers(), KNOWN, st.booleans())
def test_every_partition_resolves_to_exactly_one_consistent_outcome(
    servers: list[ServerSettings], known: list[str], enabled: bool
) -> None:
    rows = route_table(servers, known, partitioning_enabled=enabled)
    keys = [_key(r.partition) for r in rows]
    assert len(keys) == len(set(keys)), "a partition appears twice"
    assert keys[-1] is None
    if enabled:
        expected = {_key(p) for p in known} | {_key(s.partition) for s in servers} | {None}
        assert set(keys) == expected
    else:
        assert keys == [None]
    for route in rows:
        _check_one_outcome(route, servers, enabled)


@settings(max_examples=200, deadline=None)
@given(servers(), st.none() | PARTITION_NAMES, st.randoms(use_true_random=False))
def test_the_outcome_does_not_depend_on_the_order_of_servers(
    servers: list[ServerSettings], partition: str | None, rnd: random.Random
) -> None:
    shuffled = list(servers)
    rnd.shuffle(shuffled)
    assert resolve(partition, shuffled) == resolve(partition, servers)
