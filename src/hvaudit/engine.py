"""The engine: runs every enabled check over a deployment and gathers the assessment.

A check that raises becomes an `error` result with the exception named (never a pass, never a
crash of the run); a check that yields nothing becomes `not_applicable` on each host, so that every
recommendation appears in every report; an artefact that could not be parsed becomes an `error` on
its subject.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hvaudit.bundle import utc_now
from hvaudit.catalog import EDITIONS
from hvaudit.checks import all_checks
from hvaudit.checks.base import Check, CheckMeta, Context, Outcome, Severity, Status, Subject
from hvaudit.model import OWN_ONLY_FIELDS, Deployment, Host, Source, Vm, definition_differences
from hvaudit.parse import ParseProblem
from hvaudit.profile import Profile

__all__ = [
    "EVIDENCE_CHECK",
    "Assessment",
    "Planned",
    "Result",
    "assess",
    "evidence_results",
    "plan",
    "run_check",
    "scan_time",
]

EVIDENCE_CHECK = CheckMeta(
    id="HVA-000",
    title="Evidence could be read",
    scope="any",
    severity=Severity.HIGH,
    recommendations=dict.fromkeys(EDITIONS, ()),
    remediation="Re-collect the bundle; if the artefact is malformed on the host itself, repair the "
    "definition there (virsh edit / virsh define).",
    automation="automatic",
    platforms=("any",),
    rationale="An artefact that cannot be parsed leaves its subject unassessed; that is reported, "
    "never skipped.",
)


@dataclass(frozen=True, slots=True)
class Waived:
    """The waiver that applies to a result (the result keeps its status underneath)."""

    waiver_id: str
    reason: str
    owner: str
    expires: str


@dataclass(frozen=True, slots=True)
class Attested:
    """A person's answer that turned a manual item into pass or fail."""

    answer: str
    attested_by: str
    attested_at: str
    valid_until: str
    evidence: str
    original_status: Status


@dataclass(frozen=True, slots=True)
class Result:
    """One outcome with the metadata of the check that produced it."""

    check: CheckMeta
    outcome: Outcome
    severity: Severity
    waived: Waived | None = None
    attested: Attested | None = None

    @property
    def status(self) -> Status:
        """Shortcut to the outcome's status."""
        return self.outcome.status

    @property
    def basis(self) -> str:
        """What the status rests on: automatic, attested, manual, not_applicable or error."""
        if self.attested is not None:
            return "attested"
        if self.outcome.status in (Status.PASS, Status.FAIL):
            return "automatic"
        return self.outcome.status.value


@dataclass(slots=True)
class Assessment:
    """Everything a report renders."""

    deployment: Deployment
    profile: Profile
    results: list[Result]
    scanned_at: str
    checks: list[CheckMeta] = field(default_factory=list)
    waivers: list[dict[str, str]] = field(default_factory=list)
    """Every waiver of the waiver file with its state: active (and how many results), expired,
    or unmatched."""
    attestations: list[dict[str, str]] = field(default_factory=list)
    """Every attestation with its state: active, expired, stale (its check and subject ask
    another question than the one it answered: hvaudit.waivers.Attestation.answers) or
    unmatched."""

    def counts(self) -> Counter[str]:
        """Results per status."""
        return Counter(r.status.value for r in self.results)

    def failures_at_or_above(self, threshold: Severity) -> list[Result]:
        """Failed, unwaived results whose severity is at least `threshold`."""
        # Per result: identities only (a scan has tens of thousands; `rank` is a property).
        fail, gated = Status.FAIL, {s for s in Severity if s.rank >= threshold.rank}
        return [
            r
            for r in self.results
            if r.outcome.status is fail and r.waived is None and r.severity in gated
        ]

    @property
    def has_errors(self) -> bool:
        """True when any unwaived result is an error (a check crashed, evidence not collected)."""
        error = Status.ERROR
        return any(r.outcome.status is error and r.waived is None for r in self.results)


