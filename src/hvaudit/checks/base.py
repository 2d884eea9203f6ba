"""What a check is: a small pure function over the model, with its metadata declared once beside it.

    @check(
        id="HVA-080", title="VM has fewer vCPUs than the host has cores", scope="vm",
        severity=Severity.MEDIUM,
        recommendations={"sp800-125a-2014": ["HY-SR-8"], "sp800-125a-r1": ["HY-SR-4"]},
        remediation="...",
    )
    def vcpus_below_cores(ctx: Context) -> Iterator[Outcome]:
        \"\"\"Rationale (rendered into docs/checks.md).\"\"\"

A check cites recommendations only. Its baseline function(s) and threats, per edition, follow from
the catalog entries it cites (`hvaudit/catalog/data/*.toml`), so they are declared once, in the
catalog, and cannot disagree with it. A mapping that rests on hvaudit's reading rather than on the
recommendation's text is marked with `interpretations={"EDITION:REC": "why"}`; an hvaudit-own
threat (HVA-T5/T6) the cited entries do not carry can be added with `hvaudit_threats=`.

The decorator registers into the explicit registry of `hvaudit.checks`; the docstring is the
rationale; outcomes are immutable values. A check does no IO and reads no globals.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from hvaudit.catalog import EDITIONS, load_catalog
from hvaudit.model import (
    Deployment,
    Fact,
    FactState,
    Host,
    Network,
    Pool,
    QemuProcess,
    Source,
    Vm,
)
from hvaudit.parse.qemu_args import QemuOption, qemu_options
from hvaudit.profile import Profile

__all__ = [
    "REGISTRY",
    "Check",
    "CheckMeta",
    "Citation",
    "Context",
    "Outcome",
    "Severity",
    "Status",
    "Subject",
    "check",
]


class Status(enum.StrEnum):
    """The outcome of a check for one subject."""

    PASS = "pass"  # noqa: S105 - a status, not a password
    FAIL = "fail"
    MANUAL = "manual"
    NOT_APPLICABLE = "not_applicable"
    ERROR = "error"


class Severity(enum.StrEnum):
    """How bad a failure is (critical > high > medium > low > info)."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse."""
        return ["info", "low", "medium", "high", "critical"].index(self.value)


@dataclass(frozen=True, slots=True)
class Subject:
    """What a result is about."""

    type: str
    name: str
    host: str | None = None
    id: str | None = None

    def to_json(self) -> dict[str, str]:
        """The report form (keys with no value are left out)."""
        out = {"type": self.type, "name": self.name}
        if self.host is not None:
            out["host"] = self.host
        if self.id:
            out["id"] = self.id
        return out

    @property
    def label(self) -> str:
        """`vm web01 on hv1`."""
        return f"{self.type} {self.name}" + (
            f" on {self.host}" if self.host and self.type != "host" else ""
        )


def host_subject(h: Host) -> Subject:
    """The subject of a host."""
    return Subject("host", h.name)


def vm_subject(v: Vm) -> Subject:
    """The subject of a VM: one shared value per VM (a scan asks for it once per check and VM,
    tens of thousands of times, and reports hash it; an immutable value can be shared)."""
    return _vm_subject(v.name, v.host, v.uuid)


@functools.lru_cache(maxsize=1 << 16)
def _vm_subject(name: str, host: str, uuid: str) -> Subject:
    return Subject("vm", name, host, uuid)


def network_subject(n: Network) -> Subject:
    """The subject of a virtual network."""
    return Subject("network", n.name, n.host)


def pool_subject(p: Pool) -> Subject:
    """The subject of a storage pool."""
    return Subject("pool", p.name, p.host)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One result of one check for one subject."""

    subject: Subject
    status: Status
    message: str
    evidence: tuple[Source, ...] = ()
    question: str | None = None
    withheld: Outcome | None = None
    """What the check found on the evidence it saw, held back as this manual item because it
    also rests on raw QEMU arguments the collection could not observe (raw_arguments_unseen).
    An attestation that the VM has none (HVA-046 answered yes) restores it
    (hvaudit.waivers.apply_attestations); nothing else does."""


@dataclass(frozen=True, slots=True)
class Context:
    """What a check may read: the deployment and the profile. Nothing else."""

    deployment: Deployment
    profile: Profile


@dataclass(frozen=True, slots=True)
class Citation:
    """One recommendation a check cites, with what the catalog files it under."""

    edition: str
    recommendation: str
    functions: tuple[str, ...]
    threats: tuple[str, ...]
    interpretation: str | None = None
    """Why hvaudit maps the check here when the recommendation's text does not say so itself."""


