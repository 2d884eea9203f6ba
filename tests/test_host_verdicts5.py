"""Host-side verdicts fixed after the fourth red team's host probes (tests/
test_redteam4_host_probes.py: H92, H96, H99): the twins and neighbouring cases, each through the
real host collector (replayed artefacts), parser and engine, asserting the exact status and
message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import HARDENED_HOST, WEB01_UUID, messages, outcomes, with_current_kernel
from hvaudit.engine import Assessment

VULNS = "/sys/devices/system/cpu/vulnerabilities/"


def verdict(a: Assessment, check_id: str, subject: str = "hv1") -> tuple[str, str]:
    return outcomes(a, check_id)[subject], messages(a, check_id)[subject]


def question(a: Assessment, check_id: str, subject: str = "hv1") -> str:
    return next(
        r.outcome.question or ""
        for r in a.results
        if r.check.id == check_id and r.outcome.subject.name == subject
    )


# --- HVA-181: a kernel that has no file for a flaw predates it (H92) --------------------------------

#: Debian 12's 6.1 kernel before the 2025 backports: everything but ITS, TSA and VMSCAPE.
KERNEL_2024 = with_current_kernel(f"{VULNS}spectre_v2:Mitigation: Enhanced / Automatic IBRS\n")
KERNEL_2024 = "".join(
    line
    for line in KERNEL_2024.splitlines(True)
    if not line.startswith(
        tuple(VULNS + n + ":" for n in ("indirect_target_selection", "tsa", "vmscape"))
    )
)


@pytest.mark.parametrize(
    ("cpuinfo", "status", "message"),
    [
        (
            HARDENED_HOST["/proc/cpuinfo"],
            "manual",
            "14 CPU vulnerabilities reported, none unmitigated, but this kernel reports nothing "
            "of indirect_target_selection, vmscape: it predates them, so it neither reports "
            "nor mitigates them on this GenuineIntel CPU",
        ),
        (
            HARDENED_HOST["/proc/cpuinfo"].replace("GenuineIntel", "AuthenticAMD"),
            "manual",
            "14 CPU vulnerabilities reported, none unmitigated, but this kernel reports nothing "
            "of tsa, vmscape: it predates them, so it neither reports "
            "nor mitigates them on this AuthenticAMD CPU",
        ),
        (  # arm64 prints no vendor_id; the x86 list is not its list
            "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd evtstrm aes pmull\n"
            "CPU implementer\t: 0x41\n",
            "pass",
            "14 CPU vulnerabilities reported, none unmitigated",
        ),
    ],
    ids=["intel", "amd", "arm64"],
)
def test_kernel_without_the_2025_flaws(host_scan, cpuinfo: str, status: str, message: str) -> None:
    a = host_scan({"cpu-vulnerabilities": (KERNEL_2024, 0), "/proc/cpuinfo": cpuinfo})
    assert verdict(a, "HVA-181") == (status, message)
    if status == "manual":
        names = message.split("nothing of ")[1].split(":")[0]
        assert question(a, "HVA-181") == (
            f"Is this host's CPU unaffected by every one of {names}? "
            "Evidence: the CPU's family, model and stepping (/proc/cpuinfo) against the vendor's "
            "advisories or the kernel's Documentation/admin-guide/hw-vuln, or "
            "/sys/devices/system/cpu/vulnerabilities after booting a kernel that reports them. "
            'Pass: yes, none affects this CPU ("Not affected"); fail: no, one does (the running '
            "kernel does not mitigate it)."
        )


def test_current_kernel_reports_every_flaw(host_scan) -> None:
    """The hardened host's kernel lists all 17: the pass it had before."""
    a = host_scan({})
    assert verdict(a, "HVA-181") == ("pass", "17 CPU vulnerabilities reported, none unmitigated")


def test_old_kernel_with_an_unmitigated_flaw_still_fails(host_scan) -> None:
    """What the kernel does report still decides first: a Vulnerable line fails."""
    lines = KERNEL_2024.replace(f"{VULNS}mds:Not affected", f"{VULNS}mds:Vulnerable")
    a = host_scan({"cpu-vulnerabilities": (lines, 0)})
    assert verdict(a, "HVA-181") == ("fail", "vulnerable: mds (Vulnerable)")


