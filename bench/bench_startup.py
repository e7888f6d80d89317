"""Start-up time: from launching the app to its main window painted, on an existing database.

    python bench/bench_startup.py [--exe dist/desktop-crm/desktop-crm] [--db URL] [--runs 5]

Without --exe the installed ``desktop-crm`` of this checkout's venv is started. The app is run
with DESKTOP_CRM_QUIT_AFTER_START=<launch time> (it prints how long after launch its window
was painted, then quits; the exit waits for background work) offscreen, in a
fresh home folder with the welcome already done. Without --db a small demo database (1,000
customers) is made first. Prints one JSON object: median and each run's seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--exe", default=str(Path(sys.executable).parent / "desktop-crm"))
    ap.add_argument("--db")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        (home / "settings.json").write_text(json.dumps({"welcomed": True, "demo_offered": True,
                                                        "language": "zh_CN"}))
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DESKTOP_CRM_HOME=str(home))
        db = args.db or f"sqlite:///{tmp}/crm.sqlite3"
        if not args.db:
            subprocess.run([args.exe, "demo", "--customers", "1000", "--seed", "1", "--db", db],
                           env=env, check=True, capture_output=True)
        runs, exits = [], []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            env["DESKTOP_CRM_QUIT_AFTER_START"] = repr(time.time())
            out = subprocess.run([args.exe, "gui", "--db", db], env=env, check=True,
                                 capture_output=True, timeout=120, text=True).stdout
            exits.append(round(time.perf_counter() - t0, 2))
            runs.append(float(out.split("window shown ", 1)[1].split(" s", 1)[0]))
    print(json.dumps({"scenario": "startup", "exe": args.exe,
                      "window_shown_median_s": statistics.median(runs), "runs_s": runs,
                      "process_exit_median_s": statistics.median(exits)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
