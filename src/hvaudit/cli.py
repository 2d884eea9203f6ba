"""The `hvaudit` command: catalog, checks, collect, assess, scan.

Exit codes (also in --help and the README):
  0  no failure at or above --fail-on
  1  failures at or above --fail-on
  2  usage or input error (bad flag, missing or malformed file, corrupt bundle)
  3  collection or check errors (unreachable target, evidence not collected, a check crashed,
     a partial bundle); takes precedence over 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from hvaudit import __version__
from hvaudit.errors import HvauditError, UsageError
from hvaudit.report import DEFAULT_WIDTH, MIN_WIDTH

if TYPE_CHECKING:
    from hvaudit.bundle import Bundle
    from hvaudit.collect import CollectOptions
    from hvaudit.engine import Assessment
    from hvaudit.lanes import JsonScan
    from hvaudit.progress import Progress
    from hvaudit.selection import Selection

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_ERRORS = 0, 1, 2, 3

EPILOG = """exit codes:
  0  no failure at or above --fail-on
  1  failures at or above --fail-on
  2  usage or input error (bad flag, missing or malformed file, corrupt bundle)
  3  collection or check errors (unreachable target, evidence not collected, a check
     crashed, a partial bundle); takes precedence over 1

examples:
  hvaudit scan --demo                         the bundled demo deployment, no hypervisor needed
  hvaudit scan --connect qemu:///system       this host (run as root for the host facts)
  hvaudit scan --connect qemu+ssh://root@hv1/system --format json > hv1.json
  hvaudit collect --connect qemu:///system -o hv1.tar.gz && hvaudit assess hv1.tar.gz
  hvaudit scan --demo --severity critical,high --subject 'vm:web-*' --summary
  hvaudit explain HVA-191                     what a check reads, when it passes, the fix
  hvaudit catalog --edition sp800-125a-r1 --function HY-BF2
"""

COLLECT_EPILOG = """exit codes:
  0  the bundle is complete
  2  usage or input error (bad flag, a bundle path that exists, a bad target)
  3  collection errors (unreachable target, evidence not collected): what was collected is
     kept as a partial bundle, and the message names it

examples:
  hvaudit collect --connect qemu:///system -o hv1.tar.gz
  hvaudit collect --connect qemu+ssh://root@hv1/system -o hv1-bundle/
  hvaudit assess hv1.tar.gz                    assess it later, offline, anywhere
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        m = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if m:
            choices = re.findall(r"'([^']*)'", m.group(2))
            message += _did_you_mean(m.group(1), choices)
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`: did you mean --connect?`, or nothing when no candidate is close."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f": did you mean {close[0]}?" if close else ""


def _check_flags(parser: argparse.ArgumentParser, argv: Sequence[str]) -> None:
    """Name a mistyped long option before argparse does anything else (argparse would first
    complain that --connect is missing when --conect was typed), with the closest real one.

    The command (and a command's own subcommand, as in `fleet scan`) is followed down from the
    words that name one; an unknown command is left to argparse, which names it."""
    target = parser
    known = [s for a in parser._actions for s in a.option_strings]
    for arg in argv:
        if arg == "--":
            break
        sub = next((a for a in target._actions if isinstance(a, argparse._SubParsersAction)), None)
        if not arg.startswith("-") and sub is not None:
            if arg not in sub.choices:
                return  # argparse names the unknown command, with the closest one
            target = sub.choices[arg]
            known += [s for a in target._actions for s in a.option_strings]
    for arg in argv:
        if arg == "--":
            break
        if not arg.startswith("--"):
            continue
        name = arg.split("=", 1)[0]
        if name in known or len({k for k in known if k.startswith(name)}) == 1:
            continue  # exact, or an unambiguous abbreviation argparse accepts
        raise UsageError(
            f"unrecognized arguments: {name}{_did_you_mean(name, known)} "
            f"(see '{target.prog} --help')"
        )


FORMATS = ("terminal", "json", "html", "junit", "sarif", "csv", "markdown", "oscal")


