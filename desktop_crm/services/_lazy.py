"""Modules imported on first use: pandas and scipy cost about a second at start-up, and the
first window needs neither (tiers, health scores and lifetime value compute later, in the
background)."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule(ModuleType):
    def __init__(self, name: str):
        super().__init__(name)
        self._real: ModuleType | None = None

    def _load(self) -> ModuleType:
        if self._real is None:
            self._real = importlib.import_module(self.__name__)
        return self._real

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._load(), attr)


def lazy(name: str) -> Any:
    return LazyModule(name)


def lazy_function(module: str, name: str):
    """A function of ``module`` that imports it on the first call."""
    real = None

    def call(*args, **kwargs):
        nonlocal real
        if real is None:
            real = getattr(importlib.import_module(module), name)
        return real(*args, **kwargs)
    call.__name__ = name
    return call