def test_old_kernel_unreadable_cpuinfo(host_scan) -> None:
    """Without /proc/cpuinfo the architecture is unknown: never a pass on a short listing."""
    a = host_scan(
        {"cpu-vulnerabilities": (KERNEL_2024, 0), "/proc/cpuinfo": PermissionError("denied")}
    )
    assert verdict(a, "HVA-181") == (
        "error",
        "evidence could not be collected: /proc/cpuinfo: denied",
    )


# --- HVA-142: doas.conf grants root as sudoers does (H96) -------------------------------------------

OPERATORS = HARDENED_HOST["/etc/group"] + "operators:x:1500:bob,carol,dave\n"
PASSWD = HARDENED_HOST["/etc/passwd"] + (
    "bob:x:1001:1001:Bob:/home/bob:/bin/bash\nbackup2:x:1050:1050::/srv/backup:/bin/sh\n"
)
FIVE = "5 administrative principal(s) (limit 3): alice, bob, carol, dave, root"
TWO = "2 administrative principal(s) (limit 3): alice, root"


@pytest.mark.parametrize(
    ("doas", "status", "message"),
    [
        ("permit persist :operators\n", "fail", FIVE),
        ("permit :1500\n", "fail", FIVE),  # "Numeric IDs are also accepted"
        # cmd narrows the commands, not the rights: root through one hypervisor tool still counts
        ("permit nopass setenv { -ENV PS1=$PS1 } :operators cmd /usr/bin/virsh\n", "fail", FIVE),
        ("# permit :operators\npermit keepenv \\\n  :operators as root\n", "fail", FIVE),
        ("permit setenv{ PATH } :operators\n", "fail", FIVE),
        # the last matching rule decides: a later deny of everything takes it back
        ("permit persist :operators\ndeny :operators\n", "pass", TWO),
        # `deny carol as root` takes back root only: the permit without `as` still lets carol
        # act as alice, an administrator (doas.c match: a rule's target is matched by uid; R35A-2)
        (
            "permit persist :operators\ndeny bob\ndeny carol as root\ndeny dave\n",
            "pass",
            "3 administrative principal(s) (limit 3): alice, carol, root",
        ),
        # a deny of one command leaves every other command
        (
            "permit :operators\ndeny bob cmd /bin/sh\ndeny carol\ndeny dave\n",
            "pass",
            "3 administrative principal(s) (limit 3): alice, bob, root",
        ),
        # as an unprivileged account: no administrator; as an administrator: one
        ("permit nopass bob as backup2\n", "pass", TWO),
        (
            "permit nopass bob as alice\n",
            "pass",
            "3 administrative principal(s) (limit 3): alice, bob, root",
        ),
        ("", "pass", TWO),
    ],
    ids=[
        "group",
        "gid",
        "cmd",
        "continued",
        "setenv-brace",
        "deny-group",
        "deny-each",
        "deny-one-cmd",
        "as-unprivileged",
        "as-admin",
        "empty",
    ],
)
def test_doas_conf_rules(host_scan, doas: str, status: str, message: str) -> None:
    a = host_scan({"/etc/group": OPERATORS, "/etc/passwd": PASSWD, "/etc/doas.conf": doas})
    assert verdict(a, "HVA-142") == (status, message)


def test_no_doas_conf(host_scan) -> None:
    """No /etc/doas.conf: doas permits nothing (and the hardened host's count stands)."""
    a = host_scan({"/etc/group": OPERATORS, "/etc/passwd": PASSWD})
    assert verdict(a, "HVA-142") == ("pass", TWO)


def test_doas_conf_unreadable(host_scan) -> None:
    a = host_scan({"/etc/doas.conf": PermissionError("Permission denied")})
    assert verdict(a, "HVA-142") == (
        "error",
        "evidence could not be collected: /etc/doas.conf: Permission denied",
    )


