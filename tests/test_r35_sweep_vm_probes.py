"""R35 sweep probes of the VM modules (letter T; devices.py, network.py, resources.py,
consoles.py, guest.py): a check yields one outcome for a subject whose first open condition hides
the others, so an attested "yes" to the one question asked passes the subject while another
question was never shown (issue 8, "verdicts an auditor can sign").

Harness: each probe builds its subject through the real collector, parser and engine
(tests/test_redteam30_domain_probes._scan: the hardened host replayed, libvirt test-driver
domains collected as a QEMU-driver daemon's, a domain the daemon refused and a persistent
definition whose read failed recorded as collect/libvirt.py records them), holds each condition
alone, and answers "yes" in an attestation TOML read by the CLI's own loader and applied with
apply_attestations (test_r34_elif_probes._attest_yes) to the question main asked of the subject
with every condition present (the first condition's own question, written out below as main
wrote it): on main that "yes" passed the subject.

Findings:
- R35T-1 (a question hides a question) HVA-058: a VM sharing a 9p directory beside another VM's
  volume of a pool the bundle lacks (VL16-2's question) and a writable virtiofs share: the
  unplaced-volume question `continue`d past the virtiofs nosuid/nodev question, and "yes, no
  volume is inside a shared directory" passed a writable virtiofs share whose mount was never
  asked. The held-disk (security driver) and directory-mapping questions `continue`d the same
  way. Now every open condition is asked in one item (joined_asks) after the fails.
- R35T-2 (unread_peers beside the pass only) HVA-058: the same unplaced-volume question beside a
  domain the daemon refused: the comparison with the guests not read (R29D-1: one may keep its
  disk in the shared directory) was added beside the pass only, so "yes" to the volume question
  passed it unasked. Now it joins the question too.
- R35T-3 (unread_peers beside the pass only) HVA-057: a VM with a disk image and a vhost-user
  socket in /tmp (R23M-2's question) beside a refused domain: "yes, only the back end binds
  it" passed the VM with the refused guest, which may map its disk image as memory (R29D-1),
  never asked. Now joined.
- R35T-4 (unread next definition beside unread guests) HVA-090: a pinned VM beside a refused
  domain (R28D-3's question) and a running domain whose persistent definition was not read
  (R30D-7, unread_peers, skipped where R28D-3 asks): "yes, the guests not read leave CPU 3"
  passed the VM with the next start of db01, which may pin a thread to CPU 3, never asked.
  Now R28D-3's ask names the persistent definitions not read too (base.unread_nexts).
- R35T-5 (count questions) HVA-425 (vmware.py): root, an admin group and custom-role
  principals: the group's part ("at most 3 accounts, the group's members included") and the
  custom roles' part ("so that at most 3 principals administer it") each held with two group
  members and one custom-role administrator, and "yes" passed 4 accounts. Now one question
  counts them in all.
- R35T-6 (leading unknown) HVA-042: /etc/group unread was asked and the chain stopped before
  the running QEMU processes, which ps shows (a QEMU running as root fails without /etc/group):
  "yes, in neither group root nor disk" passed it. Now the fail; the groups, passwd and build
  default questions are asked with the other open conditions (asked_gap, joined_asks).
- R35T-7 (leading unknown) HVA-045: qemu.conf unavailable (changed after libvirtd started,
  R11H-1) was asked before a running QEMU with Seccomp: 0: "yes, -sandbox on" passed it. Now
  the fail.
- R35T-8 (leading unknown) HVA-042: the same unread qemu.conf before a QEMU running as root:
  "yes, non-root" passed it. Now the fail.
- R35T-9 (leading unknown) HVA-043: the same unread qemu.conf before the daemon's own secmodel
  none (capabilities): "yes, confined" passed it. Now the fail.

Held: each condition alone keeps its verdict and message (the harness tests); a failed read
(an error) still stands alone.

Tally: 9 findings (HVA-058 twice, HVA-057, HVA-090, HVA-425, HVA-042 twice, HVA-045, HVA-043),
17 cases; 9 failed on main (748d99aa) before the fix, 8 held.

Leads left: HVA-043 with qemu.conf unread on an SELinux host whose getenforce reads permissive
(a fail the same way, not probed); HVA-065 ignores raw `-tpmdev emulator` sockets beside a
libvirt emulator TPM; the remaining `yield unknown` sites of devices.py (HVA-040, 041, 048,
051, 052), network.py, consoles.py were not all probed (see the report).
"""

