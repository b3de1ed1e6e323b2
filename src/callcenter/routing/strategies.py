"""Ordering of eligible static targets, one rule per campaign routing strategy.

- priority: tiers by ascending priority (1 first); inside a tier, weighted random order without
  replacement, so a target's chance of being first in its tier is weight / sum of the tier's weights.
- round_robin: a stable order (priority, then id) rotated left by `cursor % n`; consecutive cursors give
  each eligible target the first place in turn. The live state advances the cursor once per call.
- weighted: weighted random order without replacement across all targets, ignoring priority.
- capacity: most free concurrency slots first (target cap minus live calls; no cap counts as infinite),
  ties by priority, then by weight descending.
- highest_revenue: revenue per converted call descending, ties by priority.
- predictive: estimated revenue per call descending, ties by priority. The estimate is
  `revenue * (conversions + 1) / (calls + 2)`: the conversion rate with a Laplace (uniform Beta(1, 1))
  prior, so a target without history is valued at half its revenue instead of zero or all of it, and
  its estimate moves towards the observed rate as calls accumulate.

Every deterministic order ends with the target id as last tie-break, so the same snapshot always gives
the same plan. Randomness comes only from the `random.Random` passed in.

Weighted random order uses an exponential race: each target draws `Exp(weight)` and the draws are
sorted ascending. The smallest of independent exponentials is target i with probability
w_i / sum(w), and by memorylessness the rest of the order follows the same rule, which is exactly
drawing without replacement proportionally to weight, in one sort.
"""

import random
from collections.abc import Callable, Sequence
from decimal import Decimal

from callcenter.routing.caps import free_concurrency
from callcenter.routing.reasons import RoutingStrategy
from callcenter.routing.snapshot import TargetSnapshot

_Order = Callable[[Sequence[TargetSnapshot], random.Random, int], list[TargetSnapshot]]


def order_targets(
    strategy: RoutingStrategy,
    targets: Sequence[TargetSnapshot],
    *,
    rng: random.Random,
    cursor: int = 0,
) -> list[TargetSnapshot]:
    """Return `targets` in the order they should be dialed under `strategy`."""
    return _ORDERS[strategy](targets, rng, cursor)


def predicted_revenue_per_call(target: TargetSnapshot) -> Decimal:
    """Laplace-smoothed expected revenue of one call to `target` (see the module docstring)."""
    return target.revenue * (target.conversions + 1) / (target.calls + 2)


def _by_priority(targets: Sequence[TargetSnapshot], rng: random.Random, cursor: int) -> list[TargetSnapshot]:
    return sorted(targets, key=lambda t: (t.priority, rng.expovariate(t.weight)))


def _round_robin(targets: Sequence[TargetSnapshot], rng: random.Random, cursor: int) -> list[TargetSnapshot]:
    stable = sorted(targets, key=lambda t: (t.priority, t.id))
    if not stable:
        return stable
    shift = cursor % len(stable)
    return stable[shift:] + stable[:shift]


def _weighted(targets: Sequence[TargetSnapshot], rng: random.Random, cursor: int) -> list[TargetSnapshot]:
    return sorted(targets, key=lambda t: rng.expovariate(t.weight))


def _capacity(targets: Sequence[TargetSnapshot], rng: random.Random, cursor: int) -> list[TargetSnapshot]:
    return sorted(targets, key=lambda t: (-free_concurrency(t.caps, t.usage), t.priority, -t.weight, t.id))


def _highest_revenue(
    targets: Sequence[TargetSnapshot], rng: random.Random, cursor: int
) -> list[TargetSnapshot]:
    return sorted(targets, key=lambda t: (-t.revenue, t.priority, t.id))


def _predictive(targets: Sequence[TargetSnapshot], rng: random.Random, cursor: int) -> list[TargetSnapshot]:
    return sorted(targets, key=lambda t: (-predicted_revenue_per_call(t), t.priority, t.id))


_ORDERS: dict[RoutingStrategy, _Order] = {
    RoutingStrategy.PRIORITY: _by_priority,
    RoutingStrategy.ROUND_ROBIN: _round_robin,
    RoutingStrategy.WEIGHTED: _weighted,
    RoutingStrategy.CAPACITY: _capacity,
    RoutingStrategy.HIGHEST_REVENUE: _highest_revenue,
    RoutingStrategy.PREDICTIVE: _predictive,
}
