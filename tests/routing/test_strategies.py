import random
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callcenter.routing import Caps, RoutingStrategy, TargetSnapshot, Usage, decide
from callcenter.routing.strategies import order_targets, predicted_revenue_per_call

from .factories import make_campaign, make_request, make_target


def order(
    strategy: RoutingStrategy, targets: list[TargetSnapshot], *, seed: int = 0, cursor: int = 0
) -> list[str]:
    return [t.name for t in order_targets(strategy, targets, rng=random.Random(seed), cursor=cursor)]


def choice_shares(
    strategy: RoutingStrategy, targets: list[TargetSnapshot], *, runs: int = 10_000, place: int = 0
) -> dict[str, float]:
    """How often each target is dialed at `place` (0 = first) over `runs` seeded decisions."""
    request = make_request(campaign=make_campaign(strategy=strategy), targets=targets)
    rng = random.Random(2026)
    counts: Counter[str] = Counter()
    names = {t.id: t.name for t in targets}
    for _ in range(runs):
        target_id = decide(request, rng).steps[place].target_id
        assert target_id is not None
        counts[names[target_id]] += 1
    return {name: count / runs for name, count in counts.items()}


def test_priority_dials_tiers_in_ascending_order() -> None:
    targets = [
        make_target(name="third", priority=3, weight=100),
        make_target(name="first", priority=1, weight=1),
        make_target(name="second", priority=2, weight=50),
    ]
    for seed in range(20):
        assert order(RoutingStrategy.PRIORITY, targets, seed=seed) == ["first", "second", "third"]


def test_priority_never_lets_a_lower_tier_overtake_a_higher_one() -> None:
    targets = [
        make_target(name=f"p{p}-{i}", priority=p, weight=10 * i + 1) for p in (2, 1, 3) for i in range(3)
    ]
    for seed in range(50):
        tiers = [int(name[1]) for name in order(RoutingStrategy.PRIORITY, targets, seed=seed)]
        assert tiers == sorted(tiers)


def test_priority_splits_first_choice_inside_a_tier_by_weight() -> None:
    targets = [
        make_target(name="heavy", priority=1, weight=60),
        make_target(name="middle", priority=1, weight=30),
        make_target(name="light", priority=1, weight=10),
        make_target(name="backup", priority=2, weight=100),
    ]
    shares = choice_shares(RoutingStrategy.PRIORITY, targets)
    assert shares["heavy"] == pytest.approx(0.60, abs=0.02)
    assert shares["middle"] == pytest.approx(0.30, abs=0.02)
    assert shares["light"] == pytest.approx(0.10, abs=0.02)
    assert "backup" not in shares


def test_priority_draws_the_second_choice_without_replacement() -> None:
    targets = [
        make_target(name="heavy", weight=60),
        make_target(name="middle", weight=30),
        make_target(name="light", weight=10),
    ]
    # P(light second) = P(heavy first) * 10/40 + P(middle first) * 10/70
    expected_light_second = 0.6 * 10 / 40 + 0.3 * 10 / 70
    shares = choice_shares(RoutingStrategy.PRIORITY, targets, place=1)
    assert shares["light"] == pytest.approx(expected_light_second, abs=0.02)


def test_weighted_splits_first_choice_by_weight_across_priorities() -> None:
    targets = [
        make_target(name="a", priority=1, weight=25),
        make_target(name="b", priority=5, weight=75),
    ]
    shares = choice_shares(RoutingStrategy.WEIGHTED, targets)
    assert shares["a"] == pytest.approx(0.25, abs=0.02)
    assert shares["b"] == pytest.approx(0.75, abs=0.02)


def test_random_strategies_are_reproducible_with_the_same_seed() -> None:
    targets = [make_target(name=str(i), weight=i + 1) for i in range(10)]
    for strategy in (RoutingStrategy.PRIORITY, RoutingStrategy.WEIGHTED):
        assert order(strategy, targets, seed=7) == order(strategy, targets, seed=7)
        assert len({tuple(order(strategy, targets, seed=seed)) for seed in range(10)}) > 1


def test_round_robin_rotates_exactly_over_consecutive_cursors() -> None:
    targets = [make_target(name=name) for name in ("a", "b", "c", "d")]
    orders = [order(RoutingStrategy.ROUND_ROBIN, targets, cursor=cursor) for cursor in range(8)]
    assert orders[:4] == [
        ["a", "b", "c", "d"],
        ["b", "c", "d", "a"],
        ["c", "d", "a", "b"],
        ["d", "a", "b", "c"],
    ]
    assert orders[4:] == orders[:4]