from __future__ import annotations

from pathlib import Path

from conftest import domain_xml
from hvaudit.engine import Assessment
from test_r34_elif_probes import _attest_yes, _items
from test_r34_elif_resmgmt_probes import PINNED_1024
from test_r34_elif_sweep_probes import verdict
from test_redteam30_domain_probes import REFUSED, REFUSED_UUID, _scan
from test_redteam47_sweepvm_probes import CHANGED_SINCE

UNREAD = (
    f"domain {REFUSED_UUID} (libvirt/domains/{REFUSED_UUID}.xml: collection failed ({REFUSED}))"
)
UNREAD_EVIDENCE = (
    "`virsh dumpxml --security-info <uuid>` of each of them on host hv1, run by an account the "
    "daemon lets read it (polkit `domain:read-secure` where the polkit access driver is on)"
)


def _item(a: Assessment, check: str, name: str) -> tuple[str, str, str | None]:
    """(status, message, question) of `check`'s result for VM `name`."""
    status, message = verdict(a, check, name)
    return status, message, _items(a, check)[("vm", name)][1]


def _yes(a: Assessment, check: str, question: str, tmp_path: Path) -> tuple[str, str, str | None]:
    """`check`'s item for web01 after a "yes" to `question` (main's, on the same subject)."""
    _attest_yes(a, check, "vm", "web01", tmp_path, question=question)
    return _item(a, check, "web01")


# --- R35T-1, R35T-2: HVA-058, the unplaced-volume question hides the others ------------------

MAPPED_9P = (
    "<filesystem type='mount' accessmode='mapped'><source dir='/srv/third'/>"
    "<target dir='hostshare'/></filesystem>"
)
VIRTIOFS = (
    "<filesystem type='mount' accessmode='passthrough'><driver type='virtiofs'/>"
    "<source dir='/srv/vfs'/><target dir='vfs'/></filesystem>"
)
#: another VM's volume of a pool the bundle lacks (tests/test_redteam22_vm_probes ELSEWHERE)
ELSEWHERE = domain_xml(
    "other",
    "<devices><disk type='volume' device='disk'><driver name='qemu' type='raw'/>"
    "<source pool='elsewhere' volume='v.img'/><target dev='vda' bus='virtio'/></disk></devices>",
)
UNPLACED = (
    "disk volume(s) of other VMs whose pool the evidence lacks (VM other: volume v.img of pool "
    "elsewhere): where their files are is not known, and the directories this VM shares may "
    "hold them"
)


def _unplaced_q(shared: str) -> str:
    return (
        "Is every one of these volumes (VM other: volume v.img of pool elsewhere) outside the "
        f"directories VM web01 shares ({shared})? Evidence: `virsh pool-dumpxml POOL` "
        "(elsewhere) and `virsh vol-path --pool POOL VOLUME` on host hv1. Pass: yes, no volume "
        "path is inside a shared directory (or SELinux confines the VMs); fail: no, one is, so "
        "the guest reaches that VM's disk through the share."
    )


VFS = "writable virtiofs share(s) /srv/vfs (virtiofs supports passthrough only)"
VFS_Q = (
    "Is the file system holding /srv/vfs on host hv1 mounted nosuid and nodev? Evidence: "
    "`findmnt -T PATH -o TARGET,OPTIONS` on the host for each shared path. Pass: yes, the "
    "options of every one include nosuid and nodev; fail: either is missing for any, so the "
    "guest can leave set-uid programs or device nodes the host honours."
)
DISK_IN = "keep a disk image in /srv/third"