def _report_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="terminal",
        help="report format on standard output or --output (default: terminal)",
    )
    p.add_argument(
        "--report",
        action="append",
        default=[],
        metavar="FORMAT=PATH",
        help="also write FORMAT to PATH; repeat for several formats from one scan",
    )
    p.add_argument("--waivers", type=Path, metavar="FILE", help="a TOML file of waivers")
    p.add_argument(
        "--attestations", type=Path, metavar="FILE", help="a TOML file of answers to manual items"
    )
    p.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="the date waivers and attestations are judged against (default: today, UTC)",
    )
    p.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="FILE",
        help="write the report to FILE instead of standard output",
    )
    p.add_argument(
        "--profile",
        metavar="NAME|FILE",
        help="a TOML profile with thresholds and check selection (see profiles/default.toml)",
    )
    p.add_argument(
        "--fail-on",
        choices=("critical", "high", "medium", "low", "info"),
        default="low",
        help="lowest severity of a failure that makes the exit code 1 (default: low)",
    )
    p.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the terminal report: auto (when standard output is a terminal and NO_COLOR "
        "is unset), always or never (default: auto)",
    )
    p.add_argument(
        "--width",
        type=_width,
        metavar="COLUMNS",
        help="lay the terminal report out for this many columns, at least 40 (default: the "
        f"terminal's width, or {DEFAULT_WIDTH} when writing to a file or a pipe)",
    )
    p.add_argument(
        "--summary",
        action="store_true",
        help="terminal report: only the totals, the scorecard per host and one line per failing "
        "or manual check",
    )
    p.add_argument(
        "--check",
        action="append",
        default=[],
        metavar="ID",
        help="report only this check (HVA-070, or a pattern like 'HVA-19*'); repeat it or "
        "separate with commas. The exit code counts only what is reported",
    )
    p.add_argument(
        "--skip-check",
        action="append",
        default=[],
        metavar="ID",
        help="leave this check out (an id or a pattern); repeat it or separate with commas",
    )
    p.add_argument(
        "--severity",
        action="append",
        default=[],
        metavar="LEVEL",
        help="report only checks of these severities (critical, high, medium, low, info); "
        "repeat it or separate with commas",
    )
    p.add_argument(
        "--subject",
        action="append",
        default=[],
        metavar="[TYPE:]GLOB",
        help="report only these subjects: TYPE:NAME-GLOB (vm, host, network, pool, secret) or "
        "NAME-GLOB, as in waivers (vm:web-*); repeat it for several",
    )


