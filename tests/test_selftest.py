"""``desktop-crm self-test``: the check an installed bundle runs, here run from the source tree."""

from __future__ import annotations

import re

from .test_cli import run

STEPS = ("import", "migrations", "open database", "create customer", "find customer",
         "delete customer", "encrypted database", "qt app and translations", "chinese font", "main window",
         "section home", "section customers", "section calendar", "section pool",
         "section pipeline", "section tickets", "section tiers", "section reports", "pdf")


def test_self_test_passes_every_step(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    proc = run("self-test", env_extra={"DESKTOP_CRM_HOME": str(home)})
    lines = proc.stdout.splitlines()
    done = [m.group(1) for line in lines if (m := re.fullmatch(r"ok (.+) (\d+)", line))]
    assert done == list(STEPS), proc.stdout
    assert not [line for line in lines if line.startswith("FAIL")]
    assert lines[-1].startswith("self-test passed in ")
    # it worked in a temporary folder of its own: no database or settings in the user's
    # (the command line's log file is the only thing written there)
    assert {p.name for p in home.iterdir()} <= {"logs"}


def test_self_test_flag_is_the_same_command():
    proc = run("--self-test")
    assert "ok pdf " in proc.stdout
    assert proc.stdout.splitlines()[-1].startswith("self-test passed")