def test_r35t1_harness_each_condition_alone(tmp_path: Path) -> None:
    """Held: the unplaced volume alone is VL16-2's question; the writable virtiofs share alone
    is the nosuid/nodev question."""
    a = _scan(tmp_path, f"<devices>{MAPPED_9P}</devices>", others=(ELSEWHERE,))
    assert _item(a, "HVA-058", "web01") == ("manual", UNPLACED, _unplaced_q("/srv/third"))
    a = _scan(tmp_path, f"<devices>{VIRTIOFS}</devices>")
    assert _item(a, "HVA-058", "web01") == ("manual", VFS, VFS_Q)


def test_r35t1_hva058_yes_to_unplaced_volume_passes_virtiofs_share(tmp_path: Path) -> None:
    """R35T-1, the false pass: main asked only whether the volume is outside /srv/third and
    /srv/vfs; "yes" passed HVA-058 with /srv/vfs, writable by a guest whose file ownership
    lands on the host as it is, never asked about nosuid/nodev. Now one item asks both."""
    a = _scan(tmp_path, f"<devices>{MAPPED_9P}{VIRTIOFS}</devices>", others=(ELSEWHERE,))
    main_q = _unplaced_q("/srv/third, /srv/vfs")
    assert _yes(a, "HVA-058", main_q, tmp_path) == (
        "manual",
        f"{UNPLACED}; {VFS}",
        "Is every one of these volumes (VM other: volume v.img of pool elsewhere) outside the "
        "directories VM web01 shares (/srv/third, /srv/vfs), and is the file system holding "
        "/srv/vfs on host hv1 mounted nosuid and nodev? Evidence: `virsh pool-dumpxml POOL` "
        "(elsewhere) and `virsh vol-path --pool POOL VOLUME` on host hv1; `findmnt -T PATH -o "
        "TARGET,OPTIONS` on the host for each shared path. Pass: yes, no volume path is inside "
        "a shared directory (or SELinux confines the VMs), and the options of every one "
        "include nosuid and nodev; fail: no, one is, so the guest reaches that VM's disk "
        "through the share, or either is missing for any, so the guest can leave set-uid "
        "programs or device nodes the host honours.",
    )


def test_r35t2_harness_refused_domain_alone(tmp_path: Path) -> None:
    """Held: a mapped share beside a refused domain alone is unread_peers' question (R29D-1)."""
    a = _scan(tmp_path, f"<devices>{MAPPED_9P}</devices>", refused=True)
    assert _item(a, "HVA-058", "web01") == (
        "manual",
        "shared directories read-only or with mapped ownership: /srv/third; not compared with "
        f"the guests whose definition was not read, any of which may {DISK_IN}: {UNREAD}",
        f"Does none of the guests of host hv1 whose definition the scan did not read {DISK_IN}? "
        f"Evidence: {UNREAD_EVIDENCE}. Pass: yes, none does; fail: one does.",
    )


def test_r35t2_hva058_yes_to_unplaced_volume_passes_refused_domain(tmp_path: Path) -> None:
    """R35T-2, the false pass: beside a refused domain, main asked only the volume question
    (unread_peers stood beside the pass alone); "yes" passed HVA-058 with the refused domain,
    which may keep its disk in /srv/third, never compared. Now one item asks both."""
    a = _scan(tmp_path, f"<devices>{MAPPED_9P}</devices>", others=(ELSEWHERE,), refused=True)
    assert _yes(a, "HVA-058", _unplaced_q("/srv/third"), tmp_path) == (
        "manual",
        f"{UNPLACED}; not compared with the guests whose definition was not read, any of which "
        f"may {DISK_IN}: {UNREAD}",
        "Is every one of these volumes (VM other: volume v.img of pool elsewhere) outside the "
        "directories VM web01 shares (/srv/third), and does none of the guests of host hv1 "
        f"whose definition the scan did not read {DISK_IN}? Evidence: `virsh pool-dumpxml "
        "POOL` (elsewhere) and `virsh vol-path --pool POOL VOLUME` on host hv1; "
        f"{UNREAD_EVIDENCE}. Pass: yes, no volume path is inside a shared directory (or SELinux "
        "confines the VMs), and none does; fail: no, one is, so the guest reaches that VM's "
        "disk through the share, or one does.",
    )