def test_doas_conf_without_identity(host_scan) -> None:
    a = host_scan({"/etc/doas.conf": "permit nopass as root\n"})
    assert verdict(a, "HVA-142") == (
        "manual",
        "evidence unavailable: /etc/doas.conf could not be read as doas.conf(5) (line 1: no "
        "identity): who doas lets run commands as root is unknown",
    )


def test_doas_conf_unparsable(host_scan) -> None:
    """An unclosed quote: the rules are not read, so the count is not known (never a pass)."""
    a = host_scan({"/etc/doas.conf": 'permit "bob\n'})
    assert verdict(a, "HVA-142") == (
        "manual",
        "evidence unavailable: /etc/doas.conf could not be read as doas.conf(5) (line 1: No "
        "closing quotation): who doas lets run commands as root is unknown",
    )


# --- HVA-043: every running QEMU, not only libvirt's system VMs (H99) --------------------------------

SCRATCH = (
    " 1300 alice    /usr/bin/qemu-system-x86_64 -name guest=scratch,debug-threads=on "
    "-m 4096 -vnc 0.0.0.0:1 -drive file=/home/alice/scratch.qcow2\n"
)
SCRATCH_STATUS = "/proc/1300/status:Seccomp:\t0\n/proc/1300/status:CapEff:\t0000000000000000\n"


def _scratch(label: str | None, **more: Any) -> dict[str, Any]:
    over: dict[str, Any] = {
        "processes": (HARDENED_HOST["processes"][0] + SCRATCH, 0),
        "qemu-status-1300": (SCRATCH_STATUS, 0),
        "qemu-label-1300": None if label is None else (f"/proc/1300/attr/current:{label}\n", 2),
    }
    return dict(over, **more)


PASS_043 = "libvirt confines QEMU with AppArmor, 1 libvirt-<uuid> profile(s) enforcing"


@pytest.mark.parametrize(
    ("label", "status", "message"),
    [
        (
            "unconfined",
            "fail",
            "QEMU process(es) not confined: scratch (pid 1300, user alice, unconfined)",
        ),
        (
            "/usr/bin/qemu-system-x86_64 (complain)",
            "fail",
            "QEMU process(es) not confined: scratch (pid 1300, user alice, "
            "/usr/bin/qemu-system-x86_64 (complain))",
        ),
        (
            None,
            "manual",
            "QEMU process(es) that are none of libvirt's running VMs, their confinement not "
            "read: scratch (pid 1300, user alice)",
        ),
        (
            "/usr/local/bin/qemu-scratch (enforce)",
            "manual",
            "QEMU process(es) under a label libvirt does not give: scratch (pid 1300, user "
            "alice, /usr/local/bin/qemu-scratch (enforce))",
        ),
        # a libvirt-<uuid> profile in enforce mode confines it whoever started it
        ("libvirt-9a4b1c52-0d6e-4f1a-8b2c-3d4e5f607182 (enforce)", "pass", PASS_043),
        ("libvirt-9a4b1c52-0d6e-4f1a-8b2c-3d4e5f607182 (kill)", "pass", PASS_043),
    ],
    ids=["unconfined", "complain", "unread", "other-profile", "libvirt-profile", "kill"],
)
def test_qemu_outside_libvirt_on_apparmor(
    host_scan, label: str | None, status: str, message: str
) -> None:
    a = host_scan(_scratch(label))
    assert verdict(a, "HVA-043") == (status, message)
    if status == "manual":
        assert question(a, "HVA-043") == (
            "Is every QEMU process on host hv1 confined by an AppArmor profile in enforce (or "
            "kill) mode? Evidence: `cat /proc/<pid>/attr/current` on hv1 for pid 1300 (or `ps "
            "-eZ`). Pass: each prints an AppArmor profile in enforce (or kill) mode; fail: one "
            "prints unconfined, a complain-mode profile or an unconfined type."
        )


