"""Host-side verdicts fixed in the third review of issue 8 (hostfix): each case goes through the
real host collector (replayed artefacts), parser and engine, and asserts the exact status and
message per subject."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import DEBIAN_RSYSLOG_MAIN, HARDENED_HOST, RSYSLOG_CA, domain_xml, messages, outcomes
from test_redteam_probes import SELINUX_HOST

# --- HVA-043 / HVA-044: SELinux domain types made permissive one by one ---------------------------

#: `semanage permissive -l -n` on an enforcing host with svirt_t made permissive
#: (seobject.py permissiveRecords.list: builtin types of the policy, then the customized ones).
SEMANAGE_SVIRT = "\nsystemd_hibernate_resume_t\n\nsvirt_t\n"
#: The same with headings (an older semanage, or -n ignored): headings are not types.
SEMANAGE_HEADED = (
    "\nBuiltin Permissive Types \n\nsystemd_hibernate_resume_t\n\n"
    "Customized Permissive Types\n\nsvirt_tcg_t\n"
)


@pytest.mark.parametrize(
    ("artefacts", "status", "fragment"),
    [
        (
            {"selinux-permissive": (SEMANAGE_SVIRT, 0)},
            "fail",
            "SELinux is enforcing, but VM domain type(s) svirt_t are permissive "
            "(`semanage permissive -l`): the QEMU processes in them are not confined",
        ),
        (
            {"selinux-permissive": (SEMANAGE_HEADED, 0)},
            "fail",
            "VM domain type(s) svirt_tcg_t are permissive",
        ),
        (
            {"selinux-permissive": ("", 0)},
            "pass",
            "libvirt confines QEMU with SELinux, enforcing; no VM domain type permissive "
            "(svirt_t, svirt_tcg_t)",
        ),
        # A permissive type no VM runs in is not this check's business.
        (
            {"selinux-permissive": ("systemd_hibernate_resume_t\nhttpd_t\n", 0)},
            "pass",
            "no VM domain type permissive (svirt_t, svirt_tcg_t)",
        ),
        # semanage not installed: semodule's module list shows what semanage -a made permissive
        (
            {
                "selinux-permissive": None,
                "selinux-modules": ("abrt\npermissive_svirt_t\nvirt\n", 0),
            },
            "fail",
            "VM domain type(s) svirt_t are permissive (a permissive_<type> module (`semodule -l`))",
        ),
        (
            {"selinux-permissive": None, "selinux-modules": ("permissive_svirt_t\t1.0\n", 0)},
            "fail",
            "svirt_t are permissive",
        ),
        # ... but not a `permissive` statement inside another module: a clean list is a question
        (
            {"selinux-permissive": None, "selinux-modules": ("abrt\nvirt\n", 0)},
            "manual",
            "`semodule -l` lists no permissive_<type> module for svirt_t, svirt_tcg_t",
        ),
        # neither read (semanage needs root; not installed): a question, never a pass
        (
            {
                "selinux-permissive": ("", 1, "ValueError: SELinux policy is not managed\n"),
                "selinux-modules": None,
            },
            "manual",
            "which domain types are permissive was not read (`semanage permissive -l`: exit "
            "status 1 (ValueError: SELinux policy is not managed); `semodule -l`: not installed)",
        ),
    ],
    ids=[
        "semanage-svirt",
        "semanage-headings",
        "semanage-none",
        "semanage-others",
        "semodule-svirt",
        "semodule-old-format",
        "semodule-clean",
        "unread",
    ],
)
def test_selinux_permissive_vm_domains(
    host_scan, artefacts: dict[str, Any], status: str, fragment: str
) -> None:
    """semanage-permissive(8): a permissive domain is not enforced while getenforce says
    Enforcing; `semanage permissive -a svirt_t` leaves every VM unconfined."""
    a = host_scan({**SELINUX_HOST, **artefacts})
    assert outcomes(a, "HVA-043") == {"hv1": status}, messages(a, "HVA-043")
    assert fragment in messages(a, "HVA-043")["hv1"]


def test_permissive_type_of_a_vm_label_fails_the_host_and_the_vm(host_scan) -> None:
    """A VM whose static label names a type the policy confines but that is permissive runs
    unconfined: HVA-043 names the type, HVA-044 fails that VM (and only it)."""
    label = (
        "<seclabel type='static' model='selinux' relabel='yes'>"
        "<label>system_u:system_r:svirt_custom_t:s0:c10,c20</label></seclabel>"
    )
    a = host_scan(
        {**SELINUX_HOST, "selinux-permissive": ("svirt_custom_t\n", 0)},
        domains=[domain_xml("web01"), domain_xml("custom", body=label)],
    )
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}, messages(a, "HVA-043")
    assert "VM domain type(s) svirt_custom_t are permissive" in messages(a, "HVA-043")["hv1"]
    assert outcomes(a, "HVA-044")["custom"] == "fail", messages(a, "HVA-044")
    assert (
        "SELinux domain type svirt_custom_t is permissive: the label is not enforced"
        in messages(a, "HVA-044")["custom"]
    )
    assert outcomes(a, "HVA-044")["web01"] == "pass", messages(a, "HVA-044")


def test_permissive_svirt_fails_every_default_labelled_vm(host_scan) -> None:
    a = host_scan({**SELINUX_HOST, "selinux-permissive": ("svirt_t\n", 0)})
    assert outcomes(a, "HVA-044") == {"web01": "fail"}, messages(a, "HVA-044")
    assert messages(a, "HVA-044")["web01"] == (
        "no <seclabel>: driver default, but SELinux domain type svirt_t is permissive: the "
        "label is not enforced"
    )


def test_apparmor_host_does_not_read_the_selinux_list(host_scan) -> None:
    """The hardened Debian host (AppArmor) has no semanage: HVA-043 still passes on AppArmor."""
    a = host_scan({})
    assert outcomes(a, "HVA-043") == {"hv1": "pass"}, messages(a, "HVA-043")
    assert "selinux-permissive" not in HARDENED_HOST


# --- HVA-200: rsyslog forwarding governed by a filter ---------------------------------------------

RS = "/etc/rsyslog.d/50-remote.conf:"
TLS_ACTION = (
    'action(type="omfwd" target="logs.example.internal" port="6514" protocol="tcp" '
    'StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="x509/name")'
)
LEGACY_TLS = (
    f"{RS}$DefaultNetstreamDriver gtls\n{RS}$ActionSendStreamDriverMode 1\n"
    f"{RS}$ActionSendStreamDriverAuthMode x509/name\n"
)


def _rsyslog(*lines: str, legacy: bool = False) -> tuple[str, int]:
    main = DEBIAN_RSYSLOG_MAIN  # includes /etc/rsyslog.d/*.conf
    body = "".join(f"{RS}{ln}\n" for ln in (RSYSLOG_CA, *lines))  # the CA: R28L-1
    return (main + (LEGACY_TLS if legacy else "") + body, 0)


@pytest.mark.parametrize(
    ("lines", "legacy", "fragment"),
    [
        (
            [f"if $programname == 'sshd' then {TLS_ACTION}"],
            False,
            "rsyslog forwards over authenticated TLS only under a filter: logs.example.internal "
            "gets only what `if $programname == 'sshd'` lets through",
        ),
        (
            ["if $programname == 'sshd' then {", f"  {TLS_ACTION}", "}"],
            False,
            "gets only what `if $programname == 'sshd'` lets through",
        ),
        (
            ["if $syslogseverity <= 3 and", "   $msg contains 'x' then", TLS_ACTION],
            False,
            "`if $syslogseverity <= 3 and $msg contains 'x'`",
        ),
        (
            [
                "if $programname == 'cron' then {",
                "  /var/log/cron.log",
                "} else {",
                TLS_ACTION,
                "}",
            ],
            False,
            "`else of `if $programname == 'cron'``",
        ),
        ([':msg, contains, "error" @@logs.example.internal:6514'], True, ':msg, contains, "error"'),
        (
            [':programname, isequal, "sshd" /var/log/sshd.log', "& @@logs.example.internal:6514"],
            True,
            ':programname, isequal, "sshd"',
        ),
        ([':msg, !contains, "noise"', TLS_ACTION], False, ':msg, !contains, "noise"'),
        (
            ['ruleset(name="remote") {', TLS_ACTION, "}", "*.* call remote"],
            False,
            "`ruleset remote`",
        ),
        (['if prifilt("mail.*") then {', TLS_ACTION, "}"], False, '`prifilt("mail.*")`'),
    ],
    ids=[
        "if-inline",
        "if-block",
        "if-two-lines",
        "else-branch",
        "propfilter",
        "propfilter-ampersand",
        "propfilter-negated",
        "ruleset",
        "prifilt-block",
    ],
)
def test_filtered_tls_forwarding_is_a_question(
    host_scan, lines: list[str], legacy: bool, fragment: str
) -> None:
    """rsyslog "Filter Conditions": an action under an `if` expression or a property-based
    filter forwards only the messages the filter selects; whether those include the host's own
    security messages is not in the configuration text. Manual, never "logs forwarded"."""
    a = host_scan({"rsyslog-config": _rsyslog(*lines, legacy=legacy)})
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}, messages(a, "HVA-200")
    assert fragment in messages(a, "HVA-200")["hv1"]


@pytest.mark.parametrize(
    ("lines", "legacy", "status", "message"),
    [
        # the filter governs only the file action; the forwarding after it is unfiltered
        (
            ["if $programname == 'sshd' then /var/log/sshd.log", TLS_ACTION],
            False,
            "pass",
            "logs forwarded over TLS to logs.example.internal",
        ),
        (
            ["if $programname == 'sshd' then {", "  /var/log/sshd.log", "}", TLS_ACTION],
            False,
            "pass",
            "logs forwarded over TLS to logs.example.internal",
        ),
        # a selector in front of an action object is read, as in front of @@host
        (
            [f"mail.* {TLS_ACTION}"],
            False,
            "fail",
            "no running forwarder sends the host's logs to a remote destination (selectors "
            "forward no daemon message (libvirt's): logs.example.internal (mail.*))",
        ),
        ([f"daemon.* {TLS_ACTION}"], False, "pass", "logs forwarded over TLS to logs.example"),
        # kernel messages only: none of libvirt's daemons' (daemon facility)
        ([f'if prifilt("kern.*") then {TLS_ACTION}'], False, "fail", "internal (kern.*)"),
        # a filtered plain-text destination still sends logs unprotected
        (
            [':msg, contains, "error" @logs.example.internal:514'],
            False,
            "fail",
            "logs forwarded without authenticated TLS to logs.example.internal",
        ),
        # one filtered destination next to one that forwards everything
        (
            [':msg, contains, "x" @@a.example:6514', "*.* @@b.example:6514"],
            True,
            "pass",
            "logs forwarded over TLS to b.example",
        ),
        (['ruleset(name="RSYSLOG_DefaultRuleset") {', TLS_ACTION, "}"], False, "pass", "TLS"),
        # a ruleset only a network input is bound to never sees the host's messages
        (
            [
                'input(type="imtcp" port="514" ruleset="relay")',
                'ruleset(name="relay") {',
                TLS_ACTION,
                "}",
            ],
            False,
            "fail",
            "logs.example.internal (ruleset relay, which no local input (imuxsock, imjournal, "
            "imklog) or call reaches)",
        ),
        # `*.* stop` before the forwarding: nothing reaches it
        (
            ["*.* /var/log/all.log", "& stop", TLS_ACTION],
            False,
            "fail",
            "logs.example.internal (daemon messages stopped earlier by `*.* stop`)",
        ),
        # a stop of daemon messages: the kernel's still travel, libvirt's do not (H61)
        (
            ["daemon.* stop", TLS_ACTION],
            False,
            "fail",
            "logs.example.internal (daemon messages stopped earlier by `daemon.* stop`)",
        ),
    ],
    ids=[
        "if-other-action",
        "if-block-other-action",
        "selector-mail-on-action",
        "selector-daemon-on-action",
        "prifilt-kern",
        "filtered-plain",
        "filtered-and-full",
        "default-ruleset",
        "relay-ruleset",
        "stop-all",
        "stop-daemon",
    ],
)
def test_rsyslog_filters_that_settle_the_verdict(
    host_scan, lines: list[str], legacy: bool, status: str, message: str
) -> None:
    a = host_scan({"rsyslog-config": _rsyslog(*lines, legacy=legacy)})
    assert outcomes(a, "HVA-200") == {"hv1": status}, messages(a, "HVA-200")
    assert message in messages(a, "HVA-200")["hv1"]


# --- HVA-042: swtpm's account when qemu.conf names none; ids spelled other ways -------------------

QEMU_CONF = HARDENED_HOST["/etc/libvirt/qemu.conf"]
VTPM = "<devices><tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm></devices>"
NO_TSS_PASSWD = "".join(
    ln + "\n" for ln in HARDENED_HOST["/etc/passwd"].splitlines() if not ln.startswith("tss:")
)
NO_TSS_GROUP = "".join(
    ln + "\n" for ln in HARDENED_HOST["/etc/group"].splitlines() if not ln.startswith("tss:")
)
#: nsswitch resolving accounts and groups from the files alone: only then does a tss missing
#: from them prove libvirt's fall back to root (virDoesUserExist asks NSS; R29Q-3)
FILES_ONLY_NSS = {"/etc/nsswitch.conf": "passwd:         files\ngroup:          files\n"}


@pytest.mark.parametrize(
    ("files", "conf", "message"),
    [
        (
            {"/etc/passwd": NO_TSS_PASSWD, **FILES_ONLY_NSS},
            "",
            "qemu.conf leaves swtpm_user unset and /etc/passwd has no tss account (libvirt then "
            "falls back to root): the TPM emulator of VM(s) vtpm runs as root",
        ),
        (
            {"/etc/group": NO_TSS_GROUP, **FILES_ONLY_NSS},
            "",
            "qemu.conf leaves swtpm_group unset and /etc/group has no tss group (libvirt then "
            "falls back to root): the TPM emulator of VM(s) vtpm runs as root",
        ),
        (
            {"/etc/passwd": NO_TSS_PASSWD, **FILES_ONLY_NSS},
            'swtpm_group = "tss"\n',
            "qemu.conf leaves swtpm_user unset and /etc/passwd has no tss account",
        ),
        ({}, 'swtpm_user = "+00"\n', "qemu.conf sets swtpm_user = +00: the TPM emulator"),
        (
            {"/etc/passwd": HARDENED_HOST["/etc/passwd"] + "toor:x:0:0::/root:/bin/bash\n"},
            'swtpm_user = "toor"\n',
            "qemu.conf sets swtpm_user = toor: the TPM emulator of VM(s) vtpm runs as root",
        ),
    ],
    ids=["no-tss-user", "no-tss-group", "group-set-user-not", "plus-00", "uid0-name"],
)
def test_swtpm_runs_as_root(host_scan, files: dict[str, str], conf: str, message: str) -> None:
    """src/qemu/qemu_conf.c virQEMUDriverConfigNew: swtpm_user defaults to tss and "fall[s]
    back to root" when no tss account exists (likewise the group); qemu.conf's swtpm_user is read
    with virGetUserID (name first, "+N" a number)."""
    a = host_scan(
        {"/etc/libvirt/qemu.conf": QEMU_CONF + conf, **files},
        domains=[domain_xml("vtpm", body=VTPM), domain_xml("plain")],
    )
    assert outcomes(a, "HVA-042") == {"hv1": "fail"}, messages(a, "HVA-042")
    assert message in messages(a, "HVA-042")["hv1"]


def test_swtpm_default_account_present_or_no_vtpm(host_scan) -> None:
    """With tss in passwd and group the default is not root; without a vTPM VM no swtpm runs."""
    a = host_scan({}, domains=[domain_xml("vtpm", body=VTPM)])
    assert outcomes(a, "HVA-042") == {"hv1": "pass"}, messages(a, "HVA-042")
    b = host_scan({"/etc/passwd": NO_TSS_PASSWD, "/etc/group": NO_TSS_GROUP})
    assert outcomes(b, "HVA-042") == {"hv1": "pass"}, messages(b, "HVA-042")


@pytest.mark.parametrize(
    ("conf", "files", "message"),
    [
        ('user = "+00"\n', {}, "qemu.conf sets user = +00: uid 0, QEMU runs as root"),
        (
            'group = "wheel0"\n',
            {"/etc/group": HARDENED_HOST["/etc/group"] + "wheel0:x:0:\n"},
            "qemu.conf sets group = wheel0 (gid 0 in /etc/group): QEMU runs in group root",
        ),
        ('group = "+000"\n', {}, "qemu.conf sets group = +000: QEMU runs in group root"),
        (
            "",
            {
                "/etc/group": HARDENED_HOST["/etc/group"].replace(
                    "root:x:0:", "root:x:0:x,libvirt-qemu"
                )
            },
            "QEMU's user libvirt-qemu is a member of group root in /etc/group",
        ),
        (
            "",
            {
                "/etc/passwd": HARDENED_HOST["/etc/passwd"].replace(
                    "libvirt-qemu:x:64055:64055:", "libvirt-qemu:x:64055:0:"
                )
            },
            "QEMU's user libvirt-qemu has primary gid 0 (group root) in /etc/passwd",
        ),
    ],
    ids=["user-plus-00", "group-name-gid-0", "group-plus-000", "member-of-root", "primary-gid-0"],
)
def test_qemu_ids_libvirt_reads_as_zero(
    host_scan, conf: str, files: dict[str, str], message: str
) -> None:
    """virGetUserID / virGetGroupID (src/util/virutil.c) and virGetGroupList (getgrouplist:
    every group /etc/group lists the account in)."""
    base = QEMU_CONF
    for key in ("user", "group"):
        if conf.startswith(key + " "):
            base = "\n".join(ln for ln in base.splitlines() if not ln.startswith(key + " ")) + "\n"
    a = host_scan({"/etc/libvirt/qemu.conf": base + conf, **files})
    assert outcomes(a, "HVA-042") == {"hv1": "fail"}, messages(a, "HVA-042")
    assert message in messages(a, "HVA-042")["hv1"]


# --- HVA-100: a pool served by the host's own FQDN or /etc/hosts name ------------------------------


def _pool(name: str, server: str) -> str:
    return (
        f"<pool type='netfs'><name>{name}</name><source><host name='{server}'/>"
        "<dir path='/srv/images'/><format type='nfs'/></source>"
        f"<target><path>/var/lib/libvirt/{name}</path></target></pool>"
    )


def test_pool_served_by_the_hosts_own_names(tmp_path) -> None:
    """hostname(1), THE FQDN: the FQDN is the name getaddrinfo(3) returns for gethostname(2)'s;
    hosts(5) maps names to addresses. A pool whose server is one of them is the host itself."""
    from conftest import build_bundle, run_assessment, write_node

    pools = [
        _pool("fqdn", "hv1.example.com"),
        _pool("fqdndot", "HV1.example.com."),
        _pool("alias", "storage.lab.example"),
        _pool("ownaddr", "nfs-local.lab.example"),
        _pool("remote", "nas.example.org"),
        _pool("sameshort", "hv1.other.example"),
    ]
    host = dict(
        HARDENED_HOST,
        **{
            "hostname-fqdn": ("hv1.example.com\n", 0),
            "/etc/hosts": "127.0.0.1 localhost\n127.0.1.1 storage.lab.example  # alias\n"
            "10.0.0.10 nfs-local.lab.example\n192.0.2.7 nas.example.org\n",
        },
    )
    uri = write_node(tmp_path / "n.xml", [domain_xml("web01")], pools=pools)
    a = run_assessment(build_bundle(tmp_path, uri, host, name="b"))
    assert outcomes(a, "HVA-100") == {
        "fqdn": "fail",
        "fqdndot": "fail",
        "alias": "fail",
        "ownaddr": "fail",
        "remote": "pass",
        "sameshort": "pass",
    }, messages(a, "HVA-100")
    assert messages(a, "HVA-100")["fqdn"] == (
        "netfs pool served by hv1.example.com: this host itself, so the images stay on the "
        "hypervisor"
    )


# --- HVA-043 / HVA-044: AppArmor's global mode --------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "status", "fragment"),
    [
        (
            {"/sys/module/apparmor/parameters/mode": "complain\n"},
            "fail",
            "(complain: /sys/module/apparmor/parameters/mode)",
        ),
        (
            {
                "/proc/cmdline": HARDENED_HOST["/proc/cmdline"].rstrip()
                + " apparmor.mode=complain\n"
            },
            "fail",
            "(complain: apparmor.mode=complain on the kernel command line)",
        ),
        # the run-time parameter is what the kernel uses now
        (
            {
                "/proc/cmdline": HARDENED_HOST["/proc/cmdline"].rstrip()
                + " apparmor.mode=complain\n",
                "/sys/module/apparmor/parameters/mode": "enforce\n",
            },
            "pass",
            "libvirt confines QEMU with AppArmor",
        ),
    ],
    ids=["runtime", "cmdline", "runtime-enforce"],
)
def test_apparmor_global_mode(
    host_scan, overrides: dict[str, str], status: str, fragment: str
) -> None:
    """security/apparmor/include/policy.h COMPLAIN_MODE: the module's global mode
    (aa_g_profile_mode, lsm.c `mode` parameter) set to complain makes every profile complain,
    while /sys/kernel/security/apparmor/profiles still lists them "(enforce)"."""
    a = host_scan(overrides)
    assert outcomes(a, "HVA-043") == {"hv1": status}, messages(a, "HVA-043")
    assert fragment in messages(a, "HVA-043")["hv1"]
    if status == "fail":
        assert outcomes(a, "HVA-044") == {"web01": "fail"}, messages(a, "HVA-044")


# --- HVA-030: a libvirt socket relayed onto TCP -------------------------------------------------

PROCS = HARDENED_HOST["processes"][0]


@pytest.mark.parametrize(
    ("socket", "address", "status"),
    [
        ("/run/libvirt/libvirt-sock", "0.0.0.0", "fail"),
        ("/var/run/libvirt/virtqemud-sock", "[::]", "fail"),
        ("/run/libvirt/libvirt-sock", "127.0.0.1", "pass"),  # only local processes reach it
        ("/run/libvirt/libvirt-sock-ro", "0.0.0.0", "pass"),  # the read-only socket
    ],
    ids=["rw-any", "virtqemud-v6", "rw-loopback", "ro"],
)
def test_socket_relayed_onto_tcp(host_scan, socket: str, address: str, status: str) -> None:
    """socat(1): TCP-LISTEN accepts connections and UNIX-CONNECT joins each to the socket."""
    procs = PROCS + f"  990 root     /usr/bin/socat TCP-LISTEN:7000,fork UNIX-CONNECT:{socket}\n"
    listen = HARDENED_HOST["listeners"][0] + (
        f'tcp   LISTEN 0      5          {address}:7000        0.0.0.0:*    users:(("socat",pid=990,fd=5))\n'
    )
    a = host_scan({"processes": (procs, 0), "listeners": (listen, 0)})
    assert outcomes(a, "HVA-030") == {"hv1": status}, messages(a, "HVA-030")
    if status == "fail":
        assert messages(a, "HVA-030")["hv1"] == (
            f"socat (pid 990) relays {socket} onto TCP {address}:7000: libvirt's full API "
            "without authentication or encryption"
        )


# --- HVA-151/160/161/210: dropbear as the host's SSH server ------------------------------------

NO_OPENSSH = {
    "sshd-effective": None,
    "sshd-units": ("inactive\ninactive\ninactive\ninactive\n", 3),
    "/etc/ssh/sshd_config": None,
}


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (
            "-F -R -p 22",
            "fail",
            "dropbear runs without -w: root may log in over SSH (dropbear(8): -w disallows root "
            "logins)",
        ),
        ("-FRw -p 22", "pass", "dropbear runs with -w: root logins disallowed"),
        ("-F -p 22 -w", "pass", "dropbear runs with -w: root logins disallowed"),
        # `-b w` is a banner file called w, not the -w flag
        ("-F -b w -p 22", "fail", "dropbear runs without -w"),
    ],
    ids=["no-w", "combined-w", "separate-w", "banner-w"],
)
def test_dropbear_root_login(host_scan, args: str, status: str, message: str) -> None:
    """dropbear(8): "-w Disallow root logins"."""
    procs = PROCS.replace(
        "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups", f"/usr/sbin/dropbear {args}"
    )
    assert "dropbear" in procs
    a = host_scan({**NO_OPENSSH, "processes": (procs, 0)})
    assert outcomes(a, "HVA-160") == {"hv1": status}, messages(a, "HVA-160")
    assert messages(a, "HVA-160")["hv1"].startswith(message)
    assert outcomes(a, "HVA-161") == {"hv1": "fail"}, messages(a, "HVA-161")
    assert outcomes(a, "HVA-151") == {"hv1": "fail"}, messages(a, "HVA-151")
    assert messages(a, "HVA-151")["hv1"] == (
        "dropbear serves SSH: a public key (or a password) alone logs in, no second factor"
    )


def test_match_block_allow_list_that_admits_everyone(host_scan) -> None:
    """sshd_config(5), Match: a block's AllowGroups replaces the global one for the connections
    it selects; with AllowUsers also set globally, sshd still requires both."""
    conf = HARDENED_HOST["/etc/ssh/sshd_config"] + "Match Address 10.0.0.0/8\n    AllowGroups *\n"
    a = host_scan({"/etc/ssh/sshd_config": conf})
    assert outcomes(a, "HVA-161") == {"hv1": "fail"}, messages(a, "HVA-161")
    assert messages(a, "HVA-161")["hv1"].endswith(
        "but Match Address 10.0.0.0/8 (/etc/ssh/sshd_config:8) sets allowgroups *, which admits "
        "every name"
    )
    effective = HARDENED_HOST["sshd-effective"][0] + "allowusers alice\n"
    b = host_scan({"/etc/ssh/sshd_config": conf, "sshd-effective": (effective, 0)})
    assert outcomes(b, "HVA-161") == {"hv1": "pass"}, messages(b, "HVA-161")


# --- HVA-151: PAM line continuation -------------------------------------------------------------


def test_pam_backslash_continues_the_rule(host_scan) -> None:
    """libpam pam_handlers.c _pam_assemble_line: a trailing backslash joins the next line."""
    from hvaudit.parse.pam import logical_lines

    assert logical_lines("auth required pam_x.so \\\n  nullok # c\n# only\nauth a b\\\n") == [
        "auth required pam_x.so    nullok",
        "",
        "auth a b",
    ]
    # a comment ends the line: its backslash continues nothing
    assert logical_lines("auth required pam_x.so \\ # code\nauth sufficient pam_y.so\n") == [
        "auth required pam_x.so \\",
        "auth sufficient pam_y.so",
    ]
    kbd = HARDENED_HOST["sshd-effective"][0].replace(
        "authenticationmethods publickey,keyboard-interactive",
        "authenticationmethods keyboard-interactive",
    )
    pam = "auth required pam_google_authenticator.so \\\n     nullok\n@include common-auth\n"
    a = host_scan({"/etc/pam.d/sshd": pam, "sshd-effective": (kbd, 0)})
    assert outcomes(a, "HVA-151") == {"hv1": "fail"}, messages(a, "HVA-151")
    assert (
        "pam_google_authenticator (required, nullok) does not fail the login"
        in messages(a, "HVA-151")["hv1"]
    )


def test_primary_group_members_count_as_group_members(host_scan) -> None:
    """getgrouplist(3) adds the account's primary group (passwd(5) fourth field)."""
    passwd = HARDENED_HOST["/etc/passwd"] + (
        "bob:x:1001:27:Bob:/home/bob:/bin/bash\ncarol:x:1002:27:Carol:/home/carol:/bin/bash\n"
    )
    a = host_scan({"/etc/passwd": passwd})
    assert outcomes(a, "HVA-142") == {"hv1": "fail"}, messages(a, "HVA-142")
    assert "alice, bob, carol, root" in messages(a, "HVA-142")["hv1"]