# --- R35T-3: HVA-057, a vhost-user socket's question hides the guests not read --------------

DISK = (
    "<disk type='file' device='disk'><source file='/var/lib/libvirt/images/web01.qcow2'/>"
    "<target dev='vda' bus='virtio'/></disk>"
)
VHOST = (
    "<interface type='vhostuser'><source type='unix' path='/tmp/vhost0.sock' mode='client'/>"
    "<model type='virtio'/></interface>"
)
BINDABLE = (
    "vhost-user socket(s) QEMU connects to in a directory every local user may create files "
    "in, whose listener is handed the guest's memory: vhost-user interface socket "
    "/tmp/vhost0.sock (mode client)"
)
BINDABLE_Q = (
    "Is each vhost-user socket /tmp/vhost0.sock on host hv1 created and listened on only by the "
    "VM's own vhost-user back end, whenever the VM starts or reconnects? Evidence: `ls -l PATH` "
    "(the socket's owner) and `ss -xlp` (the listening process) on hv1. Pass: yes, the back "
    "end's user owns each socket and the back end listens on it; fail: another user can bind "
    "the path first in that world-writable directory, and QEMU, connecting to it, maps the "
    "guest's memory into that user's process."
)
MAP_DISK = "map one of the disk, firmware or boot files of VM web01 as memory"


def test_r35t3_harness_each_condition_alone(tmp_path: Path) -> None:
    """Held: the socket in /tmp alone is R23M-2's question; the disk beside a refused domain
    alone is unread_peers' (R29D-1)."""
    a = _scan(tmp_path, f"<devices>{DISK}{VHOST}</devices>")
    assert _item(a, "HVA-057", "web01") == ("manual", BINDABLE, BINDABLE_Q)
    a = _scan(tmp_path, f"<devices>{DISK}</devices>", refused=True)
    assert _item(a, "HVA-057", "web01") == (
        "manual",
        "no <shmem> device; not compared with the guests whose definition was not read, any of "
        f"which may {MAP_DISK}: {UNREAD}",
        f"Does none of the guests of host hv1 whose definition the scan did not read {MAP_DISK}? "
        f"Evidence: {UNREAD_EVIDENCE}. Pass: yes, none does; fail: one does.",
    )


def test_r35t3_hva057_yes_to_socket_question_passes_refused_domain(tmp_path: Path) -> None:
    """R35T-3, the false pass: main asked only the socket's question; "yes" passed HVA-057
    with the refused domain, which may map web01's disk image as memory, never asked."""
    a = _scan(tmp_path, f"<devices>{DISK}{VHOST}</devices>", refused=True)
    assert _yes(a, "HVA-057", BINDABLE_Q, tmp_path) == (
        "manual",
        f"{BINDABLE}; not compared with the guests whose definition was not read, any of which "
        f"may {MAP_DISK}: {UNREAD}",
        "Is each vhost-user socket /tmp/vhost0.sock on host hv1 created and listened on only by "
        "the VM's own vhost-user back end, whenever the VM starts or reconnects, and does none "
        f"of the guests of host hv1 whose definition the scan did not read {MAP_DISK}? "
        "Evidence: `ls -l PATH` (the socket's owner) and `ss -xlp` (the listening process) on "
        f"hv1; {UNREAD_EVIDENCE}. Pass: yes, the back end's user owns each socket and the back "
        "end listens on it, and none does; fail: another user can bind the path first in that "
        "world-writable directory, and QEMU, connecting to it, maps the guest's memory into "
        "that user's process, or one does.",
    )