def derive_citations(
    recommendations: Mapping[str, tuple[str, ...]],
    interpretations: Mapping[str, Mapping[str, str]],
) -> tuple[Citation, ...]:
    """The citations of a check, with functions and threats read from the catalog (which raises
    CatalogError for an id it does not know)."""
    cat = load_catalog()
    out = []
    for edition in EDITIONS:
        notes = interpretations.get(edition, {})
        for rid in recommendations.get(edition, ()):
            rec = cat.recommendation(edition, rid)
            out.append(Citation(edition, rid, rec.functions, rec.threats, notes.get(rid)))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class CheckMeta:
    """Everything reports say about a check, declared once in its decorator.

    `functions`, `threats` and `citations` are derived from the catalog entries the check cites
    (never declared by the check), per edition.
    """

    id: str
    title: str
    scope: str
    severity: Severity
    recommendations: dict[str, tuple[str, ...]]
    remediation: str
    automation: str
    platforms: tuple[str, ...]
    rationale: str = ""
    question: str | None = None
    remediations: dict[str, str] = field(default_factory=dict)
    """Platform-specific fixes (platform -> text); `remediation` is the default."""
    interpretations: dict[str, dict[str, str]] = field(default_factory=dict)
    """edition -> recommendation -> why the mapping rests on hvaudit's interpretation."""
    hvaudit_threats: tuple[str, ...] = ()
    """hvaudit-own threats (origin "hvaudit") the cited catalog entries do not carry."""
    citations: tuple[Citation, ...] = field(init=False, repr=False, compare=False)
    functions: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    """edition -> baseline functions of the cited recommendations (catalog order)."""
    threats: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    """edition -> threats of the cited recommendations, plus `hvaudit_threats` (catalog order)."""

    def __post_init__(self) -> None:
        cat = load_catalog()
        citations = derive_citations(self.recommendations, self.interpretations)
        fn_order = [f.id for f in cat.functions]
        th_order = [t.id for t in cat.threats]
        functions: dict[str, tuple[str, ...]] = {}
        threats: dict[str, tuple[str, ...]] = {}
        for e in EDITIONS:
            ms = [m for m in citations if m.edition == e]
            fs = {f for m in ms for f in m.functions}
            ts = {t for m in ms for t in m.threats} | (set(self.hvaudit_threats) if ms else set())
            functions[e] = tuple(f for f in fn_order if f in fs)
            threats[e] = tuple(t for t in th_order if t in ts)
        object.__setattr__(self, "citations", citations)
        object.__setattr__(self, "functions", functions)
        object.__setattr__(self, "threats", threats)

    @property
    def all_functions(self) -> tuple[str, ...]:
        """The baseline functions of every edition together (catalog order)."""
        fs = {f for e in EDITIONS for f in self.functions[e]}
        return tuple(f.id for f in load_catalog().functions if f.id in fs)

    @property
    def all_threats(self) -> tuple[str, ...]:
        """The threats of every edition together (catalog order)."""
        ts = {t for e in EDITIONS for t in self.threats[e]}
        return tuple(t.id for t in load_catalog().threats if t.id in ts)

    def interpretation(self, edition: str, rec_id: str) -> str | None:
        """Why the check is mapped to `rec_id` of `edition`, when it rests on an interpretation."""
        return self.interpretations.get(edition, {}).get(rec_id)


CheckFunc = Callable[[Context], Iterable[Outcome]]


@dataclass(frozen=True, slots=True)
class Check:
    """A registered check."""

    meta: CheckMeta
    func: CheckFunc = field(repr=False)
    per_vm: bool = False
    """Whether the check judges each VM by itself: its outcomes on any deployment are, in order,
    those it gives on each VM alone (a deployment holding that VM, its host, networks and pools,
    and no other VM). The engine then judges a VM's next start alone without re-running the check
    over every other VM (`engine.run_check`); tests/test_next_start_worlds.py holds every check
    declared so to it."""
    peers: frozenset[str] | None = None
    """For a check that compares VMs: the fields of the `Vm` model it reads of any VM other than
    the one an outcome is about, and of any VM for an outcome about another subject (beside the
    VM's name, uuid and host, which a next-start definition keeps). None: not declared, any. A
    VM whose next-start definition differs in none of them starts alone to the same verdicts as
    in the all-at-once world (`engine._judged`); tests/test_next_start_worlds.py holds every
    check declared so to it."""


REGISTRY: list[Check] = []

#: Where a check applies: libvirt hosts only (qemu.conf, libvirtd.conf, domain XML specifics),
#: any Linux hypervisor host (its OS facts: a libvirt host or a Proxmox VE node), or any platform
#: whose collector fills the neutral model.
LIBVIRT = ("kvm-libvirt",)
LINUX_HOST = ("kvm-libvirt", "proxmox-ve")
QEMU = LINUX_HOST
"""The platforms whose VMs are QEMU processes (raw QEMU arguments, per-port bandwidth in the VM)."""
ANY = ("any",)