# --- HVA-214: a never rule that matches every system call -----------------------------------------


@pytest.mark.parametrize(
    ("first", "status"),
    [
        ("-a never,exit -F arch=b64 -S all", "fail"),
        ("-a exit,never -S all", "fail"),
        # every 32-bit call: a 32-bit program writes unrecorded on this x86 host (R20H-7)
        ("-a never,exit -F arch=b32 -S all", "fail"),
        # daemons' events only: libvirt's daemons (auid unset) rewrite /etc/libvirt/qemu on
        # `virsh define`, so whether they are left unrecorded is a question (R20H-2)
        ("-a never,exit -F arch=b64 -S all -F auid=4294967295", "manual"),
        ("-a never,exit -F arch=b64 -S mount", "pass"),  # one system call
    ],
    ids=["b64-all", "no-arch", "b32", "auid-unset", "one-syscall"],
)
def test_audit_never_rule_before_the_watches(host_scan, first: str, status: str) -> None:
    """auditctl(8), never: "the event triggers on the first matching rule"; -w watches are
    exit-list rules."""
    rules = first + "\n" + HARDENED_HOST["audit-rules"][0]
    a = host_scan({"audit-rules": (rules, 0)})
    assert outcomes(a, "HVA-214") == {"hv1": status}, messages(a, "HVA-214")
    if status == "fail":
        assert messages(a, "HVA-214")["hv1"].startswith(
            "audit rules watch /etc/libvirt and /etc/polkit-1 for 64-bit system calls only"
            if "b32" in first
            else "no audit watch for writes to /etc/libvirt, /etc/polkit-1"
        )


