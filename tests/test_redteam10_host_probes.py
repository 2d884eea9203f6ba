"""Tenth red-team review, host side (rt10host): new probes of the least-probed host checks.

Same harness as tests/test_redteam9_host_probes.py: libvirt's test driver serves one plain VM,
and host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where
a probe says so), so every artefact goes through the real collector, parser and engine. Each
probe asserts the verdict its cited source proves right, with its exact message. Where hvaudit
is wrong and not fixed the probe is `xfail(strict=True, reason="R10H-<n>: ...")`. None repeats a
probe of the first nine red teams (tests/test_redteam*_probes.py, test_host_verdicts2..5.py,
test_network_leads.py).

Kinds probed: a state the kernel keeps after the switch hvaudit reads is turned off (KSM's
merged pages after run = 0: HVA-061, R10H-1); configuration a daemon or tool applies later that
the running state does not show yet (modprobe.d options of a module not loaded: HVA-050,
R10H-2); a name service nsswitch.conf lists that hvaudit read as local files (NIS: HVA-140,
HVA-141, R10H-3); a value libvirt documents as a placeholder in some cases (nodeinfo's cores,
the CPU count on an "unusual" topology: HVA-080, HVA-081, R10H-4); a filter whose input
metadata may be missing altogether (dnf's --security over repositories without advisories:
HVA-180, R10H-5; apt without a security archive: HVA-180, R10H-6); a daemon that runs while
the state it should keep does not hold (a time daemon with the kernel's clock unsynchronised:
HVA-202, R10H-7); a second file of the same daemon that decides what the first one's number
means (the SASL mechanism behind tcp_min_ssf: HVA-035, R10H-8); a host that is itself a guest
(the CPU's hypervisor flag: HVA-010, HVA-011, R10H-9); a stronger setting than the one the check
asks for (kernel.modules_disabled: HVA-040, R10H-10, a wrong fail).

Findings:
- R10H-1 (false pass) HVA-061 passed "KSM is off" with /sys/kernel/mm/ksm/run = 0 while
  pages_shared was 48213: run = 0 stops ksmd "but keep[s] merged pages" (ksm.rst), so the
  guests' merged pages stay shared. pages_shared is now collected; above 0 it is judged as
  merging (a fail where a VM does not opt out), unread a question. Fixed.
- R10H-2 (false pass) HVA-050 passed a VM with a GPU passed through while
  /etc/modprobe.d/iommu_unsafe_interrupts.conf said `options vfio_iommu_type1
  allow_unsafe_interrupts=1` and the module was not loaded (no VM using VFIO running): the VM's
  next start loads it with interrupt remapping off. Only sysfs and the kernel command line were
  read. modprobe.d is now collected (`grep -r -H --include=*.conf`) and read as kmod reads it
  (same-name precedence, sorted, - and _ alike, a bare bool name sets it, the command line
  last); unreadable with the module not loaded, a question. Fixed.
- R10H-3 (false pass) HVA-141 passed "root is the only uid-0 account" and HVA-140 passed on
  the local count where nsswitch.conf said `passwd: files nis` (or `compat` with a `+` entry in
  /etc/passwd): the NIS passwd map's accounts, uid 0 ones included, resolve and log in. NIS is
  now read as a directory like LDAP: the questions; HVA-150 fails it naming NIS. Fixed.
- R10H-4 (false pass) HVA-080 and HVA-081 took libvirt nodeinfo's cores as physical cores;
  on a topology libvirt cannot express (a hybrid CPU: 8 two-thread and 8 one-thread cores, 24
  CPUs) it reports nodes 1, sockets 1, threads 1 and cores = 24 CPUs, so a 20-vCPU VM passed
  on a 16-core host. That shape is now checked against /proc/cpuinfo's (physical id, core id)
  pairs: 16 cores, both fail. Fixed.
- R10H-5 (false pass) HVA-180 passed "no pending security update" on a CentOS Stream 9 host:
  `dnf updateinfo list --security --available` is empty there whatever is pending, because
  the repositories publish no advisories (updateinfo). `dnf updateinfo list --all` is now
  collected; empty (or, not collected, os-release ID centos) makes it a question. Fixed.
- R10H-6 (false pass) HVA-180 passed a Debian host whose package sources named no security
  archive (bookworm and bookworm-updates only): the simulation can never show a security
  update there. `apt-cache policy` is now collected; no release whose archive, codename or
  label names security makes it a question. Fixed.
- R10H-7 (false pass) HVA-202 passed "chronyd running" on the process list alone while the
  kernel reported the clock unsynchronised (no source reachable: adjtimex()'s maximum error at
  16 s). `timedatectl show -p NTPSynchronized --value` is now collected; "no" fails the
  running daemon, unread keeps the daemon's verdict. Fixed.
- R10H-8 (false pass) HVA-035 passed "SASL on TCP demands SSF >= 112" with
  /etc/sasl2/libvirt.conf `mech_list: digest-md5`, whose RC4/3DES security layer reaches that
  SSF and which libvirt's own libvirtd.sasl says "should no longer be used" (RFC 6331). The
  file is now collected: digest-md5 fails, no file or no mech_list is a question. Fixed.
- R10H-9 (false pass) HVA-010 passed "kvm_intel drives /dev/kvm, CPU flag vmx present" and
  HVA-011 "EPT/NPT enabled in the KVM module" on a host whose /proc/cpuinfo has the
  `hypervisor` flag (a cloud VM with nested virtualization): its vmx is the outer hypervisor's
  nested-VMX emulation, the software HVA-049 counts against HY-SR-2, and its EPT runs on that
  hypervisor's shadow page tables. Now a fail each. Fixed.
- R10H-10 (wrong fail on a hardened host) HVA-040 failed "unsigned kernel modules can be
  loaded" with kernel.modules_disabled = 1, under which no module, signed or not, can be loaded
  until the next boot (proc(5)). The toggle is now collected; 1 passes. Fixed.

Probes that found nothing: a qemu.conf key set twice (libvirt keeps the first value, as
hvaudit does: HVA-032), and modprobe.d's continued and commented lines (R10H-2's reader). Of
the 24 probes in this file, 17 failed on the code before their fix (the findings' own and the
questions they now ask where the evidence is missing), 5 are twins whose verdict was right
already and stays, and 2 found nothing.
"""