def check(
    *,
    id: str,
    title: str,
    scope: str,
    severity: Severity,
    recommendations: dict[str, Iterable[str]],
    remediation: str | Mapping[str, str],
    interpretations: Mapping[str, str] | None = None,
    hvaudit_threats: Iterable[str] = (),
    automation: str = "automatic",
    platforms: Iterable[str] = ("kvm-libvirt",),
    question: str | None = None,
    per_vm: bool = False,
    peers: Iterable[str] | None = None,
) -> Callable[[CheckFunc], CheckFunc]:
    """Declare a check and register it.

    `recommendations` maps an edition to the ids the check serves in it; `interpretations` maps
    `"EDITION:REC"` (one of those) to why hvaudit maps the check there when the recommendation's
    text does not say so itself; `hvaudit_threats` names hvaudit-own threats (HVA-T5/T6) the cited
    catalog entries do not carry. Functions and threats come from the catalog. `per_vm` declares
    that the check judges each VM by itself, reading no other VM (`Check.per_vm`); a check that
    compares VMs, or judges a host by its VMs, leaves it False and may name in `peers` the `Vm`
    fields it reads of the other VMs (`Check.peers`).
    """
    unknown = set(recommendations) - set(EDITIONS)
    if unknown:
        raise ValueError(f"{id}: unknown editions {sorted(unknown)}")
    recs = {e: tuple(recommendations.get(e, ())) for e in EDITIONS}
    notes: dict[str, dict[str, str]] = {}
    for key, why in (interpretations or {}).items():
        edition, _, rid = key.partition(":")
        if rid not in recs.get(edition, ()):
            raise ValueError(f"{id}: interpretation for {key}, which the check does not cite")
        if not why.strip():
            raise ValueError(f"{id}: interpretation for {key} says nothing")
        notes.setdefault(edition, {})[rid] = why
    cat = load_catalog()
    own = tuple(hvaudit_threats)
    for tid in own:
        if cat.threat(tid).origin != "hvaudit":
            raise ValueError(f"{id}: {tid} is NIST's; it comes from the recommendations cited")

    if isinstance(remediation, str):
        default, variants = remediation, {}
    else:
        variants = dict(remediation)
        default = variants.get("*") or next(iter(variants.values()))

    def register(func: CheckFunc) -> CheckFunc:
        doc = " ".join((func.__doc__ or "").split())
        meta = CheckMeta(
            id=id,
            title=title,
            scope=scope,
            severity=severity,
            recommendations=recs,
            remediation=default,
            automation=automation,
            platforms=tuple(platforms),
            rationale=doc,
            question=question,
            remediations=variants,
            interpretations=notes,
            hvaudit_threats=own,
        )
        if any(c.meta.id == id for c in REGISTRY):
            raise ValueError(f"duplicate check id {id}")
        REGISTRY.append(Check(meta, func, per_vm, None if peers is None else frozenset(peers)))
        return func

    return register


# Outcome helpers: checks read as sentences.

_SETTERS: tuple[Callable[[Outcome, Any], None], ...] = tuple(
    vars(Outcome)[f.name].__set__ for f in dataclasses.fields(Outcome)
)
"""The slot descriptors' setters of Outcome's fields, in order (a field added to Outcome makes
`_outcome`'s unpacking fail loudly instead of leaving a slot unset)."""


def _outcome(
    subject: Subject,
    status: Status,
    message: str,
    evidence: tuple[Source, ...],
    question: str | None = None,
    withheld: Outcome | None = None,
) -> Outcome:
    """`Outcome(subject, status, message, evidence, question, withheld)`, its slots filled
    directly: the frozen dataclass's `__init__` sets each field through `object.__setattr__`
    (about 1.3 us an outcome; a scan of 1,000 VMs makes 26,000). The same value in every
    respect."""
    o = object.__new__(Outcome)
    set_subject, set_status, set_message, set_evidence, set_question, set_withheld = _SETTERS
    set_subject(o, subject)
    set_status(o, status)
    set_message(o, message)
    set_evidence(o, evidence)
    set_question(o, question)
    set_withheld(o, withheld)
    return o


def passed(subject: Subject, message: str, *evidence: Source) -> Outcome:
    """The subject meets the check."""
    return _outcome(subject, Status.PASS, message, evidence)


def failed(subject: Subject, message: str, *evidence: Source) -> Outcome:
    """The subject does not meet the check."""
    return _outcome(subject, Status.FAIL, message, evidence)


def manual(
    subject: Subject, message: str, *evidence: Source, question: str | None = None
) -> Outcome:
    """A person must decide."""
    return _outcome(subject, Status.MANUAL, message, evidence, question)


def not_applicable(subject: Subject, reason: str, *evidence: Source) -> Outcome:
    """The check does not apply to this subject."""
    return _outcome(subject, Status.NOT_APPLICABLE, reason, evidence)


def unread_guests(h: Host) -> str:
    """The Proxmox VE guests of `h` whose configuration was listed but not read or not parsed
    (R27P-1), and the libvirt domains whose definition was not read or not parsed, or all of
    them where the daemon's domain listing failed (R28D-1, R28D-2: a domain the polkit access
    driver lets the scan list but not read with VIR_DOMAIN_XML_SECURE, remote_protocol.x
    REMOTE_PROC_DOMAIN_GET_XML_DESC `@acl: domain:read_secure:VIR_DOMAIN_XML_SECURE`): they
    exist, and nothing of them is counted; '' where there is none."""
    unread = h.proxmox.unread_guests if h.proxmox else []
    if h.libvirt is not None:
        unread = [*unread, *(("domain", uuid, why) for uuid, why in h.libvirt.unread_domains)]
    shown = "; ".join(
        f"{'every domain' if vmid == 'every domain' else f'{kind} {vmid}'} ({why})"
        for kind, vmid, why in unread[:5]
    )
    return shown + (f"; and {len(unread) - 5} more" if len(unread) > 5 else "")