# --- HVA-034: DN patterns that fix no value ------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "status"),
    [
        ("*CN=*", "fail"),
        ("O=*,CN=*", "fail"),
        ("*", "fail"),
        ("C=GB,ST=London,L=London,O=Red Hat,CN=*", "pass"),
        ("*CN=mgmt1.example.internal", "pass"),
    ],
)
def test_tls_dn_entry_that_fixes_no_value(host_scan, entry: str, status: str) -> None:
    """virnettlscontext.c: g_pattern_match_simple(entry, dname)."""
    listen = HARDENED_HOST["listeners"][0] + (
        'tcp   LISTEN 0      50         0.0.0.0:16514      0.0.0.0:*    users:(("libvirtd",pid=700,fd=9))\n'
    )
    conf = HARDENED_HOST["/etc/libvirt/libvirtd.conf"] + (
        f'listen_tls = 1\ntls_allowed_dn_list = [ "{entry}" ]\n'
    )
    a = host_scan({"/etc/libvirt/libvirtd.conf": conf, "listeners": (listen, 0)})
    assert outcomes(a, "HVA-034") == {"hv1": status}, messages(a, "HVA-034")
    if status == "fail":
        assert messages(a, "HVA-034")["hv1"] == (
            "TLS listener admits any certificate the CA signed (libvirtd.conf: "
            f"tls_allowed_dn_list entry {entry!r} matches every name)"
        )