def _sort_key(r: Result) -> tuple[str, str, str]:
    """The order of one check's results (reports sort by check id first, then this)."""
    s = r.outcome.subject
    return (s.type, s.host or "", s.name)


@dataclass(frozen=True, slots=True)
class Planned:
    """One check a scan runs: the registered check, its metadata for this platform (the
    platform's remediation) and the severity the profile gives it."""

    check: Check
    meta: CheckMeta
    severity: Severity


def plan(deployment: Deployment, profile: Profile) -> list[Planned]:
    """The checks the profile selects for the deployment's platform, in id order."""
    out = []
    for chk in all_checks():
        meta = chk.meta
        if not profile.selects(meta.id, meta.recommendations):
            continue
        if deployment.platform not in meta.platforms and "any" not in meta.platforms:
            continue
        if meta.remediations:
            meta = dataclasses.replace(
                meta, remediation=meta.remediations.get(deployment.platform, meta.remediation)
            )
        severity = Severity(profile.severity.get(meta.id, meta.severity.value))
        out.append(Planned(chk, meta, severity))
    return out


def _outcomes(planned: Planned, ctx: Context) -> list[Outcome]:
    return _attempt(planned, ctx)[0]


def _attempt(planned: Planned, ctx: Context) -> tuple[list[Outcome], bool]:
    """The check's outcomes, and whether it ran to its end (a crash is one error)."""
    try:
        return list(planned.check.func(ctx)), True
    except Exception as exc:
        return [
            Outcome(
                Subject(planned.meta.scope, "(all)"),
                Status.ERROR,
                f"check crashed: {type(exc).__name__}: {str(exc)[:200]}",
            )
        ], False


@dataclass(frozen=True, slots=True)
class _World:
    """The deployment at a next start: who starts from a changed definition, and how the world
    looks then."""

    ctx: Context
    starting: frozenset[str]
    """The uuids of the VMs that start from their changed definitions."""
    why_own: str
    """What a VM that starts from its changed definition in this world is told."""
    why_other: str
    """What any other subject is told."""
    changed: frozenset[str] = frozenset()
    """The `Vm` fields in which the VMs that start here differ from what runs (their source,
    the file they were read from, always)."""


_NEXT_WORLDS: dict[int, tuple[Deployment, Profile, tuple[_World, ...]]] = {}


def _changes(live: Vm, later: Vm) -> frozenset[str]:
    """The `Vm` fields in which a running VM's next-start definition differs from it, the run
    state and autostart flag included (`definition_differences` leaves them out)."""
    out = set(definition_differences(live, later))
    out.update(f for f in ("running", "autostart") if getattr(live, f) != getattr(later, f))
    return frozenset(out)


def _next_worlds(ctx: Context) -> tuple[_World, ...]:
    """The deployment as it starts next (built once per deployment): every running VM whose
    persistent definition differs started from it at once (a host reboot), and each such VM
    started alone while the others keep running as they run now (a rolling restart: virsh(1)
    "the changes will take effect on the next boot" of that domain only). A VM whose definition
    differs in its own CPU alone (OWN_ONLY_FIELDS: what a KVM domain's live <cpu check='full'>
    adds) changes no other subject's verdict when it starts alone, so it gets no world of its
    own; its own next-start verdict is the first world's."""
    dep = ctx.deployment
    if not dep.next_boot:
        return ()
    cached = _NEXT_WORLDS.get(id(dep))
    if cached is not None and cached[0] is dep and cached[1] is ctx.profile:
        return cached[2]
    twins = dep.next_boot
    names = ", ".join(sorted(v.name for v in twins.values()))
    changed = frozenset({"source"}).union(
        *(_changes(v, twins[v.uuid]) for v in dep.vms if v.uuid in twins)
    )
    worlds = [
        _World(
            Context(
                dataclasses.replace(dep, vms=[twins.get(v.uuid, v) for v in dep.vms], next_boot={}),
                ctx.profile,
            ),
            frozenset(twins),
            "at its next start (its persistent definition differs from the running VM)",
            f"at the next start of {names} (persistent definitions differ from the running VMs)",
            changed,
        )
    ]
    if len(twins) > 1:
        for v in dep.vms:
            twin = twins.get(v.uuid)
            if twin is None or definition_differences(v, twin) <= OWN_ONLY_FIELDS:
                continue
            alone = dataclasses.replace(
                dep, vms=[twin if w is v else w for w in dep.vms], next_boot={}
            )
            worlds.append(
                _World(
                    Context(alone, ctx.profile),
                    frozenset({v.uuid}),
                    "at its next start while the other VMs run as they run now (its persistent "
                    "definition differs from the running VM)",
                    f"at the next start of {v.name} while the other VMs run as they run now "
                    "(its persistent definition differs from the running VM)",
                )
            )
    _NEXT_WORLDS.clear()
    _NEXT_WORLDS[id(dep)] = (dep, ctx.profile, tuple(worlds))
    return tuple(worlds)