def unread_peers(o: Outcome, h: Host, may: str) -> Outcome:
    """A VM's pass `o` that rests on comparing it with the other VMs of its host `h` (a static
    label no other VM holds, a file no other VM opens, an IOMMU group member no other VM is
    given, no other guest reaching the host's loopback), where some of them were not read
    (unread_guests: a libvirt domain whose XML the daemon refused, R28D-1; a Proxmox VE guest
    whose configuration was not read, R27P-1) or the node's guest list may leave some out (the
    API token's view, R28P-1): the comparison left them out, so the pass is a question whether
    none of them `may` (a verb phrase: "hold ...", "open ..."). So is a pass beside a running
    domain whose persistent definition, what it starts from next, was not read (R29D-6). A
    question of the same subject, whose "yes" would pass it with the comparison unasked, is
    joined with it into one (joint_question, R21Q-1; R30D-5). A fail, an error or an n/a stands
    (R29D-1); a host check that joins several open conditions adds unread_ask's part to them
    (R30D-1)."""
    if o.status not in (Status.PASS, Status.MANUAL) or (
        o.status is Status.MANUAL and not o.question
    ):
        return o
    ask = unread_ask(h, may, o.subject.id)
    if ask is None:
        return o
    part, question = ask
    if o.status is Status.MANUAL and o.question:
        question = joint_question([o.question, question])
    return manual(o.subject, f"{o.message}; {part}", *o.evidence, question=question)


def unread_ask(h: Host, may: str, subject_id: str | None = None) -> tuple[str, str] | None:
    """(the message part, the question) of unread_peers for a subject of host `h` (`subject_id`,
    whose own persistent definition is engine._next_unread's, R29D-3), or None where every guest
    of `h` was read."""
    unread = unread_guests(h)
    unseen = h.proxmox.guests_unseen if h.proxmox is not None else ""
    nexts = unread_nexts(h, subject_id)
    if not (unread or unseen or nexts):
        return None
    parts = [
        *([unread] if unread else []),
        *([f"guests the scan may not see ({unseen})"] * bool(unseen)),
        *nexts[:5],
    ]
    if h.platform == "proxmox-ve":
        evidence = (
            f"`qm list` and `pct list` run as root on node {h.name}, and `qm config <vmid>` / "
            "`pct config <vmid>` of each guest the scan did not read"
        )
    else:
        evidence = (
            f"`virsh dumpxml --security-info <uuid>` of each of them on host {h.name}, run by "
            "an account the daemon lets read it (polkit `domain:read-secure` where the polkit "
            "access driver is on)"
            + (", with --inactive for a persistent definition" if nexts else "")
        )
    return (
        f"not compared with the guests whose definition was not read, any of which may {may}: "
        f"{'; '.join(parts)}",
        f"Does none of the guests of host {h.name} whose definition the scan did not read "
        f"{may}? Evidence: {evidence}. Pass: yes, none does; fail: one does.",
    )


def unread_nexts(h: Host, subject_id: str | None = None) -> list[str]:
    """The persistent definitions of the running domains of host `h` (other than `subject_id`'s)
    that were not read, each as "the persistent definition of domain UUID (why)": what such a
    domain starts from next was compared with nothing (R29D-6; the VM's own is engine.
    _next_unread's, R29D-3)."""
    return [
        f"the persistent definition of domain {uuid} ({why})"
        for uuid, why in (h.libvirt.unread_next.items() if h.libvirt is not None else ())
        if uuid != subject_id
    ]


def confirm_question(subject: Subject, what: str) -> str:
    """The question of a manual item whose evidence the scan could not read: does the check's
    condition `what` hold? Put so that an attestation's "yes" passes it (issue 8). A check may
    pass the whole question instead (with its own `Evidence:` and `Pass:`); it is kept."""
    if " Evidence: " in what:
        asked = what[0].upper() + what[1:]
        return asked if "; fail: " in asked else f"{asked.rstrip('.')}; fail: otherwise."
    where = {"vm": "this VM", "host": "this host"}.get(subject.type, f"this {subject.type}")
    return (
        f"Does this hold for {where}: {what}? Evidence: the setting, file or command output it "
        "names, read where it lives (the message says why the scan could not). Pass: yes, it "
        "holds; fail: it does not."
    )


def qemu_config_unread(what: str) -> Callable[[CheckFunc], CheckFunc]:
    """For a check that judges a VM's raw QEMU arguments (libvirt <qemu:commandline>, Proxmox VE
    `args:`): QEMU's `-readconfig FILE` reads devices, chardevs and other options from FILE as if
    written on the command line (qemu-options.hx: "Read device configuration from file"), and
    the scan never reads FILE. A pass or n/a of such a VM rests on arguments it did not see: it
    becomes one question, whether FILE adds `what`. Fails stand. Apply beneath @check."""

    def marks(ctx: Context) -> dict[tuple[str | None, str], list[str]]:
        return {
            (v.host, v.name): found
            for v in ctx.deployment.vms
            if v.raw_hypervisor_arguments and (found := readconfig_files(v))
        }

    def demote(o: Outcome, names: list[str]) -> Outcome:
        shown = ", ".join(names)
        return manual(
            o.subject,
            f"{o.message}; but QEMU also reads -readconfig {shown}, which the scan did not read",
            *o.evidence,
            question=f"Does {shown}, which QEMU reads for VM {o.subject.name} "
            f"(-readconfig), leave out {what}? Evidence: the file's sections on host "
            f"{o.subject.host} ([device], [chardev], [object], ... as QEMU's "
            "-readconfig reads them). Pass: yes, it adds none; fail: it adds one.",
        )

    return lambda func: _vm_passes_demoted(func, marks, demote)