def test_libvirt_vm_whose_qemu_runs_unconfined(host_scan) -> None:
    """web01's profile is loaded and enforcing, but its QEMU runs unconfined (started before the
    profile was loaded, or moved out of it): the process decides, not the profile list."""
    a = host_scan({"qemu-label-1200": ("/proc/1200/attr/current:unconfined\n", 2)})
    assert verdict(a, "HVA-043") == (
        "fail",
        "QEMU process(es) not confined: web01 (pid 1200, user libvirt+, unconfined)",
    )


def test_apparmor_own_file_wins_over_attr_current(host_scan) -> None:
    """With LSM stacking attr/current may be another module's; attr/apparmor/current is
    AppArmor's own (aa-unconfined reads only it where it exists)."""
    a = host_scan(
        {
            "qemu-label-1200": (
                f"/proc/1200/attr/current:libvirt-{'0' * 8}-0000-4000-8000-{'0' * 12} (enforce)\n"
                "/proc/1200/attr/apparmor/current:unconfined\n",
                0,
            )
        }
    )
    assert verdict(a, "HVA-043") == (
        "fail",
        "QEMU process(es) not confined: web01 (pid 1200, user libvirt+, unconfined)",
    )


@pytest.mark.parametrize("label", [None, "libvirt-LABEL (enforce)"])
def test_libvirt_vm_process_passes(host_scan, label: str | None) -> None:
    """web01's own QEMU: its label unread falls back to its loaded libvirt-<uuid> profile."""
    value = (
        None
        if label is None
        else (f"/proc/1200/attr/current:{label.replace('LABEL', WEB01_UUID)}\n", 0)
    )
    a = host_scan({"qemu-label-1200": value})
    assert verdict(a, "HVA-043") == ("pass", PASS_043)


SELINUX = {
    "secmodel": "selinux",
    "/sys/fs/selinux/enforce": "1\n",
    "selinux-permissive": ("", 0),
    "/etc/selinux/config": "SELINUX=enforcing\nSELINUXTYPE=targeted\n",
}
SELINUX_PASS = (
    "libvirt confines QEMU with SELinux, enforcing; no VM domain type permissive "
    "(svirt_t, svirt_tcg_t)"
)


@pytest.mark.parametrize(
    ("label", "status", "message"),
    [
        (
            "unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023\0",
            "fail",
            "QEMU process(es) not confined: scratch (pid 1300, user alice, "
            "unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023)",
        ),
        (
            "unconfined_u:unconfined_r:user_t:s0\0",
            "manual",
            "QEMU process(es) under a label libvirt does not give: scratch (pid 1300, user "
            "alice, unconfined_u:unconfined_r:user_t:s0)",
        ),
        ("system_u:system_r:svirt_tcg_t:s0:c1,c2\0", "pass", SELINUX_PASS),
    ],
    ids=["unconfined_t", "user_t", "svirt_tcg_t"],
)
def test_qemu_outside_libvirt_on_selinux(host_scan, label: str, status: str, message: str) -> None:
    a = host_scan(_scratch(label, **SELINUX))
    assert verdict(a, "HVA-043") == (status, message)


# --- HVA-311 (Proxmox VE): what a separated token can do, not its flag (H93) -------------------------

TERRAFORM_ACL = "acl:1:/pool/web:alice@corp!terraform:PVEVMAdmin:"
TOKENS_PASS = (
    "2 API token(s): none with a privileged user's full rights (privsep 0, or administration on "
    "/ or below it for both token and user)"
)


def _pve_users(tmp_path: Path, old: str, new: str) -> Assessment:
    import shutil

    from test_redteam3_host_probes import PVE_PROCS, PVE_TREE, pve_scan

    tree = Path(shutil.copytree(PVE_TREE, tmp_path / "tree"))
    users = tree / "etc/pve/user.cfg"
    text = users.read_text()
    assert old in text
    users.write_text(text.replace(old, new))
    return pve_scan(tmp_path, {"processes": (PVE_PROCS + "  950 root     pve-firewall\n", 0)}, tree)


