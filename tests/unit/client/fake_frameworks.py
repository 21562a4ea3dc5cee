"""Stand-ins for sklearn, xgboost and torch: real modules with the classes the client recognises.

The client must recognise these frameworks by module and class names without importing them,
so modules that carry the same names (and a `__version__`) are enough to exercise it, without
installing the frameworks.
"""

from __future__ import annotations

import pickle
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def _module(name: str, **attrs: Any) -> types.ModuleType:
    module = types.ModuleType(name)
    for key, value in attrs.items():
        setattr(module, key, value)
    return module


def _class(module: str, name: str, bases: tuple[type, ...] = (), **attrs: Any) -> type:
    return type(name, bases, {"__module__": module, **attrs})


def _fit(self: Any, x: list[list[float]], y: list[float]) -> Any:
    """Least squares on the first feature, enough for scripts that fit and then predict."""
    xs = [row[0] for row in x]
    mean_x, mean_y = sum(xs) / len(xs), sum(y) / len(y)
    spread = sum((v - mean_x) ** 2 for v in xs) or 1.0
    self.coef_ = [sum((a - mean_x) * (b - mean_y) for a, b in zip(xs, y, strict=True)) / spread]
    self.intercept_ = mean_y - self.coef_[0] * mean_x
    return self


def _predict(self: Any, x: list[list[float]]) -> list[float]:
    return [self.intercept_ + self.coef_[0] * row[0] for row in x]


SKLEARN_BASE = _class("sklearn.base", "BaseEstimator")
LINEAR_REGRESSION = _class(
    "sklearn.linear_model._base", "LinearRegression", (SKLEARN_BASE,), coef=0.5, fit=_fit, predict=_predict
)


def _save_booster(self: Any, path: str) -> None:
    with open(path, "wb") as f:
        f.write(b"booster-bytes")


BOOSTER = _class("xgboost.core", "Booster", save_model=_save_booster)
TORCH_MODULE = _class("torch.nn.modules.module", "Module")
TINY_NET = _class("examples.nets", "TinyNet", (TORCH_MODULE,))


def _torch_save(obj: Any, path: str) -> None:
    with open(path, "wb") as f:
        pickle.dump(type(obj).__name__, f)


@contextmanager
def installed() -> Iterator[None]:
    """Registers the stand-in modules in `sys.modules` for the duration of the block."""
    modules = {
        "sklearn": _module("sklearn", __version__="1.5.2"),
        "sklearn.base": _module("sklearn.base", BaseEstimator=SKLEARN_BASE),
        "sklearn.linear_model": _module("sklearn.linear_model", LinearRegression=LINEAR_REGRESSION),
        "sklearn.linear_model._base": _module(
            "sklearn.linear_model._base", LinearRegression=LINEAR_REGRESSION
        ),
        "xgboost": _module("xgboost", __version__="2.1.0"),
        "xgboost.core": _module("xgboost.core", Booster=BOOSTER),
        "torch": _module("torch", __version__="2.5.0", save=_torch_save),
        "torch.nn.modules.module": _module("torch.nn.modules.module", Module=TORCH_MODULE),
    }
    saved = {name: sys.modules.get(name) for name in modules}
    sys.modules.update(modules)
    try:
        yield
    finally:
        for name, previous in saved.items():
            if previous is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = previous