def test_round_robin_base_order_is_priority_then_id() -> None:
    # Ids grow with creation order: "late" has a larger id than "early".
    early = make_target(name="early", priority=2)
    late = make_target(name="late", priority=2)
    urgent = make_target(name="urgent", priority=1)
    assert order(RoutingStrategy.ROUND_ROBIN, [late, urgent, early]) == ["urgent", "early", "late"]


def test_round_robin_ignores_weight_and_randomness() -> None:
    targets = [make_target(name="a", weight=1), make_target(name="b", weight=100)]
    assert {tuple(order(RoutingStrategy.ROUND_ROBIN, targets, seed=seed)) for seed in range(10)} == {
        ("a", "b")
    }


def test_capacity_prefers_free_slots() -> None:
    targets = [
        make_target(name="one free", caps=Caps(concurrency=5), usage=Usage(live=4)),
        make_target(name="three free", caps=Caps(concurrency=3)),
        make_target(name="two free", caps=Caps(concurrency=10), usage=Usage(live=8)),
    ]
    assert order(RoutingStrategy.CAPACITY, targets) == ["three free", "two free", "one free"]


def test_capacity_counts_an_uncapped_target_as_most_free() -> None:
    targets = [make_target(name="capped", caps=Caps(concurrency=1000)), make_target(name="uncapped")]
    assert order(RoutingStrategy.CAPACITY, targets) == ["uncapped", "capped"]


def test_capacity_breaks_ties_by_priority_then_weight() -> None:
    caps = Caps(concurrency=2)
    targets = [
        make_target(name="p2", priority=2, weight=100, caps=caps),
        make_target(name="p1 light", priority=1, weight=10, caps=caps),
        make_target(name="p1 heavy", priority=1, weight=90, caps=caps),
    ]
    assert order(RoutingStrategy.CAPACITY, targets) == ["p1 heavy", "p1 light", "p2"]


def test_highest_revenue_dials_the_best_payer_first() -> None:
    targets = [
        make_target(name="mid", revenue="25.00"),
        make_target(name="top", revenue="40.50", priority=9),
        make_target(name="low", revenue="12"),
    ]
    assert order(RoutingStrategy.HIGHEST_REVENUE, targets) == ["top", "mid", "low"]


def test_highest_revenue_breaks_ties_by_priority() -> None:
    targets = [
        make_target(name="p3", revenue="30", priority=3),
        make_target(name="p1", revenue="30", priority=1),
    ]
    assert order(RoutingStrategy.HIGHEST_REVENUE, targets) == ["p1", "p3"]


def test_predictive_estimate_uses_a_laplace_prior() -> None:
    assert predicted_revenue_per_call(make_target(revenue="20")) == Decimal("10")
    assert predicted_revenue_per_call(make_target(revenue="30", calls=8, conversions=8)) == Decimal("27")
    assert predicted_revenue_per_call(make_target(revenue="30", calls=98, conversions=0)) == Decimal("0.3")


def test_predictive_prefers_the_best_expected_revenue_per_call() -> None:
    targets = [
        make_target(name="rich but rarely converts", revenue="100", calls=198, conversions=3),  # 2.00
        make_target(name="new", revenue="20"),  # 10.00
        make_target(name="steady", revenue="15", calls=98, conversions=79),  # 12.00
    ]
    assert order(RoutingStrategy.PREDICTIVE, targets) == ["steady", "new", "rich but rarely converts"]


def test_predictive_breaks_ties_by_priority() -> None:
    targets = [
        make_target(name="p2", revenue="10", priority=2),
        make_target(name="p1", revenue="10", priority=1),
    ]
    assert order(RoutingStrategy.PREDICTIVE, targets) == ["p1", "p2"]


@pytest.mark.parametrize("strategy", list(RoutingStrategy))
def test_no_targets_gives_an_empty_order(strategy: RoutingStrategy) -> None:
    assert order_targets(strategy, [], rng=random.Random(0), cursor=3) == []


TARGETS = st.lists(
    st.builds(
        make_target,
        priority=st.integers(1, 10),
        weight=st.integers(1, 100),
        revenue=st.decimals(0, 1000, places=2).map(str),
        caps=st.builds(Caps, concurrency=st.none() | st.integers(0, 10)),
        usage=st.builds(Usage, live=st.integers(0, 10)),
        calls=st.integers(0, 100),
    ),
    max_size=12,
)


@given(
    strategy=st.sampled_from(list(RoutingStrategy)),
    targets=TARGETS,
    seed=st.integers(0, 2**32),
    cursor=st.integers(-5, 1000),
)
def test_every_strategy_orders_each_eligible_target_exactly_once(
    strategy: RoutingStrategy, targets: list[TargetSnapshot], seed: int, cursor: int
) -> None:
    ordered = order_targets(strategy, targets, rng=random.Random(seed), cursor=cursor)
    assert sorted(t.id for t in ordered) == sorted(t.id for t in targets)