from __future__ import annotations

from conftest import HARDENED_HOST, domain_xml, messages, outcomes
from hvaudit.collect.host import command_artefact
from test_leads10 import older_bundle_scan  # noqa: F401  (fixture)

# --- HVA-061: KSM stopped with its merged pages kept (R10H-1) -----------------------------------


def test_ksm_stopped_with_merged_pages_kept(host_scan) -> None:
    """R10H-1. Linux Documentation/admin-guide/mm/ksm.rst (read with `find_string`), run: "set
    to 0 to stop ksmd from running but keep merged pages", "set to 2 to stop ksmd and unmerge
    all pages currently merged"; sysfs-kernel-mm-ksm: "pages_shared: how many shared pages are
    being used". A host where an administrator followed the check's own old remediation (`echo
    0 > /sys/kernel/mm/ksm/run`) after KSM ran keeps every merged guest page shared until a
    guest writes it: the over-commit and the cross-VM side channel the check is about. hvaudit
    read run only and passed "KSM is off". Right: judged as merging, a fail for web01 (no
    <nosharepages/>)."""
    a = host_scan({"/sys/kernel/mm/ksm/pages_shared": "48213\n"})
    assert outcomes(a, "HVA-061") == {"hv1": "fail"}, messages(a, "HVA-061")
    assert messages(a, "HVA-061")["hv1"] == (
        "KSM is stopped (run = 0), but the 48213 page(s) it merged stay shared (pages_shared; "
        "run = 2 unmerges them); 1 of 1 running or autostart VM(s) without <nosharepages/>: web01"
    )


def test_ksm_stopped_with_merged_pages_unread_is_asked(host_scan) -> None:
    """Twin of R10H-1: run = 0 and pages_shared not read (a bundle of an older collector):
    whether merged pages remain is not known, so not a pass."""
    a = host_scan({"/sys/kernel/mm/ksm/pages_shared": OSError("Permission denied")})
    assert outcomes(a, "HVA-061") == {"hv1": "error"}, messages(a, "HVA-061")
    a = host_scan({"/sys/kernel/mm/ksm/pages_shared": None})
    assert outcomes(a, "HVA-061") == {"hv1": "manual"}, messages(a, "HVA-061")
    assert messages(a, "HVA-061")["hv1"] == (
        "evidence unavailable: /sys/kernel/mm/ksm/pages_shared could not be read (no such file)"
    )


def test_ksm_off_and_unmerged_passes(host_scan) -> None:
    """Twins of R10H-1: run = 0 with pages_shared 0, and run = 2 (ksmd stopped and every page
    unmerged: mm/ksm.c run_store sets 2 only after unmerge_and_remove_all_rmap_items succeeded),
    and no KSM in the kernel at all (no run file): pass."""
    for overrides in (
        {},
        {"/sys/kernel/mm/ksm/run": "2\n", "/sys/kernel/mm/ksm/pages_shared": None},
        {"/sys/kernel/mm/ksm/run": None, "/sys/kernel/mm/ksm/pages_shared": None},
    ):
        a = host_scan(overrides)
        assert outcomes(a, "HVA-061") == {"hv1": "pass"}, (overrides, messages(a, "HVA-061"))
        assert messages(a, "HVA-061")["hv1"] == "KSM is off"


# --- HVA-050: vfio_iommu_type1 options in modprobe.d (R10H-2) -----------------------------------

PCI_GPU = (
    "<devices><hostdev mode='subsystem' type='pci' managed='yes'><source>"
    "<address domain='0x0000' bus='0x65' slot='0x00' function='0x0'/></source></hostdev></devices>"
)
NO_DIRS = (
    "grep: /run/modprobe.d: No such file or directory\n"
    "grep: /usr/local/lib/modprobe.d: No such file or directory\n"
)


def _modprobe(*lines: str) -> dict[str, object]:
    """The modprobe.d listing (`grep -r -H --include=*.conf "" DIRS`) with `lines` added."""
    return {"modprobe-d": ("".join(f"{line}\n" for line in lines), 2, NO_DIRS)}