_Mark = TypeVar("_Mark")


def _vm_passes_demoted(
    func: CheckFunc,
    marks: Callable[[Context], dict[tuple[str | None, str], _Mark]],
    demote: Callable[[Outcome, _Mark], Outcome],
    extend: Callable[[Outcome, _Mark], Outcome] | None = None,
) -> CheckFunc:
    """`func` with each pass or n/a of a VM that `marks` names (by host and name) replaced by
    `demote(outcome, mark)`, and each manual item of such a VM by `extend(outcome, mark)` where
    given; fails, errors and other subjects pass through."""
    judged = (Status.PASS, Status.NOT_APPLICABLE)
    asked = (*judged, Status.MANUAL) if extend is not None else judged

    @functools.wraps(func)
    def run(ctx: Context) -> Iterator[Outcome]:
        marked = marks(ctx)
        for o in func(ctx):
            mark = (
                marked.get((o.subject.host, o.subject.name))
                if marked and o.subject.type == "vm" and o.status in asked
                else None
            )
            if mark is None:
                yield o
            elif o.status is Status.MANUAL:
                yield extend(o, mark) if extend is not None else o
            else:
                yield demote(o, mark)

    return run


def raw_arguments_unseen(what: str) -> Callable[[CheckFunc], CheckFunc]:
    """For a VM check whose pass or n/a also rests on the VM's raw QEMU arguments adding no
    `what` (libvirt <qemu:commandline>; earlier rounds made each such check fail where they are
    seen to add one): where the collection could not see raw arguments at all
    (`Vm.raw_arguments_visible` not known: libvirt's test driver has no QEMU driver and drops
    the QEMU namespace from every definition it parses), that pass or n/a is not proven. It
    becomes a manual item whose question names `what` and is the same for every VM of a host,
    so reports tell it once with the VMs listed (issue 8) and one attestation (`subject =
    "vm:*"`) answers it; the message keeps what the domain XML alone shows and names HVA-046,
    which asks whether the VM has raw arguments at all: where an attestation answers HVA-046
    yes (none), each of these questions of that VM is answered with it, and the XML's pass or
    n/a (kept as `Outcome.withheld`) stands on that attestation. Fails stand. A VM whose raw arguments were read is judged on
    them. Real daemons (qemu:///system, qemu+ssh://) keep the namespace in XMLDesc, Proxmox VE's
    `args:` is read from the VM's configuration and VMware has no raw arguments: none of them is
    touched. Apply beneath @check."""

    def marks(ctx: Context) -> dict[tuple[str | None, str], Fact[bool]]:
        return {
            (v.host, v.name): v.raw_arguments_visible
            for v in ctx.deployment.vms
            if not v.raw_arguments_visible.known and not v.raw_hypervisor_arguments
        }

    def demote(o: Outcome, seen: Fact[bool]) -> Outcome:
        return _outcome(
            o.subject,
            Status.MANUAL,
            f"{o.message}; raw QEMU arguments not observable on this collection (HVA-046)",
            (*o.evidence, *seen.sources),
            raw_unseen_question(o.subject.host, what),
            o,
        )

    def extend(o: Outcome, seen: Fact[bool]) -> Outcome:
        if o.question is None or o.withheld is not None:
            return o
        return _outcome(
            o.subject,
            Status.MANUAL,
            f"{o.message}; raw QEMU arguments not observable on this collection (HVA-046)",
            (*o.evidence, *seen.sources),
            raw_unseen_also(o.question, o.subject.host, what),
            o,
        )

    def wrap(func: CheckFunc) -> CheckFunc:
        run = _vm_passes_demoted(func, marks, demote, extend)
        run.__doc__ = (
            f"{(func.__doc__ or '').rstrip()}\n\n    Where a collection cannot observe raw QEMU "
            "arguments (libvirt's test driver drops the QEMU namespace), a pass or n/a here is "
            f"not proven: it becomes the question whether they add {what}, and a question "
            "asked here asks that too (hvaudit.checks.base.raw_arguments_unseen; issue 8)."
        )
        return run

    return wrap


def raw_unseen_question(host: str | None, what: str) -> str:
    """The question of raw_arguments_unseen: the same text for every VM of `host`."""
    return (
        f"Do this VM's raw QEMU arguments, which this collection could not observe, leave out "
        f"{what}? Evidence: the VM's <qemu:commandline> in `virsh dumpxml` on host {host} (a "
        "daemon with the QEMU driver keeps the QEMU namespace). Pass: yes, the VM has no raw "
        "arguments or none adds one; fail: one does."
    )