def _collect_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--facts",
        choices=("auto", "local", "ssh", "none"),
        default="auto",
        help="how to read host facts: auto (local for local URIs, SSH for qemu+ssh), "
        "local, ssh or none (default: auto)",
    )
    p.add_argument("--ssh", metavar="USER@HOST", help="SSH destination for host facts")
    p.add_argument(
        "--ssh-port", type=int, metavar="PORT", help="SSH port for host facts (default: 22)"
    )
    p.add_argument(
        "--ssh-config",
        type=Path,
        metavar="FILE",
        help="an ssh_config file for host facts (keys, jump hosts, known_hosts)",
    )
    p.add_argument(
        "--ca-file",
        type=Path,
        metavar="FILE",
        help="CA certificate to verify an API endpoint (pve+api://, vsphere://) against",
    )
    p.add_argument(
        "--no-verify-tls",
        action="store_true",
        help="do not verify the API endpoint's certificate (labs only)",
    )
    p.add_argument(
        "--api-timeout",
        type=_positive_seconds,
        default=60.0,
        metavar="SECONDS",
        help="give up on an API call (Proxmox, vSphere) after this long (default 60)",
    )
    p.add_argument(
        "--timeout",
        type=_positive_seconds,
        default=300.0,
        metavar="SECONDS",
        help="deadline for collecting the whole target: a silent host, daemon or API ends "
        "the collection then, with exit 3 and the partial bundle named (default 300)",
    )
    p.add_argument(
        "--secure-xml",
        action="store_true",
        help="open a read-write libvirt connection (still only reading) so console "
        "passwords can be seen as set; their values are redacted at collection",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to generate the README's usage block)."""
    parser = _Parser(
        prog="hvaudit",
        description="Assess hypervisor deployments against NIST SP 800-125A (2014 draft and Rev. 1) "
        "and SP 800-125B. A scan only reads.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"hvaudit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser(
        "scan",
        help="collect and assess in one step",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument(
        "--connect",
        "-c",
        metavar="URI",
        help="libvirt URI (qemu:///system, qemu+ssh://root@host/system) or Proxmox VE node "
        "(pve:///, pve+ssh://root@node/, pve+dir:///copied/tree, pve+api://host:8006/node with "
        "HVAUDIT_PVE_TOKEN in the environment), vCenter or ESXi (vsphere://host with "
        "HVAUDIT_VSPHERE_USER and HVAUDIT_VSPHERE_PASSWORD), or VMware .vmx files read offline "
        "(vmx+dir:///datastore/copy)",
    )
    target.add_argument("--demo", action="store_true", help="scan the bundled demo deployment")
    p.add_argument(
        "--bundle",
        type=Path,
        metavar="PATH",
        help="also keep the evidence bundle at PATH (a directory or .tar.gz)",
    )
    _collect_options(p)
    _report_options(p)

    p = sub.add_parser(
        "collect",
        help="write an evidence bundle, assess nothing",
        epilog=COLLECT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--connect",
        "-c",
        metavar="URI",
        required=True,
        help="what to collect: the targets of 'hvaudit scan --connect' (libvirt, Proxmox VE, "
        "vSphere, .vmx files)",
    )
    p.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="PATH",
        required=True,
        help="bundle path: a new directory, or a file ending in .tar.gz",
    )
    _collect_options(p)

    p = sub.add_parser(
        "assess",
        help="assess an evidence bundle offline",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("bundle", type=Path, help="a bundle directory or .tar.gz")
    _report_options(p)

    p = sub.add_parser("catalog", help="list or show the SP 800-125A/B catalog")
    p.add_argument("id", nargs="?", help="show one recommendation, function or threat")
    p.add_argument(
        "--edition",
        choices=("sp800-125a-2014", "sp800-125a-r1", "sp800-125b"),
        help="only this edition's recommendations",
    )
    p.add_argument(
        "--function", metavar="HY-BFn", help="only recommendations of this baseline function"
    )
    p.add_argument("--threat", metavar="ID", help="only recommendations against this threat")
    p.add_argument(
        "--format", choices=("text", "json"), default="text", help="output (default: text)"
    )
    p.add_argument(
        "--export-oscal",
        type=Path,
        metavar="DIR",
        help="write each edition (or --edition) as an OSCAL catalog and a profile selecting it",
    )

    p = sub.add_parser("profiles", help="list the built-in profiles")
    p.add_argument(
        "--format", choices=("text", "json"), default="text", help="output (default: text)"
    )

    p = sub.add_parser("diff", help="compare two assessments (JSON reports or bundles)")
    p.add_argument("old", type=Path, help="the earlier JSON report or bundle")
    p.add_argument("new", type=Path, help="the later JSON report or bundle")
    p.add_argument(
        "--format", choices=("text", "json"), default="text", help="output (default: text)"
    )
    p.add_argument(
        "--fail-on-new", action="store_true", help="exit 1 when NEW has failures OLD did not have"
    )

    p = sub.add_parser("checks", help="list the checks and what they map to, or explain one")
    p.add_argument("id", nargs="?", metavar="ID", help="explain this check (as 'hvaudit explain')")
    p.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="output (default: text)",
    )

    p = sub.add_parser(
        "explain",
        help="explain one check: what it reads, when it passes, its mappings, the fix, sources",
    )
    p.add_argument("id", metavar="ID", help="a check id, e.g. HVA-191")
    p.add_argument(
        "--bundle",
        type=Path,
        metavar="PATH",
        help="show what the check reads in this evidence bundle (default: the bundled demo)",
    )
    p.add_argument(
        "--format", choices=("text", "json"), default="text", help="output (default: text)"
    )

    p = sub.add_parser(
        "completion",
        help="print a shell completion script",
        description="Print a completion script for SHELL. Install it, e.g. for bash: "
        "hvaudit completion bash > /etc/bash_completion.d/hvaudit (or ~/.local/share/"
        "bash-completion/completions/hvaudit); for zsh: hvaudit completion zsh > "
        '"${fpath[1]}/_hvaudit".',
    )
    p.add_argument("shell", choices=("bash", "zsh", "tcsh"), help="the shell")

    from hvaudit.fleet.cli import add_fleet_parser

    add_fleet_parser(sub, _Parser)
    return parser


def _say(message: str) -> None:
    """The one writer of standard error: one line, `hvaudit: ` first, secrets in URIs redacted,
    control, line-separator and bidirectional characters escaped (they come from hosts, file
    names, libvirt errors and waiver files)."""
    from hvaudit.redact import redact_message
    from hvaudit.textsafe import one_line

    print(f"hvaudit: {one_line(redact_message(message))}", file=sys.stderr)


def _write(text: str | Callable[[int], None], output: Path | None) -> None:
    """Write a report (text, or a function that writes its UTF-8 bytes to a file descriptor) to
    `output` or standard output."""
    from hvaudit.fsguard import OutputError, atomic_write

    if output is None:
        try:
            if isinstance(text, str):
                sys.stdout.write(text)
            else:
                sys.stdout.flush()
                try:
                    fd = sys.stdout.fileno()
                except (AttributeError, ValueError, OSError):  # a stream without a descriptor
                    fd = -1
                if fd >= 0:
                    text(fd)
                else:
                    from hvaudit.lanes import read_all

                    sys.stdout.write(read_all(text).decode("utf-8", errors="surrogateescape"))
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(f"cannot write to standard output: {exc.strerror or exc}") from None
        return
    # Whole or not at all: a full disk leaves no truncated report, a planted link is not followed.
    atomic_write(
        output, text.encode("utf-8", errors="surrogateescape") if isinstance(text, str) else text
    )


def _outputs(args: argparse.Namespace, inputs: list[Path | None]) -> None:
    """Refuse a report or bundle path that is an input (or inside one), before any work."""
    from hvaudit.fsguard import check_outputs

    outputs = [getattr(args, "output", None), getattr(args, "bundle_out", None)]
    outputs += [path for _, path in _reports(args)] if hasattr(args, "report") else []
    sources = [*inputs, args.waivers, args.attestations] if hasattr(args, "waivers") else inputs
    profile = getattr(args, "profile", None)
    if profile and Path(profile).exists():
        sources.append(Path(profile))
    check_outputs([p for p in sources if p is not None], [p for p in outputs if p is not None])


def _tree_of(uri: str) -> Path | None:
    """The local tree a pve+dir:// or vmx+dir:// target reads (an input)."""
    import urllib.parse

    parts = urllib.parse.urlsplit(uri)
    if parts.scheme in ("pve+dir", "vmx+dir") and parts.path:
        return Path(urllib.parse.unquote(parts.path))
    return None


def _color(args: argparse.Namespace) -> bool:
    if args.color == "always":
        return True
    if args.color == "never" or args.output is not None or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _render(fmt: str, assessment: Assessment, args: argparse.Namespace, *, tty: bool) -> str:
    """One report as text (each format's renderer imported only when it is asked for)."""
    from hvaudit.checks.base import Severity

    if fmt == "terminal":
        from hvaudit.report.terminal import render_terminal

        return render_terminal(
            assessment,
            color=tty and _color(args),
            fail_on=Severity(args.fail_on),
            width=_report_width(args, tty=tty),
            summary=args.summary,
            only_reported=bool(args.check or args.skip_check or args.severity or args.subject),
        )
    from hvaudit.textsafe import clean_json

    text = _renderer(fmt)(assessment)
    # the output layer of the JSON formats: what JSON may carry raw but a terminal must not get
    return clean_json(text) if fmt in ("json", "sarif", "oscal") else text


def _renderer(fmt: str) -> Callable[[Assessment], str]:
    """The renderer of a format other than the terminal's."""
    if fmt == "json":
        from hvaudit.report.json_report import render_json

        return render_json
    if fmt == "html":
        from hvaudit.report.html import render_html

        return render_html
    if fmt == "oscal":
        from hvaudit.report.oscal import render_oscal

        return render_oscal
    from hvaudit.report import formats

    renderers: dict[str, Callable[[Assessment], str]] = {
        "junit": formats.render_junit,
        "sarif": formats.render_sarif,
        "csv": formats.render_csv,
        "markdown": formats.render_markdown,
    }
    return renderers[fmt]


def _report_width(args: argparse.Namespace, *, tty: bool) -> int:
    """--width, else the terminal's width for standard output (COLUMNS wins, as everywhere),
    else DEFAULT_WIDTH."""
    if args.width is not None:
        return int(args.width)
    if tty and args.output is None:
        return max(shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns, MIN_WIDTH)
    return DEFAULT_WIDTH


def _width(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < MIN_WIDTH:
        raise argparse.ArgumentTypeError(
            f"{text!r}: want a number of columns, at least {MIN_WIDTH}"
        )
    return value


def _selection(args: argparse.Namespace) -> Selection:
    from hvaudit.selection import Selection

    return Selection.parse(args.check, args.skip_check, args.severity, args.subject)


def _reports(args: argparse.Namespace) -> list[tuple[str, Path]]:
    out = []
    for spec in args.report:
        fmt, sep, path = spec.partition("=")
        if not sep or fmt not in FORMATS or not path:
            raise UsageError(
                f"--report {spec!r}: expected FORMAT=PATH, FORMAT one of {', '.join(FORMATS)}"
            )
        out.append((fmt, Path(path)))
    return out


def _as_of(args: argparse.Namespace) -> dt.date:
    if args.as_of is None:
        return dt.datetime.now(dt.UTC).date()
    try:
        return dt.date.fromisoformat(args.as_of)
    except ValueError:
        raise UsageError(f"--as-of {args.as_of!r}: expected a date like 2026-11-27") from None


def _assess_and_report(
    bundle: Bundle, args: argparse.Namespace, progress: Progress | None = None
) -> int:
    from hvaudit.checks.base import Severity
    from hvaudit.engine import assess
    from hvaudit.parse import build_deployment
    from hvaudit.profile import load_profile
    from hvaudit.progress import Progress

    profile = load_profile(args.profile)
    reports = _reports(args)
    today = _as_of(args)
    selection = _selection(args)
    waivers, attestations = [], []
    if args.waivers or args.attestations:  # the module imports every check's metadata
        from hvaudit.waivers import load_attestations, load_waivers

        waivers = load_waivers(args.waivers) if args.waivers else []
        attestations = load_attestations(args.attestations) if args.attestations else []
    with progress or Progress() as shown:
        shown.phase(f"assessing {len(bundle.manifest.get('artefacts', []))} artefact(s)")
        deployment, problems = build_deployment(bundle)
        outputs: list[tuple[str, Path | None]] = [(args.format, args.output), *reports]
        lanes = _lanes(args, outputs, selection, len(deployment.vms))
        if lanes:
            from hvaudit.lanes import assess_json

            scan = assess_json(deployment, problems, profile, lanes)
        else:
            assessment = assess(deployment, problems, profile)
            if waivers or attestations:
                from hvaudit.waivers import apply_attestations, apply_waivers

                apply_attestations(assessment, attestations, today)
                apply_waivers(assessment, waivers, today)
            selection.apply(assessment)
    if lanes:
        return _report_json_scan(scan, outputs, args, bundle)
    failed = _write_outputs(assessment, args, outputs)
    for w in assessment.waivers:
        if w["state"] != "active":
            _say(f"warning: waiver {w['id']} is {w['state']}")
    for t in assessment.attestations:
        if t["state"] == "stale":
            # R21Q-3: the item asks another question than the one the attestation answered
            _say(
                f"warning: attestation {t['id']} is stale: its check and subject ask another "
                "question now (name the item's question in `question`)"
            )
        elif t["state"] != "active":
            _say(f"warning: attestation {t['id']} is {t['state']}")
    if failed:
        return failed
    if assessment.has_errors or not bundle.manifest.get("complete", False):
        return EXIT_ERRORS
    return EXIT_FAIL if assessment.failures_at_or_above(Severity(args.fail_on)) else EXIT_OK


def _lanes(
    args: argparse.Namespace,
    outputs: list[tuple[str, Path | None]],
    selection: Selection,
    vms: int,
) -> int:
    """How many processes assess and render the JSON report check by check (`hvaudit.lanes`; 1:
    this process alone), or 0 where the report cannot be written that way (another format,
    waivers, attestations or a selection): then the whole assessment is built first and each
    report rendered from it. In one process too the lanes' way is the cheaper one: the serial
    renderer builds the report as one string, cleans it into a second and encodes it into a
    third (177 MB each at 5,000 VMs), where a lane writes cached UTF-8 pieces straight into a
    file (in one process, 12-13 % less CPU, a seventh of the page faults and about 30 % of the
    peak memory at 1,000 and 5,000 VMs; the same bytes, tests/test_lanes.py)."""
    if any(fmt != "json" for fmt, _ in outputs) or selection.active:
        return 0
    if args.waivers or args.attestations:
        return 0
    from hvaudit.lanes import lanes_for

    return lanes_for(vms)


def _report_json_scan(
    scan: JsonScan, outputs: list[tuple[str, Path | None]], args: argparse.Namespace, bundle: Bundle
) -> int:
    """Write a JSON report rendered in lanes (`hvaudit.lanes`) and return the scan's exit code,
    as `_assess_and_report` does for the serial path."""
    from hvaudit.checks.base import Severity
    from hvaudit.errors import one_line

    for warning in scan.warnings:
        _say(warning)
    worst = 0
    try:
        for _, path in outputs:
            try:
                _write(scan.write, path)
            except HvauditError as exc:
                _say(f"error: {one_line(exc, 400)}")
                worst = worst or exc.exit_code
    finally:
        scan.close()
    if worst:
        return worst
    if scan.has_errors or not bundle.manifest.get("complete", False):
        return EXIT_ERRORS
    return EXIT_FAIL if scan.fails_at_or_above(Severity(args.fail_on)) else EXIT_OK


def _write_outputs(
    assessment: Assessment, args: argparse.Namespace, outputs: list[tuple[str, Path | None]]
) -> int:
    """Render and write every output; one failing never stops the others. Each failure is one
    line; returns 3 when a format could not be rendered, 2 when one could not be written, else 0."""
    from hvaudit.errors import one_line

    worst = 0
    for fmt, path in outputs:
        try:
            text = _render(fmt, assessment, args, tty=path is None)
        except HvauditError:
            raise
        except Exception as exc:  # a renderer's bug must not cost the other reports
            if os.environ.get("HVAUDIT_DEBUG"):
                raise
            _say(
                f"error: the {fmt} report could not be produced "
                f"({type(exc).__name__}: {one_line(exc)})"
            )
            worst = EXIT_ERRORS
            continue
        try:
            _write(text, path)
        except HvauditError as exc:
            _say(f"error: {one_line(exc, 400)}")
            worst = worst or exc.exit_code
    return worst


def _collect_opts(args: argparse.Namespace, uri: str) -> CollectOptions:
    from hvaudit.collect import CollectOptions
    from hvaudit.redact import remember_uri

    remember_uri(uri)  # its password is blanked in every message from now on

    if args.ssh_config is not None and not args.ssh_config.is_file():
        raise UsageError(f"{args.ssh_config}: no such ssh_config file")
    return CollectOptions(
        uri=uri,
        facts=args.facts,
        ssh=args.ssh,
        ssh_port=args.ssh_port,
        ssh_config=str(args.ssh_config) if args.ssh_config else None,
        secure_xml=args.secure_xml,
        ca_file=str(args.ca_file) if args.ca_file else None,
        verify_tls=not args.no_verify_tls,
        api_timeout=args.api_timeout,
        timeout=args.timeout,
    )


def demo_uri() -> str:
    """The test-driver URI of the bundled demo deployment."""
    from importlib import resources

    node = resources.files("hvaudit").joinpath("demo", "hv-demo-01.xml")
    return f"test://{Path(str(node)).resolve()}"


def cmd_scan(args: argparse.Namespace) -> int:
    """hvaudit scan: collect (into memory, or into --bundle) and assess."""
    from hvaudit import preopen

    uri = demo_uri() if args.demo else args.connect
    if args.demo:
        args.secure_xml = True
    # A local connection opens while the flags are checked and the collector is imported.
    preopen.start(uri, args.secure_xml)
    try:
        from hvaudit.collect import collect
        from hvaudit.progress import Progress

        args.bundle_out = args.bundle
        _outputs(args, [_tree_of(uri), args.ssh_config, args.ca_file])
        load_profile_early(args)
        with Progress() as progress:
            progress.phase(f"collecting from {'the demo' if args.demo else uri}")
            result = collect(_collect_opts(args, uri), args.bundle, meanwhile=_warm_up(args))
            preopen.discard()  # the collector took the connection, or failed before it could
            return _assess_and_report(result.bundle, args, progress)
    finally:
        preopen.discard()  # a bad flag or a failed collection: a connection nobody took


def _warm_up(args: argparse.Namespace) -> Callable[[], None]:
    """Import what assessing and reporting will use: run while the collector waits on the target
    (libvirt-python releases the GIL while a connection opens), so it costs no time after."""

    def imports() -> None:
        import hvaudit.engine
        import hvaudit.parse
        import hvaudit.selection

        for fmt in {args.format, *(f for f, _ in _reports(args))}:
            if fmt == "terminal":
                import hvaudit.report.terminal
            elif fmt == "json":
                import hvaudit.lanes
                import hvaudit.report.json_report
            else:
                _renderer(fmt)
        if args.waivers or args.attestations:
            import hvaudit.waivers  # noqa: F401

    return imports


def load_profile_early(args: argparse.Namespace) -> None:
    """Fail on a bad profile, waiver, attestation or report flag before touching any host."""
    from hvaudit.profile import load_profile

    load_profile(args.profile)
    if args.check or args.skip_check or args.severity or args.subject:
        _selection(args)  # with no selection flag there is nothing to validate (nor to import)
    requested = {args.format, *(fmt for fmt, _ in _reports(args))}
    if "oscal" in requested:
        from hvaudit.report.oscal import _trestle

        _trestle()  # fail before touching any host when compliance-trestle is missing
    _as_of(args)
    # The waiver module imports every check: only when there is a file to validate.
    if args.waivers:
        from hvaudit.waivers import load_waivers

        load_waivers(args.waivers)
    if args.attestations:
        from hvaudit.waivers import load_attestations

        load_attestations(args.attestations)


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"{text!r}: want seconds between 0 and 3600")
    return value


def cmd_collect(args: argparse.Namespace) -> int:
    """hvaudit collect."""
    from hvaudit.collect import collect
    from hvaudit.progress import Progress

    _outputs(args, [_tree_of(args.connect), args.ssh_config, args.ca_file])
    with Progress() as progress:
        progress.phase(f"collecting from {args.connect}")
        result = collect(_collect_opts(args, args.connect), args.output)
    status = "complete" if result.complete else f"with {len(result.errors)} collection error(s)"
    _say(f"bundle written to {result.path} ({status})")
    for err in result.errors:
        _say(f"collection error: {err}")
    return EXIT_OK if result.complete else EXIT_ERRORS


def cmd_assess(args: argparse.Namespace) -> int:
    """hvaudit assess."""
    from hvaudit.bundle import Bundle

    _outputs(args, [args.bundle])
    return _assess_and_report(Bundle.open(args.bundle), args)


def cmd_catalog(args: argparse.Namespace) -> int:
    """hvaudit catalog."""
    from hvaudit.report.catalog_view import render_catalog

    if args.export_oscal is not None:
        from hvaudit.catalog import EDITIONS, load_catalog
        from hvaudit.fsguard import atomic_write
        from hvaudit.report.oscal import catalog_models

        try:
            args.export_oscal.mkdir(parents=True, exist_ok=True)
            for edition in [args.edition] if args.edition else list(EDITIONS):
                cat_model, prof = catalog_models(load_catalog().editions[edition])
                for kind, model in (("catalog", cat_model), ("profile", prof)):
                    path = args.export_oscal / f"{edition}-{kind}.json"
                    text = str(model.oscal_serialize_json(pretty=True)) + "\n"
                    atomic_write(path, text.encode())
                    _say(f"wrote {path}")
        except OSError as exc:
            raise UsageError(f"{args.export_oscal}: cannot write ({exc.strerror})") from None
        return EXIT_OK
    sys.stdout.write(render_catalog(args.id, args.edition, args.function, args.threat, args.format))
    return EXIT_OK


def cmd_checks(args: argparse.Namespace) -> int:
    """hvaudit checks [ID]."""
    if args.id is not None:
        if args.format == "markdown":
            raise UsageError("hvaudit checks ID: --format text or json")
        return cmd_explain(args)
    from hvaudit.report.catalog_view import render_checks

    sys.stdout.write(render_checks(args.format))
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    """hvaudit explain ID."""
    from hvaudit.report.explain import render_explain

    width = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    sys.stdout.write(
        render_explain(args.id, args.format, getattr(args, "bundle", None), max(width, MIN_WIDTH))
    )
    return EXIT_OK


def cmd_completion(args: argparse.Namespace) -> int:
    """hvaudit completion SHELL: a completion script generated from the parser itself."""
    import shtab

    parser = build_parser()
    stack = [parser]
    while stack:  # paths complete as files, everything else from the parser's own choices
        p = stack.pop()
        for action in p._actions:
            if action.type is Path:
                action.complete = shtab.FILE  # type: ignore[attr-defined]
            if isinstance(action, argparse._SubParsersAction):
                stack.extend(action.choices.values())
    sys.stdout.write(shtab.complete(parser, shell=args.shell))
    return EXIT_OK


def cmd_profiles(args: argparse.Namespace) -> int:
    """hvaudit profiles."""
    import json as _json

    from hvaudit.checks import all_checks
    from hvaudit.profile import builtin_profiles

    rows = []
    for p in builtin_profiles():
        n = sum(1 for c in all_checks() if p.selects(c.meta.id, c.meta.recommendations))
        rows.append(
            {
                "name": p.name,
                "description": p.description,
                "edition": p.edition,
                "checks": n,
                "ram_overcommit_max": p.ram_overcommit_max,
            }
        )
    if args.format == "json":
        sys.stdout.write(_json.dumps(rows, indent=2) + "\n")
    else:
        for r in rows:
            sys.stdout.write(f"{r['name']:<18} {r['checks']:>3} checks  {r['description']}\n")
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    """hvaudit diff."""
    from hvaudit.report.diff import diff_reports, load_report, render_diff

    d = diff_reports(load_report(args.old), load_report(args.new))
    sys.stdout.write(render_diff(d, args.format))
    return EXIT_FAIL if args.fail_on_new and d.new_failures else EXIT_OK


def cmd_fleet(args: argparse.Namespace) -> int:
    """hvaudit fleet ... (hvaudit.fleet.cli)."""
    from hvaudit.fleet.cli import cmd_fleet as run

    return run(args)


COMMANDS = {
    "scan": cmd_scan,
    "collect": cmd_collect,
    "assess": cmd_assess,
    "catalog": cmd_catalog,
    "checks": cmd_checks,
    "profiles": cmd_profiles,
    "diff": cmd_diff,
    "fleet": cmd_fleet,
    "explain": cmd_explain,
    "completion": cmd_completion,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run a command and map hvaudit's errors to one-line messages and exit codes."""
    parser = build_parser()
    try:
        _check_flags(parser, sys.argv[1:] if argv is None else argv)
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return EXIT_USAGE
        from hvaudit.gcpause import paused_gc

        with paused_gc():
            return COMMANDS[args.command](args)
    except HvauditError as exc:
        _say(f"error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_OK
    except (RecursionError, MemoryError) as exc:
        _say(f"error: input too large or nested too deeply ({type(exc).__name__})")
        return EXIT_USAGE
    except Exception as exc:  # the last line of defence: one line, never a traceback
        if os.environ.get("HVAUDIT_DEBUG"):
            raise
        _say(
            f"internal error: {type(exc).__name__}: {str(exc)[:200]} "
            "(please report it; HVAUDIT_DEBUG=1 shows the traceback)"
        )
        return EXIT_ERRORS
    finally:
        _flush_stdout()


def _flush_stdout() -> None:
    """Flush standard output now, so a full disk or closed pipe is not a traceback at exit."""
    try:
        sys.stdout.flush()
    except OSError:
        _silence_stdout()


def _silence_stdout() -> None:
    """Point standard output at /dev/null (what is left in its buffer cannot be written)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def run() -> NoReturn:
    """The `hvaudit` command: `main()`, then exit.

    A scan of thousands of VMs ends with hundreds of megabytes of small objects, which Python
    would free one by one on the way out (about 0.1 s per 1,000 VMs) for nothing. Once every
    output is written and flushed, the process leaves at once (`os._exit`), unless something
    still needs the normal exit: an exit handler (the fleet's fork server registers one) or a
    thread that is not a daemon.

    The cyclic garbage collector stays off until then (a command pauses it: `paused_gc`). Turned
    back on at the end of a scan, it would traverse at its next allocation every object the scan
    made (none of them was ever collected, so all are in the youngest generation): about 0.1 CPU
    s per 1,000 VMs, for a process that is about to leave."""
    import atexit
    import gc
    import threading

    enabled = gc.isenabled()
    gc.disable()
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        _leave_normally(enabled)
        raise SystemExit(code) from None
    callbacks = getattr(atexit, "_ncallbacks", None)
    others = [t for t in threading.enumerate() if t is not threading.current_thread()]
    if callbacks is None or callbacks() or any(not t.daemon for t in others):
        _leave_normally(enabled)
        raise SystemExit(code)
    os._exit(code)


def _leave_normally(gc_enabled: bool) -> None:
    """Before the interpreter's own exit: the collector as it was before `run`."""
    import gc

    if gc_enabled:
        gc.enable()


if __name__ == "__main__":
    run()


__all__ = ["build_parser", "demo_uri", "main", "run"]