#: How much worse one status is than another when the next start changes a verdict.
_WORSE = {Status.FAIL: 3, Status.ERROR: 2, Status.MANUAL: 1}


def _rank(o: Outcome) -> float:
    """`_WORSE` of `o`'s status; a manual item that withholds a pass or n/a (raw QEMU arguments
    unseen, `Outcome.withheld`) ranks below any other manual item, so a next start's own
    question is not hidden behind one that an attestation of HVA-046 turns back into a pass."""
    w = o.withheld
    if w is not None and w.status not in _WORSE:
        return 0.5
    return _WORSE.get(o.status, 0)


def _with_next_boot(now: list[Outcome], later: list[Outcome], world: _World) -> list[Outcome]:
    """The running deployment's outcomes, each replaced by a next start's where that is
    worse (fail > error > manual > pass/n/a): a definition that starts unconfined next time is
    not confined because the running process still is."""

    def key(s: Subject) -> tuple[str, str | None, str, str | None]:
        return (s.type, s.host, s.name, s.id)

    at = {key(o.subject): i for i, o in enumerate(now)}
    out = list(now)
    for o in later:
        rank = _rank(o)
        if not rank:
            continue
        i = at.get(key(o.subject))
        if i is not None and _rank(out[i]) >= rank:
            continue
        mine = o.subject.type == "vm" and o.subject.id in world.starting
        why = world.why_own if mine else world.why_other
        w = o.withheld
        if w is not None:
            w = Outcome(w.subject, w.status, f"{why}: {w.message}", w.evidence, w.question)
        o = Outcome(o.subject, o.status, f"{why}: {o.message}", o.evidence, o.question, w)
        if i is None:
            at[key(o.subject)] = len(out)
            out.append(o)
        else:
            out[i] = o
    return out


def _settled(now: list[Outcome], out: list[Outcome]) -> bool:
    """Whether merging the running deployment's outcomes `now` once more into `out` (what
    `_with_next_boot` made of them) would change nothing: each subject's standing outcome is at
    least as bad as every outcome `now` has for it. Only a check that gives one subject several
    outcomes, a worse one before a better one, can fail this."""

    def key(s: Subject) -> tuple[str, str | None, str, str | None]:
        return (s.type, s.host, s.name, s.id)

    at = {key(o.subject): i for i, o in enumerate(now)}
    return all(_rank(o) <= _rank(out[at[key(o.subject)]]) for o in now)