# --- R35T-4: HVA-090, the guests not read asked, another's next definition never -------------

#: db01 running with every thread on host CPU 1, clear of web01's CPU 3
DB01 = domain_xml(
    "db01", "<cputune><vcpupin vcpu='0' cpuset='1'/><emulatorpin cpuset='1'/></cputune>"
)
DB01_UUID = "0aae3474-7d66-5834-b659-d0311e934f5f"
NEXT = (
    f"the persistent definition of domain {DB01_UUID} (libvirt/domains/{DB01_UUID}.next.xml: "
    "collection failed (timed out))"
)
HAVE_090 = (
    "reservation: all 1 vCPU(s) pinned (<vcpupin>) to host CPU(s) 3, used by no other running "
    "or autostart VM; limit: quota 50000 us; priority: cputune shares 1024"
)
VIRSH_PINS = (
    "`virsh vcpupin <uuid>`, `virsh emulatorpin <uuid>` and `virsh iothreadinfo <uuid>` of "
    "each of them, and `virsh list --all --autostart`"
)
LEAVE_PASS = (
    "Pass: yes, each is stopped and does not start at boot, or none of its threads may run on "
    "3; fail: any of them may."
)
#: R28D-3's question as main asked it
UNREAD_090_Q = (
    "Do the guests of host hv1 whose configuration was not read leave host CPU(s) 3 to VM "
    f"web01? Evidence: {VIRSH_PINS} on hv1. {LEAVE_PASS}"
)
RUN_ON_3 = (
    "run a thread on host CPU(s) 3 (unpinned, or pinned there), which VM web01's vCPUs are "
    "pinned to"
)


def test_r35t4_harness_each_condition_alone(tmp_path: Path) -> None:
    """Held: the refused domain alone is R28D-3's question; db01's unread persistent definition
    alone is R30D-7's (unread_peers)."""
    a = _scan(tmp_path, PINNED_1024, others=(DB01,), refused=True)
    assert _item(a, "HVA-090", "web01") == (
        "manual",
        f"{HAVE_090}; not read, may use the pinned host CPUs: {UNREAD}",
        UNREAD_090_Q,
    )
    a = _scan(tmp_path, PINNED_1024, others=(DB01,), next_failed=("db01",))
    assert _item(a, "HVA-090", "web01") == (
        "manual",
        f"{HAVE_090}; not compared with the guests whose definition was not read, any of which "
        f"may {RUN_ON_3}: {NEXT}",
        f"Does none of the guests of host hv1 whose definition the scan did not read {RUN_ON_3}? "
        f"Evidence: {UNREAD_EVIDENCE}, with --inactive for a persistent definition. Pass: yes, "
        "none does; fail: one does.",
    )


def test_r35t4_hva090_yes_to_unread_guests_passes_next_definition(tmp_path: Path) -> None:
    """R35T-4, the false pass: main asked only whether the refused domain leaves CPU 3 to
    web01; "yes" passed HVA-090 with db01's next start (its persistent definition not read,
    which may pin a thread to CPU 3) never asked. Now R28D-3's question names it."""
    a = _scan(tmp_path, PINNED_1024, others=(DB01,), refused=True, next_failed=("db01",))
    assert _yes(a, "HVA-090", UNREAD_090_Q, tmp_path) == (
        "manual",
        f"{HAVE_090}; not read, may use the pinned host CPUs: {UNREAD}; {NEXT}",
        "Do the guests of host hv1 whose configuration was not read (a running one's persistent "
        f"definition included) leave host CPU(s) 3 to VM web01? Evidence: {VIRSH_PINS}, and "
        "`virsh dumpxml --inactive <uuid>` (its <cputune>) for a persistent definition on hv1. "
        f"{LEAVE_PASS}",
    )