# --- HVA-022: the event log's length is read, not listed ----------------------------------------


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        (("40123 /sys/kernel/security/tpm0/binary_bios_measurements\n", 0), "pass"),
        (("0 /sys/kernel/security/tpm0/binary_bios_measurements\n", 0), "fail"),
        (("", 1, "wc: /sys/...: No such file or directory\n"), "fail"),
        # an older bundle's `ls -l`: securityfs lists size 0 for a log that is there
        (
            (
                "-r--r----- 1 root root 0 Nov 27 04:00 "
                "/sys/kernel/security/tpm0/binary_bios_measurements\n",
                0,
            ),
            "pass",
        ),
    ],
    ids=["wc-log", "wc-empty", "absent", "ls-zero"],
)
def test_measured_boot_event_log(host_scan, answer: tuple[Any, ...], status: str) -> None:
    """tpm_bios_log_setup creates the file only for a log; securityfs sets no i_size."""
    a = host_scan({"measured-boot-log": answer})
    assert outcomes(a, "HVA-022") == {"hv1": status}, messages(a, "HVA-022")


# --- HVA-030 / HVA-132: relays on loopback and to other machines; the admin socket ---------------


def test_loopback_relay_and_admin_socket(host_scan) -> None:
    procs = PROCS + (
        "  991 root     /usr/bin/socat TCP-LISTEN:16600,bind=127.0.0.1,fork "
        "UNIX-CONNECT:/run/libvirt/libvirt-sock\n"
    )
    listen = HARDENED_HOST["listeners"][0] + (
        'tcp   LISTEN 0      5          127.0.0.1:16600        0.0.0.0:*    users:(("socat",pid=991,fd=5))\n'
    )
    a = host_scan({"processes": (procs, 0), "listeners": (listen, 0)})
    assert outcomes(a, "HVA-132") == {"hv1": "fail"}, messages(a, "HVA-132")
    assert messages(a, "HVA-132")["hv1"] == (
        "socat (pid 991) relays /run/libvirt/libvirt-sock onto loopback TCP 127.0.0.1:16600: "
        "every local user reaches the socket with the relay's credentials, past its authorization"
    )
    outward = PROCS + (
        "  992 root     ssh -N -R 16509:/run/libvirt/libvirt-sock ops@jump.example.net\n"
    )
    b = host_scan({"processes": (outward, 0)})
    assert outcomes(b, "HVA-030") == {"hv1": "manual"}, messages(b, "HVA-030")
    assert messages(b, "HVA-030")["hv1"] == (
        "ssh (pid 992) forwards /run/libvirt/libvirt-sock to ops@jump.example.net (ssh -R): "
        "libvirt's API is served on that machine"
    )
    units = "libvirtd.socket        disabled enabled\nlibvirtd-admin.socket  disabled enabled\n"
    conf = HARDENED_HOST["/etc/libvirt/libvirtd.conf"] + 'unix_sock_admin_perms = "0777"\n'
    c = host_scan({"/etc/libvirt/libvirtd.conf": conf, "libvirt-socket-units": (units, 0)})
    assert outcomes(c, "HVA-132") == {"hv1": "fail"}, messages(c, "HVA-132")
    assert messages(c, "HVA-132")["hv1"] == (
        "libvirtd.conf: unix_sock_admin_perms = 0777: any local user administers the daemon "
        "through its admin socket (virt-admin: log outputs, client limits, TLS files)"
    )