def raw_unseen_also(question: str, host: str | None, what: str) -> str:
    """A check's own question of a VM whose raw QEMU arguments were unobservable, asking also
    whether they leave out `what`: a "yes" to the check's question alone would pass the VM
    although they may add it. In the house form ("A? Evidence: E. Pass: P; fail: F.") the two
    become one question; one of another form is followed by raw_unseen_question's."""
    asked, sep, rest = question.partition("? Evidence: ")
    evidence, sep2, verdict = rest.partition(" Pass: ")
    if not (sep and sep2) or "?" in asked:
        return f"{question} {raw_unseen_question(host, what)}"
    passes, sep3, fails = verdict.partition("; fail: ")
    fails = fails.rstrip().rstrip(".") if sep3 else "otherwise"
    return (
        f"{asked}, and do this VM's raw QEMU arguments, which this collection could not "
        f"observe, leave out {what}? Evidence: {evidence.rstrip().rstrip('.')}; the VM's "
        f"<qemu:commandline> in `virsh dumpxml` on host {host} (a daemon with the QEMU driver "
        f"keeps the QEMU namespace). Pass: {passes.rstrip().rstrip('.')}, and the VM has no "
        f"raw arguments or none adds one; fail: {fails}, or a raw argument adds one."
    )


def joined_asks(subject: Subject, asks: Sequence[Outcome]) -> Outcome:
    """The manual outcomes `asks` of one subject's open conditions as one item: their messages
    joined, their evidence, and one joint_question, so that an attested "yes" answers every
    condition, never the first alone (R21Q-1; HVA-201's chain asked only its first, R34 elif
    probes site 1). One ask is returned as it is."""
    if len(asks) == 1:
        return asks[0]
    return manual(
        subject,
        "; ".join(dict.fromkeys(o.message for o in asks)),
        *dict.fromkeys(e for o in asks for e in o.evidence),
        question=joint_question(o.question for o in asks if o.question),
    )


#: A path a command's error names as refused: `find: '/efi/EFI/Linux': Permission denied`,
#: `grep: /boot/grub/grubenv: Permission denied` (strerror(EACCES) after the path, as find,
#: grep, ls and cat print it).
#: A bundle artefact's name (`host/files/sys/...`) stands for the host's path after `files`.
_DENIED = re.compile(r"(?:[\w.-]+/files(?=/))?'?(/[^\s':;()]*)'?: Permission denied")


def lacked_permission(o: Outcome) -> Outcome:
    """A manual item `o` whose message shows a file or directory the scan was refused
    ("PATH: Permission denied": a scan not run as root, an ESP mounted umask=0077): its question
    says so and names each such path, to be read as root, before " Pass: " (round 51's team
    decision: the question alone, as an attestation shows it, did not say why the scan could not
    read it nor which file answers). Any other item, and one whose question has several parts
    (joint_question: which part the file answers is not known here), is returned as it is."""
    if o.status is not Status.MANUAL or not o.question or o.question.count(" Pass: ") != 1:
        return o
    paths = list(dict.fromkeys(_DENIED.findall(o.message)))
    if not paths or "The scan lacked permission" in o.question:
        return o
    said = (
        f"The scan lacked permission to read {', '.join(paths)} (Permission denied): read "
        f"{'it' if len(paths) == 1 else 'them'} as root."
    )
    head, sep, tail = o.question.partition(" Pass: ")
    return dataclasses.replace(o, question=f"{head} {said}{sep}{tail}" if sep else f"{head} {said}")


def joint_question(questions: Iterable[str]) -> str:
    """The questions of one subject's one item as one question, passed only when each part
    passes: an attestation answers a check's item per subject, so an item that asked only the
    first of its open questions passed the others unasked on a "yes" (R20N-2, R21Q-1). Each
    question in the house form ("A? Evidence: E. Pass: P; fail: F.", "yes" passing) becomes a
    part of "A1, and a2? Evidence: E1; E2. Pass: P1, and P2; fail: F1, or F2."; one question is
    returned as it is. A question of another form makes the parts a numbered list in one
    question ("Is each of these answered yes: (1) ...; (2) ...?")."""
    qs = list(dict.fromkeys(questions))
    if len(qs) == 1:
        return qs[0]
    parts: list[tuple[str, str, str, str]] = []
    for q in qs:
        asked, sep, rest = q.partition("? Evidence: ")
        evidence, sep2, verdict = rest.partition(" Pass: ")
        passes, sep3, fails = verdict.partition("; fail: ")
        if not (sep and sep2 and sep3) or "?" in asked:
            listed = "; ".join(
                f"({n}) {x.replace('?', ':').rstrip().rstrip('.')}" for n, x in enumerate(qs, 1)
            )
            return (
                f"Is each of these answered yes: {listed}? Evidence: what each part names. "
                "Pass: every part passes; fail: one fails."
            )
        ev, ok, bad = (p.rstrip().rstrip(".") for p in (evidence, passes, fails))
        parts.append((asked, ev, ok, bad))
    asked = ", and ".join(
        p[0] if n == 0 else p[0][0].lower() + p[0][1:] for n, p in enumerate(parts)
    )
    passes = ", and ".join(
        p[2] if n == 0 else p[2].removeprefix("yes, ") for n, p in enumerate(parts)
    )
    return (
        f"{asked}? Evidence: {'; '.join(p[1] for p in parts)}. Pass: {passes}; fail: "
        f"{', or '.join(p[3] for p in parts)}."
    )