def _judged(planned: Planned, ctx: Context) -> list[Outcome]:
    """The check's outcomes on the running deployment, each replaced by a next start's where that
    is worse (`_with_next_boot`), world by world in `_next_worlds`' order.

    A check that judges each VM by itself (`Check.per_vm`) gives, in the world where VM X alone
    starts from its changed definition, X's outcomes of the all-at-once world (X's definition is
    the same there, and what X's verdict reads of other VMs is nothing) and every other VM's
    outcomes of the running deployment. Both are merged already: the first world's merge leaves
    each subject's outcome at least as bad as each of that world's, and `_settled` checks the
    same of the running ones. Such a world then changes nothing, and is not evaluated: with K
    changed VMs among N that is K runs over N VMs the check does not make (issue: the next-start
    worlds' O(K x N) cost). A check that compares VMs (`Check.peers`) is in the same case when
    no changed definition differs in a field it reads of other VMs: the VM that starts alone is
    judged on its own definition and the others' fields it reads, the same as in the first
    world, and every other subject on fields as they are now. A check that crashed on the
    running deployment or the first world is run on every world, as any other."""
    outcomes, ran = _attempt(planned, ctx)
    now = outcomes
    worlds = _next_worlds(ctx)
    peers = planned.check.peers
    alone = planned.check.per_vm or (
        peers is not None and bool(worlds) and not (worlds[0].changed & peers)
    )
    for n, world in enumerate(worlds):
        if n == 1 and ran and alone and _settled(now, outcomes):
            break
        later, ended = _attempt(planned, world.ctx)
        ran = ran and ended
        outcomes = _with_next_boot(outcomes, later, world)
    return outcomes


def _vms_unseen(h: Host) -> str:
    """Why Proxmox VE node `h`'s VMs in the evidence may not be all of its VMs, '' where they
    are (or `h` is no Proxmox VE node): the API token may not see them (R28P-1), a guest
    directory was not listed (R28P-2, R28P-3), a VM's configuration was listed but not read
    (R27P-1)."""
    px = h.proxmox
    if px is None:
        return ""
    if px.guests_unseen:
        return px.guests_unseen
    unread = [vmid for kind, vmid, _ in px.unread_guests if kind == "VM"]
    return f"VM(s) {', '.join(unread[:5])} listed, their configuration not read" if unread else ""


def _vm_question(meta: CheckMeta, h: Host, seen: int) -> str:
    """The question a VM check asks of node `h`, whose guest list may leave VMs out."""
    if not seen:
        return (
            f'Does every VM on node {h.name} meet "{meta.title}"? Evidence: `qm list` run as '
            f"root on {h.name} and `qm config <vmid>` of each VM. Pass: yes, or the node has no "
            "VM; fail: any VM does not."
        )
    return (
        f'Does every VM on node {h.name} that this report does not judge meet "{meta.title}"? '
        f"Evidence: `qm list` run as root on {h.name} (a VM it lists without a result of this "
        "check here) and `qm config <vmid>` of each such VM. Pass: yes, or every VM it lists "
        "is judged here; fail: any such VM does not."
    )


def _no_subject(meta: CheckMeta, h: Host) -> Outcome:
    """A check that judged nothing: not applicable on host `h`, unless `h` is a Proxmox VE node
    whose guest list may leave VMs out (R28P-5, `_vms_unseen`): a VM check is then asked, never
    "no vm on this host"."""
    s = Subject("host", h.name)
    why = _vms_unseen(h) if meta.scope == "vm" else ""
    if not why:
        return Outcome(s, Status.NOT_APPLICABLE, f"no {meta.scope} on this host to evaluate")
    return Outcome(
        s,
        Status.MANUAL,
        f"no VM of node {h.name} in the evidence; the guest list may be incomplete: {why}",
        question=_vm_question(meta, h, 0),
    )


def _unseen_vms(meta: CheckMeta, ctx: Context, outcomes: list[Outcome]) -> list[Outcome]:
    """A question for each Proxmox VE node whose guest list may leave VMs out and some of whose
    VMs the check judged (R29P-1): a VM the API token does not see (R28P-1), or one listed but
    not read (R27P-1), is no subject, so the check's verdicts on the VMs seen passed for the
    node as if they were all of its VMs. A node none of whose VMs was judged is `_no_subject`'s.
    """
    judged: dict[str, set[str]] = {}
    for o in outcomes:
        if o.subject.type == "vm" and o.subject.host is not None:
            judged.setdefault(o.subject.host, set()).add(o.subject.name)
    out = []
    for h in ctx.deployment.hosts:
        seen = len(judged.get(h.name, ()))
        if not seen or not (why := _vms_unseen(h)):
            continue
        out.append(
            Outcome(
                Subject("host", h.name),
                Status.MANUAL,
                f"{seen} VM(s) of node {h.name} judged; the guest list may be incomplete: {why}",
                question=_vm_question(meta, h, seen),
            )
        )
    return out


