"""``desktop-crm user``: staff accounts from the command line (an admin's job).

    desktop-crm user add wang --role sales --team EAST [--name 王伟] [--manager boss]
    desktop-crm user list [--format json]
    desktop-crm user disable wang | enable wang
    desktop-crm user password wang          (prints a new password, or reads one from stdin)
    desktop-crm user set wang --role manager --team WEST --grant export --revoke export

On PostgreSQL ``add`` also creates the person's login on the server (run it as the schema
owner or an admin's login); the password is printed once, to hand over. It is never written
to a file or the log.
"""

from __future__ import annotations

import json
import sys

from desktop_crm.cli_i18n import Cli
from desktop_crm.services.access import PERMISSIONS
from desktop_crm.services.staff import ROLES


def add_parser(sub, common: list) -> None:
    u = sub.add_parser("user", parents=common, help="add, list, disable staff accounts",
                       description=__doc__.split("\n\n", 1)[1].split("\n\n")[0])
    us = u.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    a = us.add_parser("add", parents=common, help="a new staff member (and their login)")
    a.add_argument("username", help="login name: lower-case letters, digits, _ . -")
    a.add_argument("--name", default="", help="the name shown in the app (default: USERNAME)")
    a.add_argument("--role", choices=ROLES, default="sales")
    a.add_argument("--team", default="")
    a.add_argument("--manager", metavar="USERNAME", help="who they report to")
    a.add_argument("--password-stdin", action="store_true",
                   help="read the password from standard input instead of making one up")
    lst = us.add_parser("list", parents=common, help="everyone, with role and team")
    lst.add_argument("--format", choices=("table", "json"), default="table")
    for name, text in (("disable", "stop a login (their records stay)"),
                       ("enable", "let a disabled login connect again")):
        p = us.add_parser(name, parents=common, help=text)
        p.add_argument("username")
    p = us.add_parser("password", parents=common, help="set a new password")
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password from standard input instead of making one up")
    s = us.add_parser("set", parents=common, help="change role, team, manager, rights")
    s.add_argument("username")
    s.add_argument("--role", choices=ROLES)
    s.add_argument("--team")
    s.add_argument("--name")
    s.add_argument("--manager", metavar="USERNAME", help="'-' for nobody")
    s.add_argument("--grant", action="append", choices=PERMISSIONS, default=[])
    s.add_argument("--revoke", action="append", choices=PERMISSIONS, default=[])


def _password(args) -> str | None:
    if not getattr(args, "password_stdin", False):
        return None
    line = sys.stdin.readline().rstrip("\r\n")
    return line or None


def cmd_user(args) -> int:
    from desktop_crm.cli_errors import field_error_text
    from desktop_crm.services.container import Services
    from desktop_crm.services.errors import ValidationError
    from desktop_crm.services.staff import StaffService

    svc = Services.open(args.db)
    try:
        staff = StaffService(svc.db, svc.user)
        members = {m.username: m for m in staff.list()}

        def member(name: str):
            m = members.get(name.strip().lower())
            if m is None:
                print("desktop-crm user: " + Cli.tr("no staff member called {name}",
                                                    name=repr(name)), file=sys.stderr)
                raise SystemExit(2)
            return m

        action = args.user_command
        try:
            if action == "list":
                rows = staff.list()
                if args.format == "json":
                    print(json.dumps([{"username": m.username, "name": m.display_name,
                                       "role": m.role, "team": m.team, "manager": m.manager,
                                       "active": m.active, "permissions": list(m.permissions)}
                                      for m in rows], ensure_ascii=False, indent=2))
                else:
                    for m in rows:
                        print(f"{m.username:20} {m.display_name:12} {m.role:8} {m.team:10} "
                              f"{m.manager:12} {'' if m.active else 'disabled'}".rstrip())
                return 0
            if action == "add":
                manager = member(args.manager).id if args.manager else None
                added, password = staff.add(args.username, args.name, args.role, args.team,
                                            _password(args), manager)
                print(Cli.tr("added {user} ({role}, team {team})", user=added.username,
                             role=added.role, team=added.team) if added.team else
                      Cli.tr("added {user} ({role})", user=added.username, role=added.role))
                if password and not args.password_stdin:
                    print(Cli.tr("password: {password}", password=password))
                return 0
            m = member(args.username)
            if action in ("disable", "enable"):
                staff.set_active(m.id, action == "enable")
                print(Cli.tr("{user}: enabled", user=m.username) if action == "enable"
                      else Cli.tr("{user}: disabled", user=m.username))
            elif action == "password":
                password = staff.reset_password(m.id, _password(args))
                print(Cli.tr("{user}: password changed", user=m.username))
                if not args.password_stdin:
                    print(Cli.tr("password: {password}", password=password))
            elif action == "set":
                manager = "keep"
                if args.manager == "-":
                    manager = None
                elif args.manager:
                    manager = member(args.manager).id
                grants = (set(m.permissions) | set(args.grant)) - set(args.revoke)
                changed = staff.update(m.id, role=args.role, team=args.team,
                                       display_name=args.name, manager_id=manager,
                                       permissions=sorted(grants)
                                       if args.grant or args.revoke else None)
                text = changed.role
                if changed.team:
                    text = Cli.tr("{role}, team {team}", role=text, team=changed.team)
                if changed.manager:
                    text = Cli.tr("{role}, reports to {manager}", role=text,
                                  manager=changed.manager)
                print(Cli.tr("{user}: {role}", user=changed.username, role=text))
        except ValidationError as exc:
            for e in exc.errors:
                print(f"desktop-crm user {action}: " + field_error_text(e), file=sys.stderr)
            return 1
        return 0
    finally:
        svc.close()