# --- R35T-5: HVA-425, an admin group and custom roles counted apart ---------------------------

#: main's one item for root, an admin group and ops1, ops2 with custom roles (joint_question of
#: the group's and the custom roles' questions, each counting apart)
APART_425 = (
    "Do at most 3 accounts administer host esx1 directly, the members of group(s) "
    "CORP\\vsphere-admins and the lockdown exception users included, and do the roles of ops1, "
    "ops2 on host esx1 (access mode accessOther: custom roles) leave them without "
    "administration of the host, so that at most 3 principals, lockdown exception users "
    "included, administer it? Evidence: each group's members in the directory (Active Directory "
    "Users and Computers, or `Get-ADGroupMember -Recursive GROUP`) and the host client's Manage "
    "> Security & users > Users and roles; the host client's Manage > Security & users > Users "
    "and roles (each listed principal's role and its privileges) or vCenter's permissions on "
    "the host. Pass: yes, at most 3 accounts in all, and none of them holds host "
    "configuration, shell or VM administration privileges; fail: more, or enough of them do to "
    "exceed 3."
)


def test_r35t5_hva425_group_and_custom_roles_counted_together(tmp_path: Path) -> None:
    """R35T-5 (count questions): root, group CORP\\vsphere-admins (two members, say) and ops1,
    ops2 with custom roles, ops1's an administrator's. The group's part ("at most 3 accounts,
    the group's members included": root and two members) and the custom roles' part ("so that
    at most 3 principals administer it": root, the group and ops1) each held, and "yes" passed
    HVA-425 with 4 accounts administering the host. Now one question counts them in all; the
    message is unchanged."""
    from test_r34_elif_probes import _esx_access

    a = _esx_access(tmp_path / "a", group=True, custom=("ops1", "ops2"))
    _attest_yes(a, "HVA-425", "host", "esx1", tmp_path, question=APART_425)
    assert _items(a, "HVA-425") == {
        ("host", "esx1"): (
            "manual",
            "Do at most 3 accounts administer host esx1 directly in all, the members of "
            "group(s) CORP\\vsphere-admins, those of ops1, ops2 whose roles (access mode "
            "accessOther: custom roles) hold host configuration, shell or VM administration "
            "privileges, and the lockdown exception users counted together? Evidence: each "
            "group's members in the directory (Active Directory Users and Computers, or "
            "`Get-ADGroupMember -Recursive GROUP`) and the host client's Manage > Security & "
            "users > Users and roles (each listed principal's role and its privileges). Pass: "
            "yes, at most 3 accounts in all; fail: more.",
        )
    }
    assert verdict(a, "HVA-425", "esx1")[1] == (
        "2 principal(s) with host administration (CORP\\vsphere-admins, root): group(s) "
        "CORP\\vsphere-admins among them, whose members are not read; with other roles on the "
        "host (accessOther): ops1, ops2: whether they administer it is not read"
    )


# --- R35T-6: HVA-042, /etc/group unread asked before a QEMU process running as root ----------

GROUPS_Q = (
    "Is QEMU's account on host hv1 in neither group root (gid 0) nor group disk? Evidence: "
    "/etc/group and /etc/passwd on host hv1 (`id` of qemu.conf's user, or of the user running "
    "QEMU). Pass: yes, in neither; fail: in one of them, so every VM's QEMU gets that group's "
    "files and devices."
)


def _hva042(host_scan, *, groups: bool, root: bool) -> Assessment:
    """The hardened host with /etc/group unread (`groups`) and web01's QEMU (pid 1200) running
    as root (`root`, ps's user column, test_redteam16_host_probes R16H-6)."""
    from conftest import HARDENED_HOST

    procs = str(HARDENED_HOST["processes"][0])
    over: dict[str, object] = {"/etc/group": None} if groups else {}
    if root:
        over["processes"] = (procs.replace(" 1200 libvirt+ ", " 1200 root     "), 0)
    return host_scan(over)