def overridden_devices(v: Vm) -> list[tuple[QemuOption, str]]:
    """The `-device` options a VM's <qemu:override> makes of libvirt's devices
    (Vm.device_overrides, hvaudit.parse.libvirt_xml.override_devices), each with the words
    that name it: "<qemu:override> of device ALIAS: driver D". libvirt's
    qemuBuildDeviceCommandlineHandleOverrides (src/qemu/qemu_command.c) replaces the named
    keys of the device's -device properties, `driver` among them (docs/drvqemu.rst,
    "Overriding properties of QEMU devices": it "overrides what libvirt formats via
    -device"), so every reader of raw `-device` options reads these too (R37D-4, R39D-1;
    R40D-1..3: a 3D GPU, a SCSI passthrough device, a vhost-user filesystem)."""
    return [
        (o, f"<qemu:override> of device {o.props.get('id', '')}: driver {o.kind}")
        for o in qemu_options(v.device_overrides)
        if o.name == "device" and o.kind
    ]


def readconfig_files(v: Vm) -> list[str]:
    """The files a VM's raw QEMU arguments load with -readconfig, in order."""
    return [o.text for o in qemu_options(v.raw_hypervisor_arguments) if o.name == "readconfig"]


#: parse.host's reason for a file changed after the daemon that reads it at its start
#: (_changed_since_start, _changed_after: R11H-1, R11H-3, R11H-5): the file, the daemon
_CHANGED_AFTER_START = re.compile(
    r"^(/[^ ]+) was changed at [^,]+, after ([a-z][a-z0-9_-]*)(?: \(pid [0-9]+\))? started at "
)

#: parse.host's reasons for a file read at its daemon's start where when it last changed, when
#: the daemon started, or which daemon runs was not read (`stat`, `ps -o lstart` or `ps`
#: failed: R24S-1, R44S-4, R45S-2): the file, the daemon(s). Each reason ends in text of
#: parse.host's own, so the greedy `.*` before it takes the tool's hostile stderr whole.
_UNREAD_AT_START = (
    re.compile(
        r"^when (/[^ ]+) was last changed was not read \(`stat`: .*\); ([a-z][a-z0-9_-]*) "
        r"\(pid [0-9]+\) reads it only when it starts, so what it runs may differ from the file$",
        re.DOTALL,
    ),
    re.compile(
        r"^when ([a-z][a-z0-9_-]*) \(pid [0-9]+\) started was not read \(`ps -o lstart`: .*\); "
        r"it reads (/[^ ]+) only when it starts, so what it runs may differ from the file$",
        re.DOTALL,
    ),
    re.compile(
        r"^which libvirt daemons run was not read \(`ps`: .*\); ([a-z ]+) reads (/[^ ]+) only "
        r"when it starts, so what a running one applies may differ from the file$",
        re.DOTALL,
    ),
    re.compile(
        r"^(?:(sssd|rsyslogd) runs, but when (?:it started|its files last changed) was not read"
        r"|whether (sssd|rsyslogd) runs, and when it started, was not read) \(.*\): "
        r"(?:SSSD|rsyslogd) reads its configuration only when it starts",
        re.DOTALL,
    ),
)

#: The files each daemon of _UNREAD_AT_START's last pattern reads at its start (parse.host
#: _sssd_conf: sssd.conf and its conf.d snippets; _rsyslog: rsyslog.conf and what it includes).
_DAEMON_FILES = {
    "sssd": "/etc/sssd/sssd.conf and /etc/sssd/conf.d/*.conf",
    "rsyslogd": "/etc/rsyslog.conf and the files it includes",
}


def _read_at_start(reason: str) -> tuple[str, str, bool] | None:
    """(the files, the daemon(s) that read them at their start, whether they changed since)
    where `reason` is one of parse.host's for a file the running daemon may not have read
    (_CHANGED_AFTER_START, _UNREAD_AT_START); None for any other reason."""
    m = _CHANGED_AFTER_START.match(reason)
    if m is not None:
        return m.group(1), m.group(2), True
    found = next((m for p in _UNREAD_AT_START if (m := p.match(reason))), None)
    if found is None:
        return None
    if found.re is _UNREAD_AT_START[0]:
        files, daemon = found.groups()
    elif found.re is _UNREAD_AT_START[3]:
        daemon = found.group(1) or found.group(2)
        files = _DAEMON_FILES[daemon]
    else:
        daemon, files = found.groups()  # a daemon, or "libvirtd or virtqemud"
    return files, daemon, False


def _read_at_start_question(subject: Subject, reason: str, what: str) -> str | None:
    """The question for evidence unavailable because the file may not be what its daemon read
    at its start: the file on disk is not what the daemon runs, so the generic question ("Does
    this hold: qemu.conf X?"), answered from that file, passed a daemon that runs an earlier
    version; it asks about the version the daemon read (R45T-4, R44T-3's class beyond
    HVA-048). Where the file changed after the daemon started, that version is asked for;
    where when it changed, when the daemon started or which daemon runs was not read (stat or
    ps failed), the two times are asked for first, for the file on disk answers only where it
    changed before the start (R47T-1). A check's own question (with its " Evidence: ") gets
    read_at_start_evidence instead. None for any other reason."""
    found = _read_at_start(reason)
    if found is None or " Evidence: " in what:
        return None
    files, daemon, changed = found
    where = {"vm": "this VM", "host": "this host"}.get(subject.type, f"this {subject.type}")
    names = ",".join(daemon.split(" or "))
    if changed:
        return (
            f"Did the {files} that {daemon} on {where} read when it last started hold this: "
            f"{what}? Evidence: that version of {files} (the configuration management's "
            f"history or a backup; `ps -o lstart= -C {daemon}` dates the start), or the file "
            f"itself once {daemon} has restarted; not the file as it is now. Pass: yes, it "
            "held; fail: it did not."
        )
    return (
        f"Did the {files} that {daemon} on {where} read when it last started hold this: "
        f"{what}? Evidence: when {daemon} started (`ps -o lstart= -C {names}`) against when "
        f"{files} last changed (`stat -c '%y %z'`, the latest time: `cp -p` keeps an older "
        f"%y): changed before that start (or no {daemon} running), what is on disk now; "
        "changed since, the version it read (the configuration management's history or a "
        f"backup) or the file once {daemon} has restarted. Pass: yes, it held; fail: it did "
        "not."
    )