def test_unsafe_interrupts_from_modprobe_d(host_scan) -> None:
    """R10H-2. drivers/vfio/vfio_iommu_type1.c: allow_unsafe_interrupts "Enable VFIO IOMMU
    support for on platforms without interrupt remapping support"; modprobe.d(5): "options
    modulename option..." adds the options "every time it is inserted into the kernel". The GPU
    0000:65:00.0 is bound to vfio-pci (pci-drivers) but no VM holds a VFIO container now, so
    vfio_iommu_type1 is not loaded (no /sys/module/vfio_iommu_type1/parameters): the next start
    of VM gpu loads it with /etc/modprobe.d/iommu_unsafe_interrupts.conf's option, the file the
    common Proxmox VE GPU passthrough write-ups have administrators write for hosts without
    interrupt remapping (read with `find_string`). hvaudit read the kernel command line only and judged the IOMMU groups (a
    pass). Right: fail, as for the command line's word."""
    a = host_scan(
        _modprobe(
            "/etc/modprobe.d/iommu_unsafe_interrupts.conf:"
            "options vfio_iommu_type1 allow_unsafe_interrupts=1"
        ),
        domains=[domain_xml("gpu", body=PCI_GPU)],
    )
    assert outcomes(a, "HVA-050") == {"gpu": "fail"}, messages(a, "HVA-050")
    assert messages(a, "HVA-050")["gpu"] == (
        "passthrough of pci 0000:65:00.0 with options vfio_iommu_type1 "
        "allow_unsafe_interrupts=1 (/etc/modprobe.d/iommu_unsafe_interrupts.conf, applied when "
        "a VM loads the module): the device's interrupts (MSIs) are not remapped, so it can "
        "inject interrupts into the host"
    )


def test_unsafe_interrupts_bare_option_with_dashes(host_scan) -> None:
    """R10H-2, second spelling. modprobe.d(5): module names "can have - or _ in them: both are
    interchangeable"; kernel/params.c param_set_bool: "No equals means "set"" (`if (!val) val
    = "1"`), so a bare `allow_unsafe_interrupts` turns it on. Right: fail."""
    a = host_scan(
        _modprobe("/usr/lib/modprobe.d/vfio.conf:options vfio-iommu-type1 allow_unsafe_interrupts"),
        domains=[domain_xml("gpu", body=PCI_GPU)],
    )
    assert outcomes(a, "HVA-050") == {"gpu": "fail"}, messages(a, "HVA-050")
    assert messages(a, "HVA-050")["gpu"] == (
        "passthrough of pci 0000:65:00.0 with options vfio_iommu_type1 allow_unsafe_interrupts "
        "(/usr/lib/modprobe.d/vfio.conf, applied when a VM loads the module): the device's "
        "interrupts (MSIs) are not remapped, so it can inject interrupts into the host"
    )


def test_unsafe_interrupts_overridden_or_unread(host_scan) -> None:
    """Twins of R10H-2. modprobe.d(5), "CONFIGURATION DIRECTORIES AND PRECEDENCE": "Once a file
    of a given filename is loaded, any file of the same name in subsequent directories will be
    ignored": /etc/modprobe.d/vfio.conf hides /lib/modprobe.d/vfio.conf. The kernel command
    line's word comes after modprobe.d's options (libkmod-config.c kmod_config_new parses
    /proc/cmdline after the files) and the last value of a parameter wins (parse_args): `=0`
    there keeps it off. Both: the IOMMU groups decide (a pass). modprobe.d unreadable with the
    module not loaded: not a pass, the one question of interrupt remapping."""
    gpu = [domain_xml("gpu", body=PCI_GPU)]
    hidden = _modprobe(
        "/etc/modprobe.d/vfio.conf:options vfio_iommu_type1 allow_unsafe_interrupts=0",
        "/lib/modprobe.d/vfio.conf:options vfio_iommu_type1 allow_unsafe_interrupts=1",
    )
    last = _modprobe("/etc/modprobe.d/a.conf:options vfio_iommu_type1 allow_unsafe_interrupts=1")
    last["/proc/cmdline"] = HARDENED_HOST["/proc/cmdline"].replace(
        "quiet", "quiet vfio_iommu_type1.allow_unsafe_interrupts=0"
    )
    for overrides in (hidden, last, {}):
        a = host_scan(overrides, domains=gpu)
        assert outcomes(a, "HVA-050") == {"gpu": "pass"}, (overrides, messages(a, "HVA-050"))
    a = host_scan(
        {"modprobe-d": ("", 2, "grep: /etc/modprobe.d/vfio.conf: Permission denied\n")},
        domains=gpu,
    )
    assert outcomes(a, "HVA-050") == {"gpu": "manual"}, messages(a, "HVA-050")
    assert messages(a, "HVA-050")["gpu"].endswith(
        "; but vfio_iommu_type1 is not loaded and modprobe.d could not be read (grep: "
        "/etc/modprobe.d/vfio.conf: Permission denied): the allow_unsafe_interrupts it will "
        "load with is not known"
    ), messages(a, "HVA-050")


# --- HVA-140/141/150: accounts from NIS (R10H-3) -------------------------------------------------