def _unread_vms(ctx: Context) -> list[Outcome]:
    """An error for each libvirt domain the daemon listed but whose definition was not read or
    not parsed, and for a host whose domain listing failed (R28D-4): the VM exists, and a check
    of each VM judged it not at all (it had no result, or a host with no other VM read "no vm on
    this host to evaluate")."""
    out = []
    for h in ctx.deployment.hosts:
        for name, why in h.libvirt.unread_domains if h.libvirt is not None else ():
            if name == "every domain":
                subject = Subject("host", h.name)
                message = f"the host's domains were not listed ({why}): no VM of it is judged"
            else:
                subject = Subject("vm", name, h.name, name)
                message = f"the VM's definition was not read ({why}): not judged"
            out.append(Outcome(subject, Status.ERROR, message))
    return out


_PER_HOST_SCOPES = frozenset(("host", "vm", "container"))
"""The scopes of checks that judge each host, or what runs on it (`_unreached`)."""


def _unreached(meta: CheckMeta, ctx: Context) -> list[Outcome]:
    """An error for each host of the deployment the collection did not reach (R29P-2: a Proxmox
    VE cluster node GET /nodes answered offline): neither the host nor what runs on it was
    judged, and the check's verdicts on the other hosts are not the deployment's. A VM or
    container check's error names the guests of its kind the cluster lists on that node (GET
    /cluster/resources: `Deployment.unreached_guests`), each a subject nothing judged, so an
    answer can name each (R30P-4)."""
    what = {"host": "it is", "vm": "its VMs are", "container": "its containers are"}[meta.scope]
    kind = {"vm": "VM", "container": "container"}.get(meta.scope)
    out = []
    for name, why in ctx.deployment.unreached_hosts:
        # the guests the cluster lists on it, each judged by nothing (R30P-4)
        listed = [
            f"{vmid} ({guest})" if guest else vmid
            for k, vmid, guest in ctx.deployment.unreached_guests.get(name, ())
            if k == kind
        ]
        named = (
            f" (GET /cluster/resources lists {kind}(s) {', '.join(listed[:10])}"
            + (f" and {len(listed) - 10} more" if len(listed) > 10 else "")
            + " on it)"
            if listed
            else ""
        )
        out.append(
            Outcome(
                Subject("host", name),
                Status.ERROR,
                f"node {name} was not collected ({why}): {what} not judged{named}",
            )
        )
    return out


def _next_unread(meta: CheckMeta, ctx: Context, outcomes: list[Outcome]) -> list[Outcome]:
    """`outcomes`, where a running domain's persistent definition (the one it starts from next)
    was not read or not parsed (LibvirtHost.unread_next, R29D-3) and its pass or n/a stood on
    the running definition alone: a question about the next start. The next-start world that
    `_judged` runs for a read persistent definition is missing for it, so only what it runs
    now was judged."""
    unread = {
        (h.name, uuid): why
        for h in ctx.deployment.hosts
        if h.libvirt is not None
        for uuid, why in h.libvirt.unread_next.items()
    }
    if not unread:
        return outcomes
    out = []
    for o in outcomes:
        s = o.subject
        why = unread.get((s.host or "", s.id or "")) if s.type == "vm" else None
        if why is None or o.status not in (Status.PASS, Status.NOT_APPLICABLE):
            out.append(o)
            continue
        out.append(
            Outcome(
                s,
                Status.MANUAL,
                f"{o.message}; as it runs now: its persistent definition, from which it starts "
                f"next, was not read ({why})",
                o.evidence,
                f'Does the persistent definition of VM {s.name} on host {s.host} meet "'
                f'{meta.title}"? Evidence: `virsh dumpxml --inactive --security-info {s.id}` '
                f"on {s.host} (what the VM starts from next). Pass: yes, it does, or the check does "
                "not apply to it, as for the running definition; fail: it does not.",
            )
        )
    return out