def read_at_start_evidence(reason: str, question: str) -> str:
    """A check's own question (`question`: "...? Evidence: .... Pass: ...; fail: ...") where
    the fact is unavailable for one of parse.host's read-at-start reasons: its evidence names
    the file on disk ("/etc/libvirt/qemu.conf on hv1 ..."), which the running daemon may never
    have read, so a "yes" read from it passed (R47T-2, R47T-1's class in the questions
    checks.base.unknown keeps and _libvirt.host_settings_manual asks: HVA-031, HVA-036,
    HVA-043, HVA-044). The sentence saying which version answers goes before " Pass: "; any
    other reason, a question without " Pass: ", or one asking for the version read at the
    daemon's start already, is returned as it is."""
    found = _read_at_start(reason)
    if found is None or " Pass: " not in question or " last started" in question:
        return question  # HVA-048's own question asks for that version already (R44T-3)
    files, daemon, changed = found
    names = ",".join(daemon.split(" or "))
    if changed:
        which = (
            "not as it is now (it changed since): that version (the configuration "
            "management's history or a backup), or the file once the daemon has restarted"
        )
    else:
        which = (
            "as it is now only where it last changed before that start (`ps -o lstart= -C "
            f"{names}` against `stat -c '%y %z'` of it, the later time: `cp -p` keeps an older "
            "%y), else that version (the configuration management's history or a backup) or "
            "the file once the daemon has restarted"
        )
    head, _, tail = question.partition(" Pass: ")
    return f"{head} Read {files} as {daemon} read it when it last started, {which}. Pass: {tail}"


def unknown(subject: Subject, fact: Fact[Any], what: str) -> Outcome:
    """The outcome for a fact that is not known: never a pass.

    Not applicable stays not applicable; unavailable evidence becomes a manual item (a person must
    verify `what`); evidence whose collection failed is an error.
    """
    if fact.state is FactState.NOT_APPLICABLE:
        return not_applicable(subject, fact.reason)
    if fact.state is FactState.UNAVAILABLE or fact.asked:
        # a probe that did not run though a person can run it (systemctl not found where PID 1
        # is or may be systemd) is asked with its command (R52S-5, the team's decision of
        # round 52), not a collection error
        return manual(
            subject,
            f"evidence unavailable: {fact.reason}",
            *fact.sources,
            question=_read_at_start_question(subject, fact.reason, what)
            or read_at_start_evidence(fact.reason, confirm_question(subject, what)),
        )
    return Outcome(
        subject, Status.ERROR, f"evidence could not be collected: {fact.reason}", fact.sources
    )


def asked_gap(subject: Subject, fact: Fact[Any], what: str, asks: list[Outcome]) -> Outcome | None:
    """`unknown` inside a chain that asks its open conditions in one item (joined_asks):
    evidence that is unavailable is one more ask (its question joins `asks`, None is returned,
    and the chain goes on to the conditions that do not rest on `fact`, so a later fail still
    wins); a collection that failed (an error) or a fact not applicable is returned, for the
    chain to yield in place of its item. Yielded alone, the unavailable fact's question dropped
    the asks made before it and hid the fails after it, and a "yes" to it passed both (R34
    elif probes, HVA-201's auditd.conf and loaded rules)."""
    o = unknown(subject, fact, what)
    if o.status is Status.MANUAL:
        asks.append(o)
        return None
    return o


def first_unknown(*facts: Fact[Any]) -> Fact[Any] | None:
    """The first fact that is not known, preferring failures over gaps over non-applicability."""
    order = (FactState.FAILED, FactState.UNAVAILABLE, FactState.NOT_APPLICABLE)
    for state in order:
        for f in facts:
            if f.state is state:
                return f
    return None


def each_host(ctx: Context) -> Iterator[Host]:
    """The hosts of the deployment."""
    return iter(ctx.deployment.hosts)


__all__ += [
    "confirm_question",
    "each_host",
    "failed",
    "first_unknown",
    "host_subject",
    "manual",
    "network_subject",
    "not_applicable",
    "passed",
    "pool_subject",
    "read_at_start_evidence",
    "unknown",
    "vm_subject",
]


def vm_processes(h: Host, v: Vm) -> list[QemuProcess]:
    """The running QEMU processes of host `h` that are VM `v`'s: matched by the -uuid libvirt
    passes, else by -name; none where the process list was not read."""
    procs = h.facts.qemu_processes
    return [
        p
        for p in (procs.get() if procs.known else ())
        if (p.uuid == v.uuid.lower() if p.uuid else p.guest == v.name)
    ]
