"""What the benchmarks share: peak memory, medians in milliseconds, and waiting for a Qt
signal in a local event loop. Run the benchmarks from the repository (``python bench/...``):
this folder is then on ``sys.path``."""

from __future__ import annotations

import resource
import statistics
import sys


def peak_rss_mb() -> float:
    """The process's peak resident memory, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def ms(times: list[float]) -> float:
    """The median of times in seconds, in milliseconds."""
    return round(statistics.median(times) * 1000, 1)


def p90_ms(times: list[float]) -> float:
    s = sorted(times)
    return round(s[min(len(s) - 1, int(len(s) * 0.9))] * 1000, 1)


def wait_for(signal, timeout_ms: int = 60000) -> None:
    """Run the event loop until ``signal`` fires (or the timeout)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)
