"""Fault injection: per-method latency and error rates, drawn from a seeded RNG and counted.

Rules are keyed by short method name (`"WriteTensorboardRunData"`) or `"*"` for every method; a method's
own rule wins over `"*"`. A fault with `after=True` fails the call *after* it took effect, as when a
response is lost on the way back: the write is stored but the client sees the error.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import grpc


@dataclass(frozen=True)
class Fault:
    latency: float = 0.0  # seconds added before the call is handled
    error_rate: float = 0.0  # probability in [0, 1] that the call fails
    code: grpc.StatusCode = grpc.StatusCode.UNAVAILABLE
    message: str = "Injected fault: the service is unavailable, retry."
    after: bool = False  # fail after the call took effect instead of before

    def __post_init__(self) -> None:
        if self.latency < 0:
            raise ValueError(f"latency must not be negative, got {self.latency}")
        if not 0.0 <= self.error_rate <= 1.0:
            raise ValueError(f"error_rate must be in [0, 1], got {self.error_rate}")
        if self.code == grpc.StatusCode.OK:
            raise ValueError("an injected error needs a code other than OK")


@dataclass(frozen=True)
class Decision:
    latency: float
    error: Fault | None


class Faults:
    """The fault rules in force, their RNG and counters of what they did."""

    def __init__(self, rules: Mapping[str, Fault] | None = None, *, seed: int = 0) -> None:
        self.rules: dict[str, Fault] = dict(rules or {})
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._injected: Counter[str] = Counter()
        self._delayed: Counter[str] = Counter()

    @classmethod
    def uniform(
        cls,
        *,
        latency: float = 0.0,
        error_rate: float = 0.0,
        methods: tuple[str, ...] = ("*",),
        code: grpc.StatusCode = grpc.StatusCode.UNAVAILABLE,
        seed: int = 0,
    ) -> Faults:
        """`latency` on every method and `error_rate` on `methods` (all by default)."""
        rules = {"*": Fault(latency=latency)}
        for method in methods:
            rules[method] = Fault(latency=latency, error_rate=error_rate, code=code)
        return cls(rules, seed=seed)

    def rule(self, method: str) -> Fault | None:
        return self.rules.get(method) or self.rules.get("*")

    def decide(self, method: str) -> Decision:
        fault = self.rule(method)
        if fault is None:
            return Decision(0.0, None)
        with self._lock:
            fails = fault.error_rate > 0 and self._random.random() < fault.error_rate
            if fails:
                self._injected[method] += 1
            if fault.latency > 0:
                self._delayed[method] += 1
        return Decision(fault.latency, fault if fails else None)

    @property
    def injected(self) -> dict[str, int]:
        """Errors injected so far, per method."""
        with self._lock:
            return dict(self._injected)

    @property
    def delayed(self) -> dict[str, int]:
        """Calls delayed so far, per method."""
        with self._lock:
            return dict(self._delayed)