@pytest.mark.parametrize(
    ("old", "new", "status", "message"),
    [
        (  # alice holds Administrator on / through group admins
            TERRAFORM_ACL,
            "acl:1:/:alice@corp!terraform:Administrator:",
            "fail",
            "tokens with their user's full rights: alice@corp!terraform (privsep 1, but its own "
            "ACL grants Administrator on / and its user holds Administrator there: the "
            "intersection administers the cluster)",
        ),
        (  # a custom role holding Permissions.Modify administers too
            TERRAFORM_ACL,
            "role:Grantor:Permissions.Modify,VM.Audit:\nacl:1:/:alice@corp!terraform:Grantor:",
            "fail",
            "tokens with their user's full rights: alice@corp!terraform (privsep 1, but its own "
            "ACL grants Grantor on / and its user holds Administrator there: the intersection "
            "administers the cluster)",
        ),
        # on / but not propagated: / itself, where Permissions.Modify lets the token grant
        # itself Administrator propagated (API2/ACL.pm update_acl; P14-4, was pass)
        (
            TERRAFORM_ACL,
            "acl:0:/:alice@corp!terraform:Administrator:",
            "fail",
            "tokens with their user's full rights: alice@corp!terraform (privsep 1, but its own "
            "ACL grants Administrator on / and its user holds Administrator there, propagated or "
            "not: the intersection holds Permissions.Modify on /, with which the token grants "
            "itself any role, Administrator propagated included)",
        ),
        # PVEAdmin on / itself only: no Permissions.Modify, none of the nodes, VMs or storage
        (TERRAFORM_ACL, "acl:0:/:alice@corp!terraform:PVEAdmin:", "pass", TOKENS_PASS),
        # Administrator on /vms: its Permissions.Modify there grants any role on every VM, to
        # the token too (API2/ACL.pm update_acl; L19-30P, tests/test_pve_leads19c.py, was pass)
        (
            TERRAFORM_ACL,
            "acl:1:/vms:alice@corp!terraform:Administrator:",
            "fail",
            "tokens with their user's full rights: alice@corp!terraform (privsep 1, but its own "
            "ACLs and its user's both give Permissions.Modify on /vms: Permissions.Modify grants "
            "any role there, to the token too)",
        ),
        # a VM role on /: it operates every VM, it does not administer the cluster
        (TERRAFORM_ACL, "acl:1:/:alice@corp!terraform:PVEVMAdmin:", "pass", TOKENS_PASS),
        (TERRAFORM_ACL, TERRAFORM_ACL, "pass", TOKENS_PASS),
    ],
    ids=[
        "administrator",
        "custom-admin-role",
        "no-propagate",
        "no-propagate-pveadmin",
        "below-root",
        "vm-role",
        "as-is",
    ],
)
def test_separated_token_rights(
    tmp_path: Path, old: str, new: str, status: str, message: str
) -> None:
    a = _pve_users(tmp_path, old, new)
    assert verdict(a, "HVA-311", "pve-h1") == (status, message)


def test_separated_token_of_a_user_without_admin_on_root(tmp_path: Path) -> None:
    """The token holds Administrator on /, but its user only operates the web pool: the
    intersection is the user's (pveum.adoc), so the token administers nothing more."""
    a = _pve_users(
        tmp_path,
        "token:alice@corp!terraform:0:1:infrastructure as code:",
        "token:alice@corp!terraform:0:1:infrastructure as code:\n"
        "token:bob@corp!ci:0:1:ci:\nacl:1:/:bob@corp!ci:Administrator:",
    )
    assert verdict(a, "HVA-311", "pve-h1") == (
        "pass",
        TOKENS_PASS.replace("2 API token(s)", "3 API token(s)"),
    )


# --- HVA-301 / HVA-313 (Proxmox VE): -i of the uplink restricts nothing (H108, -i case) ---------------

GATEWAY_IF = "(-i vmbr1: the default gateway's interface)"
ONLY_IF = "(-i eno3: the only interface with the node's addresses)"