def test_r35t6_harness_each_condition_alone(host_scan) -> None:
    """Held: /etc/group unread alone is the groups question (R7); QEMU running as root alone
    fails."""
    a = _hva042(host_scan, groups=True, root=False)
    assert verdict(a, "HVA-042", "hv1") == ("manual", "evidence unavailable: /etc/group is absent")
    assert _items(a, "HVA-042")[("host", "hv1")][1] == GROUPS_Q
    a = _hva042(host_scan, groups=False, root=True)
    assert verdict(a, "HVA-042", "hv1") == ("fail", "1 QEMU process(es) run as root: web01")


def test_r35t6_hva042_yes_to_groups_question_passes_qemu_as_root(host_scan, tmp_path) -> None:
    """R35T-6, the false pass: /etc/group unread and web01's QEMU running as root (ps reads
    /proc, not /etc/group): main asked only the groups question and stopped, and "yes, in
    neither group" passed HVA-042 with QEMU running as root. Now the fail."""
    a = _hva042(host_scan, groups=True, root=True)
    _attest_yes(a, "HVA-042", "host", "hv1", tmp_path, question=GROUPS_Q)
    assert verdict(a, "HVA-042", "hv1") == ("fail", "1 QEMU process(es) run as root: web01")


# --- R35T-7, R35T-8: HVA-045 and HVA-042, qemu.conf unread asked before a running QEMU's fail --

QEMU_CHANGED = (
    "evidence unavailable: /etc/libvirt/qemu.conf was changed at 2024-11-27 05:10:00 UTC, "
    "after libvirtd (pid 700) started at 2024-11-27 04:00:00 UTC; the daemon reads it only "
    "when it starts, so what it runs may differ from the file"
)


def _running(host_scan, *, changed: bool, status: str = "", user: str = "") -> Assessment:
    """The hardened host with qemu.conf written after libvirtd started (`changed`, R11H-1:
    unavailable), web01's QEMU (pid 1200) with /proc status lines `status` and ps user `user`."""
    from conftest import HARDENED_HOST
    from test_redteam11_host_probes import AFTER, BEFORE, _mtimes

    over: dict[str, object] = {"libvirt-conf-mtimes": _mtimes(AFTER, BEFORE)} if changed else {}
    if status:
        over["qemu-status-1200"] = (status, 0)
    if user:
        procs = str(HARDENED_HOST["processes"][0])
        over["processes"] = (procs.replace(" 1200 libvirt+ ", f" 1200 {user:<8} "), 0)
    return host_scan(over)


def _question(a: Assessment, check: str) -> str:
    q = _items(a, check)[("host", "hv1")][1]
    assert q is not None
    return q


NO_SECCOMP = "/proc/1200/status:Seccomp:\t0\n/proc/1200/status:CapEff:\t0000000000000000\n"


def test_r35t7_harness_each_condition_alone(host_scan) -> None:
    """Held: qemu.conf changed after libvirtd started alone is its question; a QEMU without
    seccomp alone fails."""
    a = _running(host_scan, changed=True)
    assert verdict(a, "HVA-045", "hv1") == ("manual", QEMU_CHANGED)
    a = _running(host_scan, changed=False, status=NO_SECCOMP)
    assert verdict(a, "HVA-045", "hv1") == (
        "fail",
        "1 running QEMU process(es) without seccomp: web01",
    )


def test_r35t7_hva045_yes_to_qemu_conf_passes_qemu_without_seccomp(host_scan, tmp_path) -> None:
    """R35T-7, the false pass: qemu.conf unread (changed after libvirtd started) and web01's
    QEMU running with Seccomp: 0: main asked only whether QEMU runs with -sandbox on, and "yes"
    passed HVA-045 with the process /proc shows unfiltered. Now the fail."""
    first = _question(_running(host_scan, changed=True), "HVA-045")
    a = _running(host_scan, changed=True, status=NO_SECCOMP)
    _attest_yes(a, "HVA-045", "host", "hv1", tmp_path, question=first)
    assert verdict(a, "HVA-045", "hv1") == (
        "fail",
        "1 running QEMU process(es) without seccomp: web01",
    )


