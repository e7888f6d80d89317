"""``desktop-crm duplicates``: the duplicate finder from the command line (the same service
the Find duplicates dialog runs)."""

from __future__ import annotations

import argparse
import csv
import json
import sys

from desktop_crm.cli_i18n import QT_TRANSLATE_NOOP, Cli

CSV_COLUMNS = ("group", "score", "reasons", "code", "name", "phone", "city", "member_score",
               "member_reasons", "matches", "id")
STAGES = {  # the service's progress stages (the Find duplicates dialog says the same)
    "reading": QT_TRANSLATE_NOOP("Cli", "Reading customers…"),
    "comparing": QT_TRANSLATE_NOOP("Cli", "Comparing…"),
    "grouping": QT_TRANSLATE_NOOP("Cli", "Grouping…"),
}


def add_parser(sub, common: list[argparse.ArgumentParser]) -> None:
    from desktop_crm.services.duplicates import DEFAULT_MIN_SCORE

    p = sub.add_parser(
        "duplicates", parents=common, help="list groups of likely duplicate customers",
        description="Find customers that are probably the same: the same phone or e-mail, "
                    "the same name without legal form (上海华信科技有限公司 = 上海华信科技), "
                    "names that sound the same or are nearly the same. Prints each group with "
                    "its score (0-100) and reasons, best first. Nothing is changed; merge in "
                    "the app.")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--min-score", type=int, default=DEFAULT_MIN_SCORE, metavar="N",
                   help=f"leave out pairs scoring below N (0-100, default {DEFAULT_MIN_SCORE})")
    p.add_argument("--limit", type=int, default=None, metavar="N",
                   help="print only the N best groups")


def cmd_duplicates(args, services) -> int:
    from desktop_crm.services.duplicates import DuplicateService

    svc = DuplicateService(services.db, services.user)
    tty = sys.stderr.isatty()

    def progress(stage: str, done: int, total: int) -> bool:
        if tty:
            name = STAGES.get(stage)
            print("\r" + Cli.tr("{stage} {done}/{total}", stage=Cli.tr(name) if name else stage,
                                done=done, total=total) + "   ",
                  end="", file=sys.stderr, flush=True)
        return True

    groups = svc.find(progress, min_score=args.min_score, limit=args.limit)
    if tty:
        print(file=sys.stderr)
    if args.format == "json":
        json.dump({
            "stats": svc.last_stats,
            "groups": [{
                "score": g.score, "reasons": list(g.reasons),
                "members": [{"id": str(m.id), "code": m.code, "name": m.name,
                             "phone": m.phone, "city": m.city, "score": m.score,
                             "reasons": list(m.reasons),
                             "matches": str(m.match) if m.match else None}
                            for m in g.members]}
                for g in groups],
        }, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    codes = {m.id: m.code for g in groups for m in g.members}
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for n, g in enumerate(groups, start=1):
        for m in g.members:
            w.writerow((n, g.score, " ".join(g.reasons), m.code, m.name, m.phone, m.city,
                        m.score, " ".join(m.reasons), codes.get(m.match, ""), str(m.id)))
    return 0