@pytest.mark.parametrize(
    ("rule", "hva301", "hva313"),
    [
        (  # vmbr1 carries `gateway 10.0.0.1` in /etc/network/interfaces
            "IN ACCEPT -i vmbr1",
            "fail: cluster firewall on, input policy DROP, but cluster.fw line 19 `IN ACCEPT -i "
            f"vmbr1` accepts every inbound packet {GATEWAY_IF} before the policy",
            "fail: cluster.fw line 19 `IN ACCEPT -i vmbr1` accepts every inbound packet "
            f"{GATEWAY_IF}, management ports included",
        ),
        (  # the node's only addressed interface at run time (ip -j addr: eno3 10.0.0.10)
            "IN ACCEPT -i eno3",
            "fail: cluster firewall on, input policy DROP, but cluster.fw line 19 `IN ACCEPT -i "
            f"eno3` accepts every inbound packet {ONLY_IF} before the policy",
            "fail: cluster.fw line 19 `IN ACCEPT -i eno3` accepts every inbound packet "
            f"{ONLY_IF}, management ports included",
        ),
        (  # the VM bridge: no address, no gateway; but every port from any source arriving
            # there, the management ports included (P24-2, tests/test_redteam24_pve_probes.py)
            "IN ACCEPT -i vmbr0",
            "pass: cluster firewall on, input policy DROP",
            "fail: cluster.fw:19 accepts management ports from any source (`IN ACCEPT -i "
            "vmbr0`: every TCP port, management ports included)",
        ),
        (  # a source narrows it again
            "IN ACCEPT -i vmbr1 -source 10.0.0.0/24",
            "pass: cluster firewall on, input policy DROP",
            "pass: IP set `management`: admin-lan, vpn-pool, !10.0.8.13; no rule opens "
            "management ports wider",
        ),
    ],
    ids=["gateway-bridge", "only-addressed", "vm-bridge", "with-source"],
)
def test_cluster_rule_by_interface(tmp_path: Path, rule: str, hva301: str, hva313: str) -> None:
    from test_redteam4_host_probes import _cluster_rule_scan

    a = _cluster_rule_scan(tmp_path, rule)
    for check_id, want in (("HVA-301", hva301), ("HVA-313", hva313)):
        status, message = verdict(a, check_id, "pve-h1")
        assert f"{status}: {message}" == want


def test_doas_setenv_values_stay_off_the_bundle(host_scan) -> None:
    """setenv may set a password for the command it permits: the bundle keeps the rule, never
    the value, and the rule still counts."""
    from hvaudit.redact import redact_artefact

    doas = 'permit nopass setenv { PGPASSWORD="s3cr3t pw" -HOME } :operators cmd /usr/bin/psql\n'
    assert redact_artefact("host/files/etc/doas.conf", doas.encode()) == (
        b"permit nopass setenv { PGPASSWORD=***REDACTED*** -HOME } :operators cmd /usr/bin/psql\n"
    )
    a = host_scan({"/etc/group": OPERATORS, "/etc/passwd": PASSWD, "/etc/doas.conf": doas})
    assert verdict(a, "HVA-142") == ("fail", FIVE)


def test_qemu_tool_is_no_guest(host_scan) -> None:
    """qemu-img converting an image (run by hand, unconfined) emulates no guest: HVA-043 keeps
    its pass."""
    procs = HARDENED_HOST["processes"][0] + (
        " 1400 root     /usr/bin/qemu-img convert -O qcow2 /srv/a.raw /srv/a.qcow2\n"
    )
    a = host_scan(
        {
            "processes": (procs, 0),
            "qemu-label-1400": ("/proc/1400/attr/current:unconfined\n", 2),
        }
    )
    assert verdict(a, "HVA-043") == ("pass", PASS_043)


def test_rhel_qemu_kvm_is_an_emulator(host_scan) -> None:
    procs = HARDENED_HOST["processes"][0] + (
        " 1500 alice    /usr/libexec/qemu-kvm -name guest=lab,debug-threads=on -m 2048\n"
    )
    a = host_scan(
        {"processes": (procs, 0), "qemu-label-1500": ("/proc/1500/attr/current:unconfined\n", 2)}
    )
    assert verdict(a, "HVA-043") == (
        "fail",
        "QEMU process(es) not confined: lab (pid 1500, user alice, unconfined)",
    )