def run_check(planned: Planned, ctx: Context) -> list[Result]:
    """The results of one check, in report order (sorted by subject; a crash is one error).

    Where running VMs have a persistent definition that differs from what runs, the check also
    runs on the deployment as it starts next, and the worse verdict of each subject stands
    (`_judged`)."""
    meta, severity = planned.meta, planned.severity
    outcomes = _judged(planned, ctx)
    if meta.scope == "vm":
        outcomes = [
            *_next_unread(meta, ctx, outcomes),
            *_unread_vms(ctx),
            *_unseen_vms(meta, ctx, outcomes),
        ]
    if not outcomes:
        outcomes = [_no_subject(meta, h) for h in ctx.deployment.hosts]
    if meta.scope in _PER_HOST_SCOPES:
        outcomes = [*outcomes, *_unreached(meta, ctx)]
    results: list[Result] = []
    question = meta.question
    manual = Status.MANUAL
    set_check, set_outcome, set_severity, set_waived, set_attested = _RESULT_SETTERS
    new = object.__new__
    append = results.append
    for o in outcomes:
        if question and o.status is manual and o.question is None:
            o = Outcome(o.subject, o.status, o.message, o.evidence, question, o.withheld)
        # `Result(meta, o, severity)`, its slots filled directly (the frozen dataclass's
        # `__init__` costs about 1 us a result, and a scan of 1,000 VMs has 26,000)
        r = new(Result)
        set_check(r, meta)
        set_outcome(r, o)
        set_severity(r, severity)
        set_waived(r, None)
        set_attested(r, None)
        append(r)
    results.sort(key=_sort_key)
    return results


_RESULT_SETTERS: tuple[Callable[[Result, Any], None], ...] = tuple(
    vars(Result)[f.name].__set__ for f in dataclasses.fields(Result)
)
"""The slot descriptors' setters of Result's fields, in order (a field added to Result makes
`run_check`'s unpacking fail loudly instead of leaving a slot unset)."""


def evidence_results(deployment: Deployment, problems: list[ParseProblem]) -> list[Result]:
    """An error result for each artefact that could not be parsed, in report order."""
    results = []
    for p in problems:
        subject = Subject(
            p.subject_type,
            p.subject,
            None
            if p.subject_type == "host"
            else (deployment.hosts[0].name if deployment.hosts else None),
        )
        results.append(
            Result(
                EVIDENCE_CHECK,
                Outcome(subject, Status.ERROR, p.message, (Source(p.artefact),)),
                EVIDENCE_CHECK.severity,
            )
        )
    results.sort(key=_sort_key)
    return results


def scan_time(now: dt.datetime | None = None) -> str:
    """When the assessment ran, as reports write it."""
    return now.replace(microsecond=0).isoformat().replace("+00:00", "Z") if now else utc_now()


def assess(
    deployment: Deployment,
    problems: list[ParseProblem],
    profile: Profile,
    *,
    now: dt.datetime | None = None,
) -> Assessment:
    """Run every enabled check for the deployment's platform.

    Results come sorted by check id, then subject (type, host, name); each check's results are
    sorted on their own (`run_check`), which gives the same order: ids are unique."""
    ctx = Context(deployment, profile)
    planned = plan(deployment, profile)
    metas = [p.meta for p in planned]
    per_check = [(p.meta.id, run_check(p, ctx)) for p in planned]
    if problems:
        metas.append(EVIDENCE_CHECK)
        per_check.append((EVIDENCE_CHECK.id, evidence_results(deployment, problems)))
        per_check.sort(key=lambda c: c[0])  # stable: HVA-000 goes first
    results = [r for _, rs in per_check for r in rs]
    return Assessment(deployment, profile, results, scan_time(now), metas)