NIS_NSSWITCH = "passwd:         files nis\ngroup:          files nis\nhosts: files dns\n"
COMPAT_NSSWITCH = "passwd:         compat\ngroup:          compat\nhosts: files dns\n"
NIS_PROCS = (
    str(HARDENED_HOST["processes"][0]).replace(
        "  510 root     /usr/sbin/sssd",
        "  505 root     /usr/sbin/ypbind\n  510 root     /usr/sbin/sssd",
    ),
    0,
)


def test_nis_accounts_uid0_are_asked(host_scan) -> None:
    """R10H-3. nsswitch.conf(5) (Linux man-pages, read with `search`): a passwd source may be
    "nis" (glibc's libnss_nis, the NIS passwd map ypbind binds to), besides files. Every account
    of the NIS map then resolves on the host, with its own uid: a uid-0 entry there is a second
    root /etc/passwd does not show. hvaudit asked this for ldap and winbind (R7H-5) but read
    `files nis` as local files only and passed "root is the only uid-0 account". Right: the
    question, as for LDAP."""
    a = host_scan({"/etc/nsswitch.conf": NIS_NSSWITCH, "processes": NIS_PROCS})
    assert outcomes(a, "HVA-141") == {"hv1": "manual"}, messages(a, "HVA-141")
    assert messages(a, "HVA-141")["hv1"] == (
        "root is the only uid-0 account in /etc/passwd; nsswitch passwd also resolves accounts "
        "through nis, whose uid 0 accounts were not read"
    )


def test_nis_accounts_logins_are_asked(host_scan) -> None:
    """R10H-3, HVA-140: the NIS map's accounts log in too (pam_unix checks their NIS password
    hash; sshd takes any account getpwnam resolves). hvaudit counted /etc/passwd's one login
    account (alice) and passed. Right: the question of the directory's logins."""
    a = host_scan({"/etc/nsswitch.conf": NIS_NSSWITCH, "processes": NIS_PROCS})
    assert outcomes(a, "HVA-140") == {"hv1": "manual"}, messages(a, "HVA-140")
    assert messages(a, "HVA-140")["hv1"] == (
        "2 account(s) with a login shell (limit 3): root, alice; nsswitch passwd also resolves "
        "accounts through nis, whose login restrictions were not read"
    )
    # HVA-150 failed it before as "local accounts only"; NIS is a directory without the robust
    # authentication (Kerberos) the 2014 HY-SR-15 names: still a fail, saying why
    assert outcomes(a, "HVA-150") == {"hv1": "fail"}, messages(a, "HVA-150")
    assert messages(a, "HVA-150")["hv1"] == (
        "accounts resolved through nis: NIS serves its password hashes to any client and gives "
        "no robust authentication"
    )


def test_compat_plus_entry_is_nis(host_scan) -> None:
    """R10H-3, second spelling. nsswitch.conf(5), "Compatibility mode (compat)": with `passwd:
    compat`, "+" in /etc/passwd includes every entry of the NIS passwd map ("+user" one,
    "+@netgroup" a netgroup's). hvaudit skipped `+` lines and read compat as local files.
    Right: the same question; compat without a `+` line stays local (pass)."""
    plus = str(HARDENED_HOST["/etc/passwd"]) + "+::::::\n"
    a = host_scan(
        {"/etc/nsswitch.conf": COMPAT_NSSWITCH, "/etc/passwd": plus, "processes": NIS_PROCS}
    )
    assert outcomes(a, "HVA-141") == {"hv1": "manual"}, messages(a, "HVA-141")
    a = host_scan({"/etc/nsswitch.conf": COMPAT_NSSWITCH, "processes": NIS_PROCS})
    assert outcomes(a, "HVA-141") == {"hv1": "pass"}, messages(a, "HVA-141")


# --- HVA-080/081: libvirt's fallback topology counts logical CPUs as cores (R10H-4) ----------------


def _hybrid_cpuinfo() -> str:
    """/proc/cpuinfo of a hybrid Intel CPU, 8 performance cores with two threads each and 8
    efficiency cores with one (24 processors, 16 physical cores), as x86 Linux prints it
    (arch/x86/kernel/cpu/proc.c show_cpuinfo: "physical id", "core id" per processor)."""
    cores = [*(c for c in range(8) for _ in range(2)), *range(16, 24)]
    flags = str(HARDENED_HOST["/proc/cpuinfo"]).split("\n", 1)[1]
    return "".join(
        f"processor\t: {n}\nvendor_id\t: GenuineIntel\nphysical id\t: 0\ncore id\t\t: {c}\n"
        + flags
        + "\n"
        for n, c in enumerate(cores)
    )


