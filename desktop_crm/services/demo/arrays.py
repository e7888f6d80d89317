"""Vectorised helpers: ids, dates, timestamps, phone numbers, groupings."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from .vocab import CN_OFFSET_US, DAY_US, HOUR_US, MIN_US, MOBILE_PREFIXES

# --------------------------------------------------------------------------------------
# Small vectorised helpers


def _weights(pairs: Sequence[tuple[Any, float]]) -> tuple[np.ndarray, np.ndarray]:
    values = np.array([p[0] for p in pairs], dtype=object)
    w = np.array([p[1] for p in pairs], dtype=float)
    return values, w / w.sum()


def _uuids(n: int, stratum: int = 0, strata: int = 1) -> list[str]:
    """``n`` random UUID4s as 32 lower-case hex digits (how SQLAlchemy's Uuid stores them on
    SQLite; PostgreSQL takes the same text for its uuid type), in ascending order.

    With ``strata`` > 1 the ids fall in the ``stratum``-th of that many equal slices of the
    id space. Giving each batch the next slice makes every batch's ids larger than the
    previous batch's, so the primary-key and foreign-key indexes grow at their right edge
    instead of being rewritten all over at every commit (at 10M orders that was most of
    the run time). Each id still has at least 100 random bits: ids from two databases
    never collide, and over a whole run they cover the id space evenly.
    """
    if n == 0:
        return []
    b = np.frombuffer(os.urandom(16 * n), dtype=np.uint8).reshape(n, 16).copy()
    if strata > 1:
        lo = (stratum << 64) // strata
        width = (((stratum + 1) << 64) // strata) - lo
        top = b[:, :8].copy().view(">u8").ravel() % np.uint64(width) + np.uint64(lo)
        b[:, :8] = top.astype(">u8").view(np.uint8).reshape(n, 8)
    b[:, 6] = (b[:, 6] & 0x0F) | 0x40
    b[:, 8] = (b[:, 8] & 0x3F) | 0x80
    h = np.sort(b.view("S16").ravel()).tobytes().hex()  # "S" sorts bytewise
    return [h[i:i + 32] for i in range(0, 32 * n, 32)]


def _digits(buf: np.ndarray, col: int, width: int, values: np.ndarray) -> None:
    """Write ``values`` as zero-padded decimal into ``buf[:, col:col + width]``."""
    for i in range(width - 1, -1, -1):
        buf[:, col + i] = values % 10 + 48
        values = values // 10


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d64 = days.astype("datetime64[D]")
    month = d64.astype("datetime64[M]")
    y = month.astype(np.int64) // 12 + 1970
    m = month.astype(np.int64) % 12 + 1
    d = (d64 - month.astype("datetime64[D]")).astype(np.int64) + 1
    return y, m, d


def _format_dates(days: np.ndarray) -> np.ndarray:
    """Days since the epoch as "YYYY-MM-DD" (bytes array)."""
    y, m, d = _ymd(days)
    buf = np.empty((len(days), 10), dtype=np.uint8)
    buf[:, 4] = buf[:, 7] = ord("-")
    _digits(buf, 0, 4, y)
    _digits(buf, 5, 2, m)
    _digits(buf, 8, 2, d)
    return buf.view("S10").ravel()


def _format_us(us: np.ndarray, suffix: str) -> np.ndarray:
    """µs since the epoch (UTC) as "YYYY-MM-DD HH:MM:SS.ffffff" + suffix (bytes array) -
    the text SQLAlchemy's DateTime stores on SQLite. ~10x faster than
    np.datetime_as_string, which matters at tens of millions of timestamps."""
    us = us.astype(np.int64)
    days, rem = np.divmod(us, DAY_US)
    y, m, d = _ymd(days)
    width = 26 + len(suffix)
    buf = np.empty((len(us), width), dtype=np.uint8)
    buf[:, 4] = buf[:, 7] = ord("-")
    buf[:, 10] = ord(" ")
    buf[:, 13] = buf[:, 16] = ord(":")
    buf[:, 19] = ord(".")
    for i, ch in enumerate(suffix.encode()):
        buf[:, 26 + i] = ch
    _digits(buf, 0, 4, y)
    _digits(buf, 5, 2, m)
    _digits(buf, 8, 2, d)
    secs, frac = np.divmod(rem, 1_000_000)
    _digits(buf, 11, 2, secs // 3600)
    _digits(buf, 14, 2, secs // 60 % 60)
    _digits(buf, 17, 2, secs % 60)
    _digits(buf, 20, 6, frac)
    return buf.view(f"S{width}").ravel()


def _group_pos(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For groups of the given sizes laid end to end: each element's group and its
    position inside the group."""
    group = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return group, np.arange(len(group)) - np.repeat(starts, counts)


def _pick(rng: np.random.Generator, values: np.ndarray, n: int,
          p: np.ndarray | None = None) -> np.ndarray:
    return values[rng.choice(len(values), size=n, p=p)]


class _Clock:
    """Times as int64 microseconds since the epoch (UTC); days as Beijing calendar days."""

    def __init__(self, now: dt.datetime, pg: bool):
        self.now_us = int(now.timestamp() * 1_000_000)
        self.today = (self.now_us + CN_OFFSET_US) // DAY_US
        self.start = (np.datetime64(f"{now.year - 4}-01-01", "D")
                      - np.datetime64(0, "D")).astype(int)  # first day of the data window
        self.suffix = "+00" if pg else ""

    def at(self, day: np.ndarray, rng: np.random.Generator, start_h: float = 8.5,
           end_h: float = 18.5) -> np.ndarray:
        """A random moment in office hours (Beijing) of each day, as UTC µs, never after now."""
        tod = rng.integers(int(start_h * HOUR_US), int(end_h * HOUR_US), size=len(day))
        return np.minimum(day.astype(np.int64) * DAY_US + tod - CN_OFFSET_US,
                          self.now_us - rng.integers(MIN_US, 60 * MIN_US, size=len(day)))

    def day_of(self, us: np.ndarray) -> np.ndarray:
        return (us + CN_OFFSET_US) // DAY_US

    def ts(self, us: np.ndarray, mask: np.ndarray | None = None) -> list:
        """Timestamps as the database stores them; None where ``mask`` is False."""
        if len(us) == 0:
            return []
        s = _format_us(us, self.suffix).astype(str)
        if mask is None:
            return s.tolist()
        out = s.astype(object)
        out[~mask] = None
        return out.tolist()

    @staticmethod
    def dates(day: np.ndarray, mask: np.ndarray | None = None) -> list:
        if len(day) == 0:
            return []
        s = _format_dates(day).astype(str)
        if mask is None:
            return s.tolist()
        out = s.astype(object)
        out[~mask] = None
        return out.tolist()


def _mobiles(rng: np.random.Generator, n: int) -> np.ndarray:
    prefix = _pick(rng, np.array(MOBILE_PREFIXES, dtype=object), n)
    rest = rng.integers(0, 100_000_000, size=n)
    return np.array([f"{p}{r:08d}" for p, r in zip(prefix.tolist(), rest.tolist())],
                    dtype=object)
