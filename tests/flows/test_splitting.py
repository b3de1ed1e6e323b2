"""Random splits follow their shares (the webhook tests pin each branch; this checks the proportions)."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from callcenter.flows.executor import FlowFault, pick_share


def test_percentages_and_weights_are_followed_over_many_calls() -> None:
    rng = random.Random(7)
    picks = Counter(pick_share([("a", 70), ("b", 20), ("c", 10), ("off", 0)], rng) for _ in range(20_000))

    assert picks["off"] == 0
    assert abs(picks["a"] / 20_000 - 0.70) < 0.02
    assert abs(picks["b"] / 20_000 - 0.20) < 0.02
    assert abs(picks["c"] / 20_000 - 0.10) < 0.02


def test_a_split_with_no_share_is_a_fault() -> None:
    with pytest.raises(FlowFault):
        pick_share([("a", 0), ("b", 0)], random.Random(1))