def test_fallback_topology_logical_cpus_are_not_cores(host_scan, tmp_path) -> None:
    """R10H-4. libvirt src/util/virhostcpu.c virHostCPUGetInfoPopulateLinux (read with
    `find_string`): where nodes x sockets x cores x threads is not the CPU count ("the AMD
    Bulldozer architecture ... exposes their Clustered integer core modules as both threads and
    cores"; a hybrid CPU whose efficiency cores have one thread and performance cores two), "we're
    going to lie about the detected topology": nodes 1, sockets 1, cores = every CPU, threads 1;
    libvirt-host.h virNodeInfo: cores is the "total number of processors in case of unusual NUMA
    topology". hvaudit took nodeinfo's cores as physical cores: 24 on this 16-core host, so VM big
    (20 vCPUs) passed HVA-080 "20 vCPU(s) on a host with 24 physical core(s)" and HVA-081 passed
    ratio 0.83. /proc/cpuinfo (collected) names each processor's core. Right: 16 cores, HVA-080
    fails and HVA-081 fails at 1.25."""
    from conftest import build_bundle, run_assessment, write_node

    host = dict(HARDENED_HOST, **{"/proc/cpuinfo": _hybrid_cpuinfo()})
    big = domain_xml("web01", vcpus=20)
    uri = write_node(tmp_path / "node.xml", [big], sockets=1, cores=24, threads=1)
    a = run_assessment(build_bundle(tmp_path, uri, host))
    assert outcomes(a, "HVA-080") == {"web01": "fail"}, messages(a, "HVA-080")
    assert messages(a, "HVA-080")["web01"] == "20 vCPU(s) on a host with 16 physical core(s)"
    assert outcomes(a, "HVA-081") == {"hv1": "fail"}, messages(a, "HVA-081")
    assert messages(a, "HVA-081")["hv1"] == (
        "20 vCPU(s) across 1 running or autostart VM(s) on 16 core(s): ratio 1.25 (limit 1)"
    )


def test_fallback_shape_of_a_plain_host_keeps_its_cores(host_scan, tmp_path) -> None:
    """Twin of R10H-4: nodes 1, sockets 1, threads 1 is also what a one-socket host without SMT
    reports; its /proc/cpuinfo names as many cores as processors (or, off x86, no core id), so
    nodeinfo's count stands: 20 vCPUs on 24 cores pass."""
    from conftest import build_bundle, run_assessment, write_node

    flags = str(HARDENED_HOST["/proc/cpuinfo"]).split("\n", 1)[1]
    plain = "".join(
        f"processor\t: {n}\nvendor_id\t: GenuineIntel\nphysical id\t: 0\ncore id\t\t: {n}\n"
        + flags
        + "\n"
        for n in range(24)
    )
    for cpuinfo in (plain, HARDENED_HOST["/proc/cpuinfo"]):
        host = dict(HARDENED_HOST, **{"/proc/cpuinfo": cpuinfo})
        uri = write_node(
            tmp_path / "node.xml", [domain_xml("web01", vcpus=20)], sockets=1, cores=24, threads=1
        )
        a = run_assessment(build_bundle(tmp_path, uri, host, name=f"b{len(cpuinfo)}"))
        assert outcomes(a, "HVA-080") == {"web01": "pass"}, messages(a, "HVA-080")
        assert messages(a, "HVA-080")["web01"] == "20 vCPU(s) on a host with 24 physical core(s)"


# --- HVA-180: dnf's security filter over repositories without advisories (R10H-5) ----------------

STREAM_HOST = {
    "/etc/os-release": 'NAME="CentOS Stream"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="9"\n',
    "apt-upgrade-simulation": None,
    "apt-held": None,
    "dpkg-packages": None,
    "rpm-packages": ("qemu-kvm\t9.0.0-10.el9\tii\nopenssh-server\t8.7p1-41.el9\tii\n", 0),
    "dnf-security-updates": ("", 0),
}


def test_dnf_security_filter_without_advisories_is_asked(host_scan) -> None:
    """R10H-5. dnf's --security "Consider[s] only content contained in security advisories"
    (dnf5-advisory(8), read with `search`): the repositories' updateinfo decides what is a
    security update. CentOS Stream's repositories publish none ("The repository lacks
    updateinfo to provide errata": `dnf updateinfo list security --installed` returned empty on
    CentOS Stream 9 while openssh-8.7p1-42.el9, the regreSSHion fix, was pending; mdleom.com,
    2024-07-15), nor does a mirror made by reposync without its metadata. `dnf updateinfo list
    --security --available` then prints nothing whatever is pending, and hvaudit passed "no
    pending security update". `dnf updateinfo list --all` ("advisories containing any version
    of installed packages") empty shows the repositories carry no advisories at all. Right: a
    question."""
    a = host_scan(dict(STREAM_HOST, **{"dnf-advisories": ("", 0)}))
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180")["hv1"] == (
        "`dnf updateinfo list --security` lists nothing, but the repositories publish no "
        "advisories (`dnf updateinfo list --all` is empty): dnf cannot tell a security update"
    )


def test_dnf_security_filter_without_advisories_unread_on_centos(
    host_scan,
    older_bundle_scan,  # noqa: F811
) -> None:
    """R10H-5, where the advisory listing was not collected (an older bundle): CentOS (ID
    centos in os-release) publishes no advisories, so the same question; RHEL keeps its pass.
    (The listing recorded absent, which this test took for "not collected", is dnf not found
    and asks, R48S-2: the bundle now lacks the artefact.)"""
    a = host_scan(STREAM_HOST)
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180")["hv1"] == (
        "`dnf updateinfo list --security` lists nothing, but CentOS publishes no advisories in "
        "its repositories: dnf cannot tell a security update"
    )
    rhel = dict(STREAM_HOST, **{"/etc/os-release": 'NAME="Red Hat Enterprise Linux"\nID="rhel"\n'})
    a = older_bundle_scan(rhel, gone=command_artefact("dnf-advisories"))
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")