# --- dropbear beside OpenSSH; -t; -f FILE in one word; container processes ----------------------


def test_dropbear_beside_openssh_and_two_factor(host_scan) -> None:
    procs = PROCS + "  995 root     /usr/sbin/dropbear -F -R -p 2222\n"
    a = host_scan({"processes": (procs, 0)})
    assert outcomes(a, "HVA-160") == {"hv1": "fail"}, messages(a, "HVA-160")
    assert messages(a, "HVA-160")["hv1"].startswith("dropbear runs without -w")
    only = PROCS.replace(
        "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups", "/usr/sbin/dropbear -F -R -w -t"
    )
    b = host_scan({**NO_OPENSSH, "processes": (only, 0)})
    assert outcomes(b, "HVA-151") == {"hv1": "pass"}, messages(b, "HVA-151")
    assert messages(b, "HVA-151")["hv1"] == (
        "dropbear -t: password and public key are both required (two-factor)"
    )


def test_config_file_option_in_one_word(host_scan) -> None:
    """getopt(3): an option's argument may follow in the same word (-f/etc/x)."""
    procs = PROCS.replace(
        "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups",
        "/usr/sbin/sshd -D -f/etc/ssh/sshd_config.lab",
    ).replace("rsyslogd -n -iNONE", "rsyslogd -n -iNONE -f/etc/rsyslog-local.conf")
    a = host_scan({"processes": (procs, 0)})
    assert outcomes(a, "HVA-160") == {"hv1": "manual"}, messages(a, "HVA-160")
    assert "/etc/ssh/sshd_config.lab" in messages(a, "HVA-160")["hv1"]
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}, messages(a, "HVA-200")
    assert "rsyslogd runs with -f /etc/rsyslog-local.conf" in messages(a, "HVA-200")["hv1"]


def test_container_processes_are_not_host_daemons(host_scan) -> None:
    """An unprivileged container's processes run as uids from 100000 (idmap root:100000:65536)."""
    procs = PROCS.replace(
        "  403 root     /usr/sbin/rsyslogd -n -iNONE\n",
        "  403 100000   /usr/sbin/rsyslogd -n -iNONE\n",
    )
    assert "100000" in procs
    a = host_scan({"processes": (procs, 0)})
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}, messages(a, "HVA-200")
    assert "configured but not running" in messages(a, "HVA-200")["hv1"]