def test_r35t8_harness_each_condition_alone(host_scan) -> None:
    """Held: qemu.conf unread alone is HVA-042's question; QEMU running as root alone fails."""
    a = _running(host_scan, changed=True)
    assert verdict(a, "HVA-042", "hv1") == ("manual", QEMU_CHANGED)
    a = _running(host_scan, changed=False, user="root")
    assert verdict(a, "HVA-042", "hv1") == ("fail", "1 QEMU process(es) run as root: web01")


def test_r35t8_hva042_yes_to_qemu_conf_passes_qemu_as_root(host_scan, tmp_path) -> None:
    """R35T-8, the false pass: qemu.conf unread and web01's QEMU running as root (ps): main
    asked only whether QEMU runs as a non-root user, and "yes" passed HVA-042 with the process
    ps shows as root. Now the fail."""
    first = _question(_running(host_scan, changed=True), "HVA-042")
    a = _running(host_scan, changed=True, user="root")
    _attest_yes(a, "HVA-042", "host", "hv1", tmp_path, question=first)
    assert verdict(a, "HVA-042", "hv1") == ("fail", "1 QEMU process(es) run as root: web01")


# --- R35T-9: HVA-043, qemu.conf unread asked before the daemon's own "no MAC model" ----------

MAC_Q = (
    "Does libvirt on host hv1 confine QEMU with SELinux or AppArmor? Evidence: `virsh "
    "capabilities` there (its <secmodel> elements) and /etc/libvirt/qemu.conf (security_driver, "
    "security_default_confined). Pass: yes, an selinux or apparmor secmodel, security_driver "
    'not "none" and security_default_confined not 0; fail: otherwise.'
)
NO_MAC = "the daemon reports no MAC security model (only DAC)"


def _secmodel(host_scan, *, changed: bool, model: str) -> Assessment:
    """The hardened host whose daemon reports secmodel `model`, with qemu.conf written after
    libvirtd started where `changed` (R11H-1)."""
    from test_redteam11_host_probes import AFTER, BEFORE, _mtimes

    over: dict[str, object] = {"secmodel": model}
    if changed:
        over["libvirt-conf-mtimes"] = _mtimes(AFTER, BEFORE)
    return host_scan(over)


def test_r35t9_harness_each_condition_alone(host_scan) -> None:
    """Held: qemu.conf unread alone (AppArmor reported) is the question; no MAC model alone
    fails."""
    a = _secmodel(host_scan, changed=True, model="apparmor")
    assert verdict(a, "HVA-043", "hv1") == ("manual", QEMU_CHANGED)
    # R47T-2: the question asks for the qemu.conf libvirtd read at its start (was the file now)
    assert _question(a, "HVA-043") == MAC_Q.replace(" Pass: ", CHANGED_SINCE, 1)
    a = _secmodel(host_scan, changed=False, model="none")
    assert verdict(a, "HVA-043", "hv1") == ("fail", NO_MAC)


def test_r35t9_hva043_yes_to_qemu_conf_passes_no_mac_model(host_scan, tmp_path) -> None:
    """R35T-9, the false pass: the daemon reports secmodel none (capabilities, not qemu.conf)
    and qemu.conf is unread: main asked only the confinement question, and "yes" passed
    HVA-043 on a host whose daemon says it confines nothing. Now the fail."""
    a = _secmodel(host_scan, changed=True, model="none")
    _attest_yes(a, "HVA-043", "host", "hv1", tmp_path, question=MAC_Q)
    assert verdict(a, "HVA-043", "hv1") == ("fail", NO_MAC)