def test_dnf_with_advisories_passes(host_scan) -> None:
    """Twin of R10H-5: the repositories publish advisories (the installed openssh's), none
    pending: pass."""
    advisories = ("RHSA-2024:4312 Important/Sec. openssh-server-8.7p1-38.el9_4.1.x86_64\n", 0)
    a = host_scan(dict(STREAM_HOST, **{"dnf-advisories": advisories}))
    assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180")["hv1"] == (
        "no pending security update (as of the package lists on the host)"
    )


# --- HVA-180: apt without a security archive (R10H-6) -------------------------------------------

NO_SECURITY_POLICY = (
    "Package files:\n 100 /var/lib/dpkg/status\n     release a=now\n"
    " 500 http://deb.debian.org/debian bookworm/main amd64 Packages\n"
    "     release v=12.8,o=Debian,a=stable,n=bookworm,l=Debian,c=main,b=amd64\n"
    "     origin deb.debian.org\n"
    " 500 http://deb.debian.org/debian bookworm-updates/main amd64 Packages\n"
    "     release v=12-updates,o=Debian,a=stable-updates,n=bookworm-updates,l=Debian,c=main,"
    "b=amd64\n     origin deb.debian.org\nPinned packages:\n",
    0,
)


def test_apt_without_security_archive_is_asked(host_scan) -> None:
    """R10H-6. hvaudit counts an `Inst` line of `apt-get -s dist-upgrade` as a security update
    when its archive says so (`Debian-Security:12/stable-security`, `Ubuntu:22.04/
    jammy-security`): the security archive is where Debian publishes its security updates
    (wiki.debian.org LTS/Using, read with `search`: "To receive security updates ... deb
    https://deb.debian.org/debian-security bookworm-security main"; stable itself "only updated
    during a point release", jwiltshire.org.uk "Debian stable updates explained"). A host whose sources name no security archive (`apt-cache policy`
    lists every source with its release line: here only bookworm and bookworm-updates) never
    sees a pending DSA, so the simulation has no security line to find, and hvaudit passed "no
    pending security update". Right: a question (a site mirror may carry them under another
    name)."""
    a = host_scan({"apt-policy": NO_SECURITY_POLICY})
    assert outcomes(a, "HVA-180") == {"hv1": "manual"}, messages(a, "HVA-180")
    assert messages(a, "HVA-180")["hv1"] == (
        "`apt-get -s dist-upgrade` names no security update, but no package source is a "
        "security archive (`apt-cache policy`: no release with 'security' in its archive, "
        "codename or label): the host does not see security updates"
    )


def test_apt_with_security_archive_passes(
    host_scan,
    older_bundle_scan,  # noqa: F811
) -> None:
    """Twin of R10H-6: the hardened host's sources include bookworm-security: pass, unchanged;
    `apt-cache policy` not collected (an older bundle, older_bundle_scan): unchanged too. (The
    replay's None records apt-cache not found, which asks: R47S-2.)"""
    for a in (host_scan({}), older_bundle_scan({}, gone=command_artefact("apt-policy"))):
        assert outcomes(a, "HVA-180") == {"hv1": "pass"}, messages(a, "HVA-180")


# --- HVA-202: a time daemon that runs but keeps no time (R10H-7) ----------------------------------


def test_time_daemon_running_unsynchronised_fails(host_scan) -> None:
    """R10H-7. hvaudit passed "chronyd running" on the process list alone. A chronyd whose
    chrony.conf names no reachable `server`/`pool` (an air-gapped host whose pool line was
    removed) runs and never steers the clock. The kernel tells: systemd-timedated's
    NTPSynchronized is adjtimex()'s maximum error below 16 s (systemd time-util.c ntp_synced,
    read with `find_string`: "Consider the system clock synchronized if the reported maximum
    error is smaller than the maximum value (16 seconds)"), an error the kernel grows every
    second no daemon corrects it (kernel/time/ntp.c). `timedatectl show -p NTPSynchronized
    --value` printing "no" while chronyd runs: the clock is not synchronised. Right: fail."""
    a = host_scan({"time-synchronized": ("no\n", 0)})
    assert outcomes(a, "HVA-202") == {"hv1": "fail"}, messages(a, "HVA-202")
    assert messages(a, "HVA-202")["hv1"] == (
        "chronyd running, but the kernel reports the clock unsynchronised (timedatectl "
        "NTPSynchronized=no: its maximum error has reached 16 s, no source is steering it)"
    )


def test_time_daemon_running_synchronised_passes(host_scan) -> None:
    """Twin of R10H-7: NTPSynchronized=yes: the running daemon passes, unchanged. (Where
    timedatectl is missing, the probe ran and did not answer: a question since the
    integrator's review, below.)"""
    a = host_scan({})
    assert outcomes(a, "HVA-202") == {"hv1": "pass"}, messages(a, "HVA-202")
    assert messages(a, "HVA-202")["hv1"] == "chronyd running"


# --- HVA-035: the SASL mechanism behind tcp_min_ssf (R10H-8) --------------------------------------

