"""What every app's synthetic-data seeder receives: the scale, a seeded random generator, the day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

SCALES = ("small", "ct")


@dataclass
class SeedContext:
    scale: str  # "small" (seconds; demo and tests) or "ct" (Connecticut scale; benchmarks)
    seed: int
    today: dt.date
    log: Callable[[str], None] = print
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.scale not in SCALES:
            raise ValueError(f"Unknown scale {self.scale!r}: use one of {', '.join(SCALES)}.")

    def rng(self, stream: str) -> np.random.Generator:
        """An independent, deterministic generator per named stream, so adding one seeder never
        changes what another produces."""
        digest = sum((i + 1) * ord(c) for i, c in enumerate(stream))
        return np.random.default_rng([self.seed, digest])

    def pick(self, small: int, ct: int) -> int:
        return small if self.scale == "small" else ct
