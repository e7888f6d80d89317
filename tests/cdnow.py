"""The CDNOW sample of Fader, Hardie & Lee (2005), read from the installed ``lifetimes`` package.

The data's licence is unclear, so it is not copied into this repository: the test dependency
``lifetimes`` ships it, and we read its data files through ``importlib.metadata`` (``lifetimes``
itself is never imported: it pulls in autograd and old pandas idioms).

The sample is 2,357 customers who made their first purchase at CDNOW in the first quarter of
1997; the calibration period ends 1997-09-30 (39 weeks after 1997-01-01) and the summaries are in
weeks. A missing file is an error (the tests fail, they do not skip).
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
from pathlib import Path

import pandas as pd

DISTRIBUTION = "lifetimes"
SUMMARY_FILE = "lifetimes/datasets/cdnow_customers_summary.csv"  # ID,frequency,recency,T
# ID,x,t_x,T,zbar (zbar: mean spend of the repeat purchases)
MONETARY_FILE = "lifetimes/datasets/cdnow_customers_summary_with_transactions.csv"
TRANSACTIONS_FILE = "lifetimes/datasets/CDNOW_sample.txt"  # master id, id, YYYYMMDD, CDs, dollars

CALIBRATION_END = dt.date(1997, 9, 30)
"""Last day of the 39-week calibration period of the CDNOW summaries."""

N_CUSTOMERS = 2357


class CdnowDataMissing(RuntimeError):
    """The lifetimes distribution, or one of its CDNOW data files, is not installed."""


def data_file(relative: str) -> Path:
    """Path of a data file inside the installed ``lifetimes`` distribution."""
    try:
        dist = importlib.metadata.distribution(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError as exc:
        raise CdnowDataMissing(
            f"the {DISTRIBUTION!r} distribution is not installed; the CLV tests read its CDNOW "
            "data files (install the project's test extra: pip install -e '.[test]')"
        ) from exc
    path = Path(str(dist.locate_file(relative)))
    if not path.is_file():
        listed = sorted(str(f) for f in (dist.files or ()) if "datasets" in str(f))
        raise CdnowDataMissing(
            f"{relative} not found in the installed {DISTRIBUTION} {dist.version} "
            f"(looked at {path}); its dataset files are: {listed}"
        )
    return path


def _check(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    if len(frame) != N_CUSTOMERS:
        raise CdnowDataMissing(f"{what}: expected {N_CUSTOMERS} customers, got {len(frame)}")
    return frame


def load_cdnow_summary() -> pd.DataFrame:
    """Calibration summary in weeks: index ``customer_id`` (1..2357); frequency, recency, T."""
    frame = pd.read_csv(data_file(SUMMARY_FILE))
    frame.columns = ["customer_id", "frequency", "recency", "T"]
    return _check(frame.set_index("customer_id"), SUMMARY_FILE)


def load_cdnow_summary_with_monetary_value() -> pd.DataFrame:
    """The summary plus ``monetary_value``: mean spend of the repeat purchases (0 when none).

    This is the file behind ``lifetimes.datasets.load_cdnow_summary_data_with_monetary_value``
    (columns ID, x, t_x, T, zbar), renamed the same way.
    """
    frame = pd.read_csv(data_file(MONETARY_FILE))
    frame.columns = ["customer_id", "frequency", "recency", "T", "monetary_value"]
    return _check(frame.set_index("customer_id"), MONETARY_FILE)


def load_cdnow_transactions() -> pd.DataFrame:
    """The 6,919 transactions of the sample (whole 78 weeks, to 1998-06-30).

    Columns: ``customer_id`` (1..2357, the summaries' id), ``master_id`` (id in the full CDNOW
    file), ``date`` (datetime64), ``quantity`` (CDs bought) and ``amount`` (dollars).
    """
    frame = pd.read_csv(
        data_file(TRANSACTIONS_FILE), sep=r"\s+", header=None,
        names=["master_id", "customer_id", "date", "quantity", "amount"],
        dtype={"master_id": "int64", "customer_id": "int64", "date": "str",
               "quantity": "int64", "amount": "float64"},
    )
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    frame = frame[["customer_id", "master_id", "date", "quantity", "amount"]]
    if frame["customer_id"].nunique() != N_CUSTOMERS:
        raise CdnowDataMissing(f"{TRANSACTIONS_FILE}: expected {N_CUSTOMERS} customers")
    return frame