TCP_SASL = {
    "/etc/libvirt/libvirtd.conf": "listen_tcp = 1\ntcp_min_ssf = 112\n",
    "listeners": (
        'tcp LISTEN 0 128 10.0.0.10:16509 0.0.0.0:* users:(("libvirtd",pid=700,fd=3))\n',
        0,
    ),
}


def test_digest_md5_behind_the_ssf_fails(host_scan) -> None:
    """R10H-8. libvirt's own /etc/sasl2/libvirt.conf (src/remote/libvirtd.sasl, read with
    `read_file`): "If you want to use the non-TLS socket, then you *must* pick a mechanism which
    provides session encryption ... previously DIGEST-MD5 was set as the default mechanism for
    libvirt. Per RFC 6331 this is vulnerable to many serious security flaws and should no longer
    be used. Thus GSSAPI is now the default." DIGEST-MD5's security layer reaches SSF 112 and 128
    with 3DES and RC4 (its "3des" and "rc4" ciphers), so tcp_min_ssf = 112 admits it, and the
    how-tos that still set `mech_list: digest-md5` for `auth_tcp = "sasl"` (openEuler's
    virtualisation guide, found with `find_string`) get exactly that. hvaudit read tcp_min_ssf
    alone and passed "SASL on TCP demands SSF >= 112". Right: fail naming the mechanism."""
    a = host_scan(dict(TCP_SASL, **{"/etc/sasl2/libvirt.conf": "mech_list: digest-md5\n"}))
    assert outcomes(a, "HVA-035") == {"hv1": "fail"}, messages(a, "HVA-035")
    assert messages(a, "HVA-035")["hv1"] == (
        "TCP transport weaker than SSF 112: /etc/sasl2/libvirt.conf mech_list offers "
        "digest-md5 (RFC 6331, historic; its security layer is RC4 or 3DES at that strength)"
    )


def test_sasl_mechanisms_unread_or_unset_are_asked(host_scan) -> None:
    """Twins of R10H-8: /etc/sasl2/libvirt.conf absent, or without mech_list: the mechanisms
    SASL offers are its installed plugins', which the bundle does not list: a question. libvirt's
    shipped `mech_list: gssapi` passes, unchanged."""
    for conf in (None, "keytab: /etc/libvirt/krb5.tab\n"):
        a = host_scan(dict(TCP_SASL, **{"/etc/sasl2/libvirt.conf": conf}))
        assert outcomes(a, "HVA-035") == {"hv1": "manual"}, (conf, messages(a, "HVA-035"))
        assert messages(a, "HVA-035")["hv1"].startswith(
            "SASL on TCP demands SSF >= 112, but /etc/sasl2/libvirt.conf "
        ), messages(a, "HVA-035")
    a = host_scan(TCP_SASL)
    assert outcomes(a, "HVA-035") == {"hv1": "pass"}, messages(a, "HVA-035")
    assert messages(a, "HVA-035")["hv1"] == (
        "SASL on TCP demands SSF >= 112 (/etc/sasl2/libvirt.conf mech_list: gssapi)"
    )


# --- Probes that found nothing (verdicts already right) -------------------------------------------


def test_qemu_conf_key_set_twice_first_wins(host_scan) -> None:
    """No finding. libvirt src/util/virconf.c: virConfAddEntry appends each entry and
    virConfGetValue returns the first whose name matches, so `migrate_tls_force = 0` before a
    later `= 1` leaves TLS unforced: HVA-032 fails (hvaudit.parse.libvirt_conf parse_conf keeps
    the first value)."""
    conf = str(HARDENED_HOST["/etc/libvirt/qemu.conf"]).replace(
        "migrate_tls_force = 1\n", "migrate_tls_force = 0\nmigrate_tls_force = 1\n"
    )
    a = host_scan({"/etc/libvirt/qemu.conf": conf})
    assert outcomes(a, "HVA-032") == {"hv1": "fail"}, messages(a, "HVA-032")
    assert messages(a, "HVA-032")["hv1"] == (
        "migrate_tls_force = 0: migrations run in cleartext unless the caller asks for TLS "
        "(migration_address 10.0.1.10)"
    )


def test_modprobe_options_continued_or_commented(host_scan) -> None:
    """No finding (R10H-2's reader). modprobe.d(5): "A '\\' at the end of a line causes it to
    continue on the next line" and lines starting with '#' are comments: the continued option
    fails, the commented one passes."""
    gpu = [domain_xml("gpu", body=PCI_GPU)]
    a = host_scan(
        _modprobe(
            "/etc/modprobe.d/vfio.conf:options vfio_iommu_type1 \\",
            "/etc/modprobe.d/vfio.conf:    allow_unsafe_interrupts=Y",
        ),
        domains=gpu,
    )
    assert outcomes(a, "HVA-050") == {"gpu": "fail"}, messages(a, "HVA-050")
    a = host_scan(
        _modprobe("/etc/modprobe.d/vfio.conf:#options vfio_iommu_type1 allow_unsafe_interrupts=1"),
        domains=gpu,
    )
    assert outcomes(a, "HVA-050") == {"gpu": "pass"}, messages(a, "HVA-050")


# --- HVA-010: a KVM host that is itself a virtual machine (R10H-9) -------------------------------


