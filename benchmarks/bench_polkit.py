"""What reading polkit's JavaScript rules costs a scan.

A host's parse asks hvaudit.parse.polkit who each rule lets through for every libvirt domain
action, org.libvirt.unix.manage, pkexec and the root-equivalent actions (parse/host.py), and
HVA-141 asks which rule functions answer for domain actions (covers_domain_actions). Each of
those reads the same few conditions again for every action. This times that work for rule sets
of 1 to --functions addRule() functions, each a rule of the shapes libvirt's documentation and
distributions ship (an ACL rule on a domain-name prefix, a group granted org.libvirt.unix.manage
for local active sessions), two ways:

  cold  one scan in a fresh process: every memo emptied before each pass (where the code has one);
  warm  the same rules read again in the same process (a fleet scan of hosts sharing their rules).

Prints milliseconds per pass (best of --repeat) and the calls made to the condition splitter.
Run it against another tree to compare: PYTHONPATH=/other/src python benchmarks/bench_polkit.py

    python benchmarks/bench_polkit.py [--functions 1 4 16] [--repeat 5]
"""

from __future__ import annotations

import argparse
import time

from hvaudit.parse import host, polkit

ACL_RULE = """polkit.addRule(function(action, subject) {{
  if (action.id.indexOf("org.libvirt.api.domain.") == 0 &&
      subject.isInGroup("team{i}") &&
      action.lookup("domain_name").indexOf("team{i}-") == 0)
    return polkit.Result.YES;
}});
"""
MANAGE_RULE = """polkit.addRule(function(action, subject) {{
  if (action.id == "org.libvirt.unix.manage" &&
      subject.local && subject.active && subject.isInGroup("ops{i}")) {{
    return polkit.Result.YES;
  }}
}});
"""


def rule_files(n: int) -> dict[str, list[str]]:
    """`n` rule files, alternating the two shapes (the form parse/host.py passes: path -> lines)."""
    files = {}
    for i in range(n):
        text = (ACL_RULE if i % 2 == 0 else MANAGE_RULE).format(i=i)
        files[f"/etc/polkit-1/rules.d/{50 + i:02d}-site.rules"] = text.splitlines()
    return files


def one_pass(files: dict[str, list[str]]) -> None:
    """The polkit questions one host's parse and HVA-141 ask of its rules."""
    for action in (
        "org.libvirt.unix.manage",
        host.PKEXEC_ACTION,
        *host.ROOT_COMMAND_ACTIONS,
        *host.ROOT_EQUIVALENT_ACTIONS,
        *polkit.DOMAIN_ACTIONS,
    ):
        polkit.grants(files, action)
    for lines in files.values():
        for rule in polkit.rule_functions("\n".join(lines)):
            polkit.covers_domain_actions(rule)


MEMOS = [getattr(polkit, name, None) for name in ("_split_top", "_function_grants")]


def _clear() -> None:
    for memo in MEMOS:
        getattr(memo, "cache_clear", lambda: None)()


def _counted() -> list[int]:
    """Count the calls made to the condition splitter, memo hits included (wrapping it in the
    module)."""
    calls = [0]
    inner = polkit._split_top

    def split(expr: str, op: str):  # type: ignore[no-untyped-def]
        calls[0] += 1
        return inner(expr, op)

    polkit._split_top = split  # type: ignore[assignment]
    return calls


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--functions", type=int, nargs="+", default=[1, 4, 16])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    calls = _counted()
    print(f"{'functions':>9} {'cold ms/pass':>13} {'warm ms/pass':>13} {'splitter calls/pass':>20}")
    for n in args.functions:
        files = rule_files(n)
        cold, warm = [], []
        for _ in range(args.repeat):
            _clear()
            calls[0] = 0
            t = time.perf_counter()
            one_pass(files)
            cold.append(time.perf_counter() - t)
            per_pass = calls[0]
            t = time.perf_counter()
            one_pass(files)
            warm.append(time.perf_counter() - t)
        print(f"{n:>9} {min(cold) * 1e3:>13.1f} {min(warm) * 1e3:>13.1f} {per_pass:>20,}")


if __name__ == "__main__":
    main()
