"""``desktop-crm user``: staff accounts from the command line, on both engines."""

from __future__ import annotations

import json

from sqlalchemy.engine import make_url

from desktop_crm.services import connection
from desktop_crm.services.connection import ServerConnection
from tests.test_cli import run


def test_add_list_set_disable_on_sqlite(sqlite_url):
    run("init", "--db", sqlite_url)
    out = run("user", "add", "boss", "--role", "manager", "--team", "EAST", "--name", "老板",
              "--db", sqlite_url).stdout
    assert "added boss (manager, team EAST)" in out and "password" not in out
    run("user", "add", "anna", "--team", "EAST", "--manager", "boss", "--db", sqlite_url)
    run("user", "set", "anna", "--grant", "export", "--db", sqlite_url)
    run("user", "disable", "anna", "--db", sqlite_url)
    listed = json.loads(run("user", "list", "--format", "json", "--db", sqlite_url).stdout)
    anna = next(u for u in listed if u["username"] == "anna")
    assert anna == {"username": "anna", "name": "anna", "role": "sales", "team": "EAST",
                    "manager": "老板", "active": False, "permissions": ["export"]}
    bad = run("user", "add", "Bad Name!", "--db", sqlite_url, check=False)
    assert bad.returncode == 1 and "A user name is 2-63 lower-case letters" in bad.stderr
    missing = run("user", "disable", "nobody", "--db", sqlite_url, check=False)
    assert missing.returncode == 2 and "no staff member called 'nobody'" in missing.stderr


def test_add_on_postgresql_makes_a_login_that_connects(pg_url):
    run("init", "--db", pg_url)
    name = f"wang_{make_url(pg_url).database[-6:]}"
    out = run("user", "add", name, "--role", "sales", "--team", "WEST", "--db", pg_url).stdout
    password = next(line.split(": ", 1)[1] for line in out.splitlines()
                    if line.startswith("password: "))
    assert len(password) == 12
    u = make_url(pg_url)
    login = ServerConnection(u.host, u.port or 5432, u.database, name, "disable")
    assert connection.check(login, password).ok
    run("user", "disable", name, "--db", pg_url)
    assert connection.check(login, password).code == "login_failed"
    # the password given on stdin is used and not echoed
    proc = run("user", "password", name, "--password-stdin", "--db", pg_url,
               input_text="Chosen-Passw0rd\n")
    assert "Chosen-Passw0rd" not in proc.stdout + proc.stderr