def test_kvm_host_running_on_a_hypervisor_fails(host_scan) -> None:
    """R10H-9. Linux arch/x86/include/asm/cpufeatures.h (read with `find_string`):
    X86_FEATURE_HYPERVISOR, CPUID 1 ECX bit 31, "Running on a hypervisor": /proc/cpuinfo's
    `hypervisor` flag. Such a host's vmx is the outer hypervisor's: kernel
    Documentation/virt/kvm/x86/nested-vmx.rst, "Nested VMX" lets a guest "use VMX instructions,
    and correctly and efficiently emulat[es] them using the single level of VMX available in the
    hardware"; HVA-049 fails a VM given nesting for exactly that reason ("nesting makes KVM
    emulate VMX/SVM for the guest in software, the very code HY-SR-2 wants replaced by hardware
    assistance"). hvaudit passed HVA-010 "kvm_intel drives /dev/kvm, CPU flag vmx present" on
    a cloud VM with nested virtualization. Right: fail."""
    cpuinfo = str(HARDENED_HOST["/proc/cpuinfo"]).replace("x2apic\n", "x2apic hypervisor\n", 1)
    a = host_scan({"/proc/cpuinfo": cpuinfo})
    assert outcomes(a, "HVA-010") == {"hv1": "fail"}, messages(a, "HVA-010")
    assert messages(a, "HVA-010")["hv1"] == (
        "kvm_intel drives /dev/kvm, but the host is itself a virtual machine (CPU flag "
        "hypervisor): its vmx is the outer hypervisor's nested virtualization, emulated in "
        "software, not the processor's"
    )
    # HVA-011, the same host: its EPT is the outer hypervisor's nested paging, run on shadow
    # page tables (Documentation/virt/kvm/api.rst, KVM_PRE_FAULT_MEMORY: "the guest is using
    # shadow page tables (for example because it is running a nested guest with nested page
    # tables)"); hvaudit passed "EPT/NPT enabled in the KVM module"
    assert outcomes(a, "HVA-011") == {"hv1": "fail"}, messages(a, "HVA-011")
    assert messages(a, "HVA-011")["hv1"] == (
        "EPT/NPT enabled in the KVM module, but the host is itself a virtual machine (CPU flag "
        "hypervisor): the outer hypervisor runs its nested page tables on shadow page tables, "
        "in software"
    )
    a = host_scan({})
    assert outcomes(a, "HVA-010") == {"hv1": "pass"}, messages(a, "HVA-010")
    assert messages(a, "HVA-010")["hv1"] == "kvm_intel drives /dev/kvm, CPU flag vmx present"
    assert outcomes(a, "HVA-011") == {"hv1": "pass"}, messages(a, "HVA-011")


# --- HVA-040: no module can be loaded at all (R10H-10) --------------------------------------------


def test_modules_disabled_refuses_every_module(host_scan) -> None:
    """R10H-10 (wrong fail on a hardened host). proc(5) (read with `find_string`):
    /proc/sys/kernel/modules_disabled "A toggle value indicating if modules are allowed to be
    loaded in an otherwise modular kernel ... Once true, modules can be neither loaded nor
    unloaded, and the toggle cannot be set back to false" (until the next boot). A host that sets
    kernel.modules_disabled = 1 once its drivers are loaded refuses every module, signed or not;
    hvaudit read sig_enforce and lockdown only and failed it "unsigned kernel modules can be
    loaded". Right: pass. (Modules loaded before the toggle are HVA-041's taint.)
    (R21S-3: the pass needs sysctl.d to set it again at every boot.)"""
    off = {"/sys/kernel/security/lockdown": "[none] integrity confidentiality\n"}
    lock = "/etc/sysctl.d/99-lock.conf"
    persisted = (f"{lock}\n{lock}:kernel.modules_disabled = 1\n", 0)
    a = host_scan(dict(off, **{"/proc/sys/kernel/modules_disabled": "1\n", "sysctl-d": persisted}))
    assert outcomes(a, "HVA-040") == {"hv1": "pass"}, messages(a, "HVA-040")
    assert messages(a, "HVA-040")["hv1"] == (
        "kernel.modules_disabled = 1: no module can be loaded until the next boot, signed or "
        f"not; kernel.modules_disabled = 1 ({lock}) sets it again at every boot"
    )
    a = host_scan(off)
    assert outcomes(a, "HVA-040") == {"hv1": "fail"}, messages(a, "HVA-040")


def test_time_daemon_with_synchronisation_probe_unanswered_is_asked(host_scan) -> None:
    """R10H-7's third twin (integrator's review): the probe ran and did not answer
    (timedatectl without systemd-timedated on the bus). A running daemon is not a synchronised
    clock, and the one fact that tells was not read: a question, not a pass."""
    bus_down = ("Failed to connect to bus: No such file or directory\n", 1)
    for answer in (bus_down, None):  # None: timedatectl not found (a host without systemd)
        a = host_scan({"time-synchronized": answer})
        assert outcomes(a, "HVA-202") == {"hv1": "manual"}, messages(a, "HVA-202")
        assert messages(a, "HVA-202")["hv1"].startswith(
            "chronyd running; `timedatectl show` did not answer"
        )
