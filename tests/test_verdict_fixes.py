"""Verdict fixes of the fourth session (issue 8): each case failed on the code before its fix.

Every case goes through the real collector, bundle, parser and engine with the host artefacts
replayed (see conftest), and asserts the exact status and message for the one host `hv1`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import RSYSLOG_CA, domain_xml, messages, outcomes, with_current_kernel


def _rsyslog(*files: tuple[str, str]) -> tuple[str, int]:
    """`grep -r -H "" /etc/rsyslog.conf /etc/rsyslog.d` output for (path, text) files, the main
    file loading imuxsock first (the system log socket: without it or imjournal rsyslog forwards
    the kernel's messages at most, R25L-4)."""
    files = tuple(
        (path, f'module(load="imuxsock")\n{RSYSLOG_CA}\n' + text if path == RS_MAIN else text)
        for path, text in files
    )
    return "".join(f"{path}:{line}\n" for path, text in files for line in text.splitlines()), 0


RS_MAIN = "/etc/rsyslog.conf"
RS_REMOTE = "/etc/rsyslog.d/50-remote.conf"
#: rsyslogd reads /etc/rsyslog.d only through an include in rsyslog.conf (R18H-4)
INCLUDE = "$IncludeConfig /etc/rsyslog.d/*.conf\n"
TLS_OK = "logs forwarded over TLS to logs.example.internal"
PLAIN = "logs forwarded without authenticated TLS to logs.example.internal"


@pytest.mark.parametrize(
    ("files", "status", "message"),
    [
        (  # the global default driver is what an action without StreamDriver uses (netstrms.c)
            [
                (
                    RS_MAIN,
                    'global(DefaultNetstreamDriver="gtls" '
                    'DefaultNetstreamDriverCAFile="/etc/pki/ca.pem")\n'
                    'action(type="omfwd" target="logs.example.internal" port="6514" '
                    'protocol="tcp" StreamDriverMode="1")\n',
                )
            ],
            "pass",
            TLS_OK,
        ),
        (  # the legacy global directive, with a RainerScript action
            [
                (
                    RS_MAIN,
                    "$DefaultNetstreamDriver ossl\n"
                    'action(type="omfwd" target="logs.example.internal" port="6514"\n'
                    '       protocol="tcp" StreamDriverMode="1" '
                    'StreamDriverAuthMode="x509/name")\n',
                )
            ],
            "pass",
            TLS_OK,
        ),
        (  # the global default driver, but anon authenticates no server: still a fail
            [
                (
                    RS_MAIN,
                    'global(DefaultNetstreamDriver="gtls")\n'
                    'action(type="omfwd" target="logs.example.internal" port="6514" '
                    'protocol="tcp" StreamDriverMode="1" StreamDriverAuthMode="anon")\n',
                )
            ],
            "fail",
            f"{PLAIN} (TLS in anon mode: the log server is not authenticated)",
        ),
        (  # the streamdriver.name / streamdriver.mode aliases (omfwd.c actpdescr) came with
            # 8.2502.0: the baseline's 8.2302.0 ignores them (R30L-5; read there in
            # test_redteam30_logging_probes)
            [
                (RS_MAIN, INCLUDE),
                (
                    RS_REMOTE,
                    'action(type="omfwd" target="logs.example.internal" protocol="tcp" '
                    'streamdriver.name="gtls" streamdriver.mode="1")\n',
                ),
            ],
            "fail",
            f"{PLAIN} (streamdriver.name, streamdriver.mode unknown to rsyslog 8.2302.0-1+deb12u1 "
            "(the aliases came with 8.2502.0), which ignores them: the action sends plain TCP)",
        ),
        (  # protocol defaults to udp: the TLS settings are never used (false pass before)
            [
                (RS_MAIN, INCLUDE),
                (
                    RS_REMOTE,
                    'action(type="omfwd" target="logs.example.internal" port="6514" '
                    'StreamDriver="gtls" StreamDriverMode="1")\n',
                ),
            ],
            "fail",
            f"{PLAIN} (UDP: omfwd's protocol defaults to udp, which has no TLS)",
        ),
        (  # no driver anywhere: the default is ptcp, plain TCP, whatever the mode says
            [
                (RS_MAIN, INCLUDE),
                (
                    RS_REMOTE,
                    'action(type="omfwd" target="logs.example.internal" protocol="tcp" '
                    'StreamDriverMode="1")\n',
                ),
            ],
            "fail",
            PLAIN,
        ),
        (  # a TLS driver in mode 0 is plain TCP (false pass before via the legacy directives)
            [
                (
                    RS_MAIN,
                    "$DefaultNetstreamDriver gtls\n*.* @@logs.example.internal:6514\n"
                    "$ActionSendStreamDriverMode 1\n",
                )
            ],
            "fail",
            PLAIN,
        ),
        (  # rsyslog >= 8.2608 strict secure defaults: an unset mode is 1 with a TLS driver; the
            # host's rsyslog is 8.2302.0, where the mode stays 0 (R34L-3; the pass on 8.2608.0 is
            # R30L-8's held-strict-before)
            [
                (
                    RS_MAIN,
                    'global(compatibility.defaults.secure="strict" DefaultNetstreamDriver="gtls")\n'
                    'action(type="omfwd" target="logs.example.internal" protocol="tcp")\n',
                )
            ],
            "fail",
            f"{PLAIN} (StreamDriverMode unset, so mode 0: plain TCP; "
            'compatibility.defaults.secure="strict" sets 1 only from rsyslog 8.2608.0, and '
            "8.2302.0-1+deb12u1 runs)",
        ),
        (  # $ActionSendStreamDriver names the legacy selector's driver (omfwd.c)
            [
                (
                    RS_MAIN,
                    "$ActionSendStreamDriver gtls\n$ActionSendStreamDriverMode 1\n"
                    "*.* @@(o)logs.example.internal:6514\n",
                )
            ],
            "pass",
            TLS_OK,
        ),
        (  # a file rsyslog.conf does not include is not configuration (false pass before)
            [
                (RS_MAIN, "$IncludeConfig /etc/rsyslog.d/*.conf\n*.* /var/log/syslog\n"),
                ("/etc/rsyslog.d/20-local.conf", "auth.* /var/log/auth.log\n"),
                (
                    "/etc/rsyslog.d/50-remote.conf.rpmsave",
                    'action(type="omfwd" target="logs.example.internal" protocol="tcp" '
                    'StreamDriver="gtls" StreamDriverMode="1")\n',
                ),
            ],
            "fail",
            "no remote log destination configured",
        ),
        (  # an included file's legacy settings apply where it is included, above the selector
            [
                (
                    RS_MAIN,
                    'global(DefaultNetstreamDriver="gtls")\n'
                    'include(file="/etc/rsyslog.d/" mode="optional")\n'
                    "*.* @@logs.example.internal:6514\n",
                ),
                ("/etc/rsyslog.d/10-tls.conf", "$ActionSendStreamDriverMode 1\n"),
            ],
            "pass",
            TLS_OK,
        ),
        (  # a commented-out TLS setting is no setting
            [
                (RS_MAIN, INCLUDE),
                (
                    RS_REMOTE,
                    'action(type="omfwd" target="logs.example.internal" protocol="tcp"\n'
                    '       StreamDriverMode="1" # StreamDriver="gtls"\n'
                    '       /* StreamDriver="gtls" */ )\n',
                ),
            ],
            "fail",
            PLAIN,
        ),
        (  # TLS destinations read, but an included file outside the collection is unseen
            [
                (
                    RS_MAIN,
                    'include(file="/opt/logging/*.conf")\n'
                    'action(type="omfwd" target="logs.example.internal" protocol="tcp" '
                    'StreamDriver="gtls" StreamDriverMode="1")\n',
                )
            ],
            "manual",
            "evidence unavailable: rsyslog includes /opt/logging/*.conf, which was not collected "
            "(destinations read: logs.example.internal)",
        ),
    ],
    ids=[
        "global-driver",
        "legacy-global-driver-aliases",
        "global-driver-anon",
        "name-mode-aliases",
        "udp-default",
        "ptcp-default",
        "mode-set-after-selector",
        "strict-secure-defaults",
        "legacy-action-driver",
        "not-included-file",
        "included-directory-order",
        "commented-out",
        "unread-include",
    ],
)
def test_rsyslog_destinations_as_rsyslogd_resolves_them(
    host_scan, files: list[tuple[str, str]], status: str, message: str
) -> None:
    a = host_scan({"rsyslog-config": _rsyslog(*files)})
    assert outcomes(a, "HVA-200") == {"hv1": status}
    assert messages(a, "HVA-200")["hv1"] == message


VULN = "/sys/devices/system/cpu/vulnerabilities/"
SPECTRE_V2_STIBP_OFF = (
    "Mitigation: Retpolines; IBPB: conditional; STIBP: disabled; RSB filling; PBRSB-eIBRS: Not "
    "affected; BHI: Not affected"
)


@pytest.mark.parametrize(
    ("spectre_v2", "smt", "status", "message"),
    [
        (  # STIBP unused (spectre.rst) with a sibling thread online: cross-thread BTI is open
            SPECTRE_V2_STIBP_OFF,
            "on\n",
            "fail",
            f"vulnerable: spectre_v2 ({SPECTRE_V2_STIBP_OFF[:100]}): STIBP disabled while SMT is "
            "on (SMT control: on)",
        ),
        (  # no sibling shares the predictors
            SPECTRE_V2_STIBP_OFF,
            "off\n",
            "pass",
            "17 CPU vulnerabilities reported, none unmitigated",
        ),
        (
            SPECTRE_V2_STIBP_OFF,
            "notsupported\n",
            "pass",
            "17 CPU vulnerabilities reported, none unmitigated",
        ),
        (  # the kernel default with SMT on: STIBP for seccomp/prctl tasks
            "Mitigation: Retpolines; IBPB: conditional; STIBP: conditional; RSB filling; "
            "PBRSB-eIBRS: Not affected; BHI: Not affected",
            "on\n",
            "pass",
            "17 CPU vulnerabilities reported, none unmitigated",
        ),
        (  # the SMT state could not be read: the question, never a pass
            SPECTRE_V2_STIBP_OFF,
            PermissionError("Permission denied"),
            "manual",
            "spectre_v2 reports STIBP: disabled and the SMT state is unknown "
            "(host/files/sys/devices/system/cpu/smt/control: Permission denied)",
        ),
    ],
    ids=["smt-on", "smt-off", "smt-notsupported", "stibp-conditional", "smt-unknown"],
)
def test_spectre_v2_stibp_disabled_with_smt(
    host_scan, spectre_v2: str, smt: str | Exception, status: str, message: str
) -> None:
    lines = f"{VULN}spectre_v2:{spectre_v2}\n{VULN}meltdown:Not affected\n"
    overrides: dict[str, object] = {"cpu-vulnerabilities": (with_current_kernel(lines), 0)}
    overrides["/sys/devices/system/cpu/smt/control"] = smt
    a = host_scan(overrides)
    assert outcomes(a, "HVA-181") == {"hv1": status}
    assert messages(a, "HVA-181")["hv1"] == message


CRYPTO_POLICY = "/etc/crypto-policies/back-ends/opensshserver.config"
REDHAT_DROPIN = (
    "/etc/ssh/sshd_config.d/50-redhat.conf:Include " + CRYPTO_POLICY + "\n"
    "/etc/ssh/sshd_config.d/50-redhat.conf:KbdInteractiveAuthentication no\n"
    "/etc/ssh/sshd_config.d/50-redhat.conf:UsePAM yes\n",
    0,
)
#: What crypto-policies writes for sshd (RHEL 9 DEFAULT policy, shortened): algorithms only.
CRYPTO_SSHD = (
    "Ciphers aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes256-ctr\n"
    "MACs hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com\n"
    "KexAlgorithms curve25519-sha256,ecdh-sha2-nistp256\n"
    "RequiredRSASize 2048\n"
)


@pytest.mark.parametrize(
    ("crypto", "status", "message"),
    [
        (  # RHEL/Fedora: 50-redhat.conf includes the crypto-policies back end, now read
            CRYPTO_SSHD,
            "pass",
            "PermitRootLogin no",
        ),
        (  # it is read like any included file: a Match block in it counts
            CRYPTO_SSHD + "Match Address 10.9.0.0/16\n  PermitRootLogin yes\n",
            "fail",
            f"PermitRootLogin no, but Match Address 10.9.0.0/16 ({CRYPTO_POLICY}:5) sets "
            "PermitRootLogin yes",
        ),
        (  # an Include that matches no file includes nothing (servconf.c: GLOB_NOMATCH skipped)
            None,
            "pass",
            "PermitRootLogin no",
        ),
        (  # the file exists but could not be read: an error, never a pass
            PermissionError("Permission denied"),
            "error",
            "evidence could not be collected: /etc/crypto-policies/back-ends/"
            "opensshserver.config: Permission denied",
        ),
    ],
    ids=["read", "match-in-it", "absent", "unreadable"],
)
def test_sshd_include_of_the_crypto_policy(
    host_scan, crypto: str | Exception | None, status: str, message: str
) -> None:
    a = host_scan(
        {
            "/etc/ssh/sshd_config": "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\n",
            "sshd-config-d": REDHAT_DROPIN,
            CRYPTO_POLICY: crypto,
        }
    )
    assert outcomes(a, "HVA-160") == {"hv1": status}
    assert messages(a, "HVA-160")["hv1"] == message


def test_dac_label_group_root_fails_with_its_reason(host_scan) -> None:
    """redteam2 #5: a static DAC label "user:group" with group 0 runs that VM's QEMU in group
    root (formatdomain "Security label"; qemuDomainObjCheckTaint cfg->group == 0)."""

    def vm(name: str, label: str) -> str:
        return domain_xml(
            name,
            body=f"<seclabel type='static' model='dac' relabel='yes'><label>{label}</label>"
            "</seclabel>",
        )

    a = host_scan(domains=[vm("grouproot", "+64055:+0"), vm("rootvm", "root:kvm")])
    assert outcomes(a, "HVA-042") == {"hv1": "fail"}
    assert messages(a, "HVA-042")["hv1"] == (
        "QEMU runs as root for VM(s) rootvm (<seclabel model='dac'> label uid 0); QEMU runs in "
        "group root for VM(s) grouproot (<seclabel model='dac'> label gid 0)"
    )
    a = host_scan(domains=[vm("plain", "+64055:+64055")])
    assert outcomes(a, "HVA-042") == {"hv1": "pass"}


SSHD_KBD_ONLY = (
    "port 22\npermitrootlogin no\nallowgroups sshadmins\nusepam yes\n"
    "authenticationmethods keyboard-interactive\npubkeyauthentication no\n"
    "passwordauthentication no\nkbdinteractiveauthentication yes\n"
)


@pytest.mark.parametrize(
    ("options", "status", "message"),
    [
        (  # nullok: a user without a token declared logs in with the password alone
            " nullok",
            "fail",
            "SSH logins need a single factor: keyboard-interactive alone logs in "
            "(AuthenticationMethods keyboard-interactive); pam_yubico (required, nullok) does not "
            "fail the login when the factor is missing",
        ),
        (
            "",
            "pass",
            "every SSH login needs two factors: AuthenticationMethods keyboard-interactive, PAM "
            "requires pam_unix (knowledge) and pam_yubico (otp)",
        ),
    ],
    ids=["nullok", "no-nullok"],
)
def test_pam_yubico_nullok_is_no_second_factor(
    host_scan, options: str, status: str, message: str
) -> None:
    """redteam2 #7, on a host where PAM is the only authentication (keyboard-interactive): the
    yubico-pam README, "nullok: Don't fail when there are no tokens declared for the user"."""
    a = host_scan(
        {
            "sshd-effective": (SSHD_KBD_ONLY, 0),
            "/etc/pam.d/sshd": f"auth required pam_yubico.so id=16{options}\n@include common-auth\n",
        }
    )
    assert outcomes(a, "HVA-151") == {"hv1": status}
    assert messages(a, "HVA-151")["hv1"] == message


KSMTUNED = "  500 root     /bin/bash /usr/sbin/ksmtuned\n"


def test_ksmtuned_switches_ksm_on(host_scan) -> None:
    """redteam2 #9: ksmtuned "starts ksm when memory committed to qemu processes exceeds a
    threshold" (its script's header), so run = 0 at the scan is no policy."""
    from conftest import HARDENED_HOST

    procs = HARDENED_HOST["processes"][0] + KSMTUNED
    a = host_scan({"processes": (procs, 0)})
    assert outcomes(a, "HVA-061") == {"hv1": "fail"}
    assert messages(a, "HVA-061")["hv1"] == (
        "KSM is off now, but ksmtuned runs and switches it on when memory committed to QEMU "
        "exceeds its threshold; 1 of 1 running or autostart VM(s) without <nosharepages/>: web01"
    )
    opted_out = domain_xml("web01", body="<memoryBacking><nosharepages/></memoryBacking>")
    a = host_scan({"processes": (procs, 0)}, domains=[opted_out])
    assert outcomes(a, "HVA-061") == {"hv1": "pass"}
    assert messages(a, "HVA-061")["hv1"] == (
        "ksmtuned may switch KSM on, but all 1 running or autostart VM(s) opt out (<nosharepages/>)"
    )
    a = host_scan({"processes": RuntimeError("ps failed")})
    assert outcomes(a, "HVA-061") == {"hv1": "error"}


def test_libvirt_tcp_listener_on_a_configured_port(host_scan) -> None:
    """redteam2 #1: libvirtd.conf tcp_port / tls_port move the listeners ("Override the port for
    accepting insecure TCP connections", libvirtd.conf.in)."""
    from conftest import HARDENED_HOST

    listen = HARDENED_HOST["listeners"][0] + (
        "tcp   LISTEN 0      128        0.0.0.0:16600        0.0.0.0:*    "
        'users:(("libvirtd",pid=700,fd=3))\n'
    )
    conf = HARDENED_HOST["/etc/libvirt/libvirtd.conf"]
    a = host_scan(
        {
            "/etc/libvirt/libvirtd.conf": conf + 'listen_tcp = 1\nauth_tcp = "none"\n'
            'tcp_port = "16600"\n',
            "listeners": (listen, 0),
        }
    )
    assert outcomes(a, "HVA-030") == {"hv1": "fail"}
    assert messages(a, "HVA-030")["hv1"] == (
        "TCP 16600 listening with auth_tcp = 'none' (no authentication, cleartext)"
    )
    assert outcomes(a, "HVA-035") == {"hv1": "fail"}
    a = host_scan(
        {
            "/etc/libvirt/libvirtd.conf": conf + 'tls_port = "16600"\n',
            "listeners": (listen, 0),
        }
    )
    assert outcomes(a, "HVA-030") == {"hv1": "pass"}
    assert messages(a, "HVA-030")["hv1"] == (
        "only TLS 16600 listening, client certificates verified"
    )
    assert outcomes(a, "HVA-035") == {"hv1": "not_applicable"}


LAN = "<network><name>lan</name><forward mode='bridge'/><bridge name='br0'/></network>"
NIC_LIMITED = (
    "<interface type='network'><source network='lan'/><model type='virtio'/>"
    "<bandwidth><inbound average='1000'/><outbound average='1000'/></bandwidth></interface>"
)


def _disk(name: str, iotune: str, dev: str = "vda") -> str:
    return (
        f"<disk type='file' device='disk'><source file='/i/{name}.qcow2'/>"
        f"<target dev='{dev}' bus='virtio'/><iotune>{iotune}</iotune></disk>"
    )


def test_iotune_rates_decide_disk_limits(host_scan) -> None:
    """redteam2 #10/#11: only rates limit (formatdomain iotune: total_/read_/write_ bytes or
    iops per second); size_iops_sec and group_name set none; one direction leaves the other."""
    vms = {
        "sizeonly": _disk("s", "<size_iops_sec>4096</size_iops_sec>"),
        "readonly": _disk("r", "<read_bytes_sec>10000000</read_bytes_sec>"),
        "writeonly": _disk("w", "<write_iops_sec>500</write_iops_sec>"),
        "bothdirs": _disk("b", "<read_bytes_sec>1000</read_bytes_sec>")
        + _disk("c", "<total_iops_sec>500</total_iops_sec>", "vdb"),
        "mixed": _disk("m1", "<read_iops_sec>5</read_iops_sec><write_bytes_sec>9</write_bytes_sec>")
        + _disk("m2", "<group_name>gold</group_name>", "vdb"),
    }
    a = host_scan(
        domains=[
            domain_xml(n, body=f"<devices>{d}{NIC_LIMITED}</devices>") for n, d in vms.items()
        ],
        networks=[LAN],
    )
    assert outcomes(a, "HVA-092") == {
        "sizeonly": "fail",
        "readonly": "fail",
        "writeonly": "fail",
        "bothdirs": "fail",
        "mixed": "fail",
    }
    assert messages(a, "HVA-092") == {
        "sizeonly": "1 of 1 disk(s) without <iotune> rate limits",
        "readonly": "disk /i/r.qcow2: read limit only, writes unlimited",
        "writeonly": "disk /i/w.qcow2: write limit only, reads unlimited",
        "bothdirs": "disk /i/b.qcow2: read limit only, writes unlimited",
        "mixed": "1 of 2 disk(s) without <iotune> rate limits",
    }


def test_proxmox_read_only_disk_limit_leaves_writes_unlimited(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same rule on Proxmox: mbps_rd alone (QEMU -drive bps_rd) leaves writes unlimited."""
    from test_proxmox_checks import HARDENED, edit, msg, scan

    tree = Path(shutil.copytree(HARDENED, tmp_path / "hardened"))
    conf = tree / "etc/pve/qemu-server/200.conf"
    _, report = scan(tree, capsys)
    assert msg(report, "HVA-092", "web-10").endswith("limited (outbound)")
    edit(conf, "mbps_rd=200,mbps_wr=100,", "mbps_rd=200,mbps_wr_max=300,")
    _, report = scan(tree, capsys)
    assert msg(report, "HVA-092", "web-10") == (
        "disk local-lvm:vm-200-disk-1: read limit only, writes unlimited"
    )


def _cpu_vm(name: str, cputune: str, base: int, vcpus: int = 2, current: str = "") -> str:
    pins = "".join(f"<vcpupin vcpu='{i}' cpuset='{base + i}'/>" for i in range(vcpus))
    xml = domain_xml(
        name,
        vcpus=vcpus,
        body=f"<cputune><shares>2048</shares>{cputune}{pins}"
        f"<emulatorpin cpuset='{base + vcpus}'/></cputune>",
    )
    return xml.replace("<vcpu>", f"<vcpu current='{current}'>") if current else xml


def test_cpu_quota_must_be_below_what_the_vcpus_could_use(host_scan) -> None:
    """redteam2 #12: formatdomain "CPU Tuning": each vCPU at most quota within period (default
    100000 us, sched-bwc.rst); global_quota bounds every active vCPU within global_period."""
    a = host_scan(
        domains=[
            _cpu_vm("q_equal", "<period>100000</period><quota>100000</quota>", 2),
            _cpu_vm("q_default_period", "<quota>150000</quota>", 5),
            _cpu_vm("q_half", "<quota>50000</quota>", 8),
        ]
    )
    assert outcomes(a, "HVA-090") == {
        "q_equal": "fail",
        "q_default_period": "fail",
        "q_half": "pass",
    }
    msg = messages(a, "HVA-090")
    assert msg["q_half"] == (
        "reservation: all 2 vCPU(s) pinned (<vcpupin>) to host CPU(s) 8-9, used by no other "
        "running or autostart VM; limit: quota 50000 us; priority: cputune shares 2048"
    )
    assert msg["q_equal"].startswith("no CPU limit")
    a = host_scan(
        domains=[
            _cpu_vm(
                "g_all",
                "<global_period>100000</global_period><global_quota>200000</global_quota>",
                2,
            ),
            _cpu_vm("g_part", "<global_quota>150000</global_quota>", 5),
            # one of the two vCPUs active: 150000 us with 100000 us per vCPU limits nothing
            _cpu_vm("g_current", "<global_quota>150000</global_quota>", 8, current="1"),
        ]
    )
    assert outcomes(a, "HVA-090") == {"g_all": "fail", "g_part": "pass", "g_current": "fail"}


def test_proxmox_cpulimit_of_every_vcpu_limits_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """cpulimit is in host CPUs (PVE API: "If the computer has 2 CPUs, it has total of '2' CPU
    time"): 4 or more for a VM with 4 vCPUs limits nothing; `vcpus` lowers the active count."""
    from test_proxmox_checks import HARDENED, edit, got, msg, scan

    tree = Path(shutil.copytree(HARDENED, tmp_path / "hardened"))
    conf = tree / "etc/pve/qemu-server/200.conf"
    _, report = scan(tree, capsys)
    assert "limit: cpulimit 2" in msg(report, "HVA-090", "web-10")
    edit(conf, "cpulimit: 2", "cpulimit: 4")
    _, report = scan(tree, capsys)
    assert got(report)[("HVA-090", "web-10")] == "fail"
    assert msg(report, "HVA-090", "web-10").startswith("no CPU limit")
    edit(conf, "cpulimit: 4", "cpulimit: 3\nvcpus: 2")
    _, report = scan(tree, capsys)
    assert got(report)[("HVA-090", "web-10")] == "fail"


def test_locked_memory_limit_above_host_memory_limits_nothing(host_scan) -> None:
    """redteam2 #13, where the limit decides: with <locked/> the hard limit is what bounds the
    pinned host RAM; one at or above the host's memory (16 GiB here) can never be reached."""

    def vm(name: str, hard: str) -> str:
        return domain_xml(
            name,
            body="<memoryBacking><hugepages/><locked/></memoryBacking><memtune>"
            f"<hard_limit unit='GiB'>{hard}</hard_limit><soft_limit unit='MiB'>800</soft_limit>"
            "</memtune>",
        )

    a = host_scan(domains=[vm("bigcap", "2048"), vm("fitcap", "2")])
    assert outcomes(a, "HVA-070") == {"bigcap": "fail", "fitcap": "pass"}
    assert messages(a, "HVA-070")["bigcap"] == (
        "no memory hard limit below the host's memory (memory is locked and the limit, 2048.0 "
        "GiB, is at or above the host's 16.0 GiB) (backed by pre-reserved huge pages; memtune "
        "hard_limit 2147483648 KiB; memtune soft_limit 819200 KiB; configured size 1.0 GiB)"
    )


def _nest_vm(name: str, cpu: str) -> str:
    return domain_xml(name, body=cpu)


PASSTHROUGH = "<cpu mode='host-passthrough'>{}</cpu>"
DISABLE = "<feature policy='disable' name='{}'/>"


def test_nesting_flag_of_the_hosts_vendor_decides(host_scan) -> None:
    """redteam2 #6: each <feature> is one CPUID flag (formatdomain); vmx is Intel's, svm AMD's."""
    vms = [
        _nest_vm("svm_off", PASSTHROUGH.format(DISABLE.format("svm"))),
        _nest_vm("vmx_off", PASSTHROUGH.format(DISABLE.format("vmx"))),
        _nest_vm(
            "vmx_req_svm_off",
            "<cpu mode='custom' match='exact'><model>Skylake-Client</model>"
            "<feature policy='require' name='vmx'/><feature policy='disable' name='svm'/></cpu>",
        ),
        _nest_vm("both_off", PASSTHROUGH.format(DISABLE.format("vmx") + DISABLE.format("svm"))),
    ]
    intel = {"/sys/module/kvm_intel/parameters/nested": "Y\n"}
    a = host_scan(intel, domains=vms)
    assert outcomes(a, "HVA-049") == {
        "svm_off": "fail",
        "vmx_off": "pass",
        "vmx_req_svm_off": "fail",
        "both_off": "pass",
    }
    msg = messages(a, "HVA-049")
    assert msg["svm_off"] == (
        "CPU mode host-passthrough passes the host's vmx/svm through when KVM nests, and the "
        "host's KVM has nested on"
    )
    assert msg["vmx_req_svm_off"] == (
        "<cpu> feature vmx/svm policy='require': the guest can run a hypervisor"
    )
    assert msg["vmx_off"] == "vmx/svm policy='disable'"
    amd = {
        "/proc/modules": "kvm_amd 380928 0 - Live 0x0000000000000000\n"
        "kvm 1142784 1 kvm_amd, Live 0x0000000000000000\n",
        "/sys/module/kvm_intel/parameters/ept": None,
        "/sys/module/kvm_amd/parameters/npt": "1\n",
        "/sys/module/kvm_amd/parameters/nested": "1\n",
    }
    a = host_scan(amd, domains=vms)
    assert outcomes(a, "HVA-049") == {
        "svm_off": "pass",
        "vmx_off": "fail",
        "vmx_req_svm_off": "fail",
        "both_off": "pass",
    }


def _ext_tpm(name: str, sock: str) -> str:
    return domain_xml(
        name,
        body="<devices><tpm model='tpm-crb'><backend type='external'><source type='unix' "
        f"mode='connect' path='{sock}'/></backend></tpm></devices>",
    )


def test_external_swtpm_is_a_question_and_a_shared_socket_fails(host_scan) -> None:
    """redteam2 #15: backend type='external' (libvirt >= 9.0.0) is an swtpm started outside
    libvirt; whether it is this VM's own is a question, one socket for two VMs is one TPM."""
    from test_manual_questions import shape_problems

    a = host_scan(
        domains=[
            _ext_tpm("own", "/run/swtpm/own.sock"),
            _ext_tpm("share1", "/run/swtpm/shared.sock"),
            _ext_tpm("share2", "/run/swtpm/shared.sock"),
        ]
    )
    assert outcomes(a, "HVA-065") == {"own": "manual", "share1": "fail", "share2": "fail"}
    msg = messages(a, "HVA-065")
    assert msg["own"] == "external swtpm at /run/swtpm/own.sock (started outside libvirt)"
    assert msg["share1"] == (
        "external TPM socket /run/swtpm/shared.sock is shared with share2: one TPM for several VMs"
    )
    q = next(
        r.outcome.question
        for r in a.results
        if r.check.id == "HVA-065" and r.outcome.subject.name == "own"
    )
    assert shape_problems(q) == []
    assert outcomes(a, "HVA-056") == {"own": "pass", "share1": "pass", "share2": "pass"}


def test_unknown_no_mitigations_is_unmitigated(host_scan) -> None:
    """redteam2 #26: processor_mmio_stale_data.rst: "Unknown: No mitigations" - "out of
    Servicing period. Mitigation is not attempted"."""
    lines = f"{VULN}mmio_stale_data:Unknown: No mitigations\n{VULN}meltdown:Not affected\n"
    a = host_scan({"cpu-vulnerabilities": (lines, 0)})
    assert outcomes(a, "HVA-181") == {"hv1": "fail"}
    assert messages(a, "HVA-181")["hv1"] == "vulnerable: mmio_stale_data (Unknown: No mitigations)"


@pytest.mark.parametrize(
    ("allow", "status", "message"),
    [
        ("allowusers *", "fail", "allowusers entry '*' matches every name"),
        (
            "allowusers alice\nallowusers *@10.0.0.0/8",
            "fail",
            "allowusers entry '*@10.0.0.0/8' matches every name",
        ),
        (  # both lists must admit: the group list still restricts
            "allowusers *\nallowgroups sshadmins",
            "pass",
            "allowusers *; allowgroups sshadmins",
        ),
        ("allowusers adm*", "pass", "allowusers adm*"),
    ],
    ids=["star", "star-at", "star-and-groups", "prefix"],
)
def test_allow_list_of_everyone_names_nobody(
    host_scan, allow: str, status: str, message: str
) -> None:
    """redteam2 #22: sshd_config(5) AllowUsers/AllowGroups patterns; '*' matches every name."""
    from conftest import HARDENED_HOST

    text = HARDENED_HOST["sshd-effective"][0].replace("allowgroups sshadmins", allow)
    a = host_scan({"sshd-effective": (text, 0)})
    assert outcomes(a, "HVA-161") == {"hv1": status}
    assert messages(a, "HVA-161")["hv1"] == message


def test_daemons_started_with_another_configuration_file(host_scan) -> None:
    """redteam2 #2/#3: libvirtd(8) `-f, --config FILE` and sshd(8) `-f config_file` make the
    daemon read a file hvaudit did not collect; the default file's verdicts do not apply."""
    from conftest import HARDENED_HOST

    procs = HARDENED_HOST["processes"][0]
    lab = procs.replace(
        "/usr/sbin/libvirtd --timeout 120", "/usr/sbin/libvirtd --config=/srv/lab.conf"
    )
    a = host_scan({"processes": (lab, 0)})
    assert outcomes(a, "HVA-132") == {"hv1": "manual"}
    assert messages(a, "HVA-132")["hv1"] == (
        "evidence unavailable: libvirtd runs with --config /srv/lab.conf, a file hvaudit does "
        "not collect: /etc/libvirt/libvirtd.conf is not what it reads"
    )
    assert outcomes(a, "HVA-201") == {"hv1": "manual"}
    # naming the default file changes nothing
    same = procs.replace(
        "/usr/sbin/libvirtd --timeout 120", "/usr/sbin/libvirtd -f /etc/libvirt/libvirtd.conf"
    )
    a = host_scan({"processes": (same, 0)})
    assert outcomes(a, "HVA-132") == {"hv1": "pass"}
    second = procs + " 900 root     sshd: /usr/sbin/sshd -D -f /etc/ssh/lab_config [listener]\n"
    a = host_scan({"processes": (second, 0)})
    for check_id in ("HVA-151", "HVA-160", "HVA-161"):
        assert outcomes(a, check_id) == {"hv1": "manual"}, check_id
        assert messages(a, check_id)["hv1"] == (
            "evidence unavailable: an sshd runs with -f /etc/ssh/lab_config, a configuration "
            "hvaudit does not read (`sshd -T` shows /etc/ssh/sshd_config only)"
        )
    default = procs.replace("sshd -D [listener]", "sshd -D -f /etc/ssh/sshd_config [listener]")
    a = host_scan({"processes": (default, 0)})
    assert outcomes(a, "HVA-160") == {"hv1": "pass"}


PCI_GPU = (
    "<devices><hostdev mode='subsystem' type='pci' managed='yes'><source>"
    "<address domain='0x0000' bus='0x65' slot='0x00' function='0x0'/></source></hostdev></devices>"
)


@pytest.mark.parametrize(
    ("overrides", "status", "message"),
    [
        (
            {"cmdline": "vfio_iommu_type1.allow_unsafe_interrupts=1"},
            "fail",
            "passthrough of pci 0000:65:00.0 with vfio_iommu_type1.allow_unsafe_interrupts=1: "
            "the device's interrupts (MSIs) are not remapped, so it can inject interrupts into "
            "the host",
        ),
        (  # set in modprobe.d: the module's parameter in sysfs says so
            {"/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts": "Y\n"},
            "fail",
            "passthrough of pci 0000:65:00.0 with vfio_iommu_type1.allow_unsafe_interrupts=Y "
            "(sysfs): the device's interrupts (MSIs) are not remapped, so it can inject "
            "interrupts into the host",
        ),
        (  # the loaded module says N: the command line's word was overridden or absent
            {"/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts": "N\n"},
            "pass",
            None,
        ),
    ],
    ids=["cmdline", "sysfs", "sysfs-off"],
)
def test_passthrough_without_interrupt_remapping(
    host_scan, overrides: dict[str, str], status: str, message: str | None
) -> None:
    """redteam2 #17: vfio_iommu_type1 allow_unsafe_interrupts lets a device be assigned without
    interrupt remapping (vfio_iommu_type1.c MODULE_PARM_DESC)."""
    from conftest import HARDENED_HOST

    host = dict(overrides)
    if "cmdline" in host:
        host["/proc/cmdline"] = HARDENED_HOST["/proc/cmdline"].replace(
            "quiet", "quiet " + host.pop("cmdline")
        )
    a = host_scan(host, domains=[domain_xml("gpu", body=PCI_GPU)])
    assert outcomes(a, "HVA-050") == {"gpu": status}
    if message is not None:
        assert messages(a, "HVA-050")["gpu"] == message


def test_management_address_on_an_ovs_bridge(host_scan) -> None:
    """redteam2 #19: an Open vSwitch bridge (ip link info_kind openvswitch) holding the host
    address, with a VM defined on it, is the shared segment HVA-211 fails."""
    from test_redteam2_probes import OVS_ADDR, OVS_LINKS

    on_ovs = domain_xml(
        "onovs",
        body="<devices><interface type='bridge'><source bridge='ovsbr0'/>"
        "<virtualport type='openvswitch'/><model type='virtio'/></interface></devices>",
    )
    a = host_scan({"ip-link": (OVS_LINKS, 0), "ip-addr": (OVS_ADDR, 0)}, domains=[on_ovs])
    assert outcomes(a, "HVA-211") == {"hv1": "fail"}
    assert messages(a, "HVA-211")["hv1"] == (
        "host address on bridge(s) with VM ports: ovsbr0 (10.0.0.10; VMs defined on it: onovs)"
    )
    # no VM read is on ovsbr0, but the link list's vnet0 under ovs-system is a VM's tap on an
    # Open vSwitch bridge only ovs-vsctl names: asked, not passed (R44S-1)
    a = host_scan({"ip-link": (OVS_LINKS, 0), "ip-addr": (OVS_ADDR, 0)})
    assert (outcomes(a, "HVA-211"), messages(a, "HVA-211")) == (
        {"hv1": "manual"},
        {
            "hv1": "host address on Open vSwitch port(s) ovsbr0 (10.0.0.10), whose bridge only "
            "ovs-vsctl shows; VM port(s) vnet0 are on Open vSwitch bridge(s) it names"
        },
    )


NAT_NET = (
    "<network><name>default</name><forward mode='nat'/><bridge name='virbr0'/>"
    "<ip address='192.168.122.1' netmask='255.255.255.0'/></network>"
)


def test_management_service_on_a_vm_network_address(host_scan) -> None:
    """redteam2 #21: formatnetwork NAT: the <ip address> is the host's address on the guests'
    bridge, their gateway; sshd bound there faces every VM on the network."""
    from conftest import HARDENED_HOST

    listeners = HARDENED_HOST["listeners"][0].replace("10.0.0.10:22", "192.168.122.1:22")
    natvm = domain_xml(
        "natvm",
        body="<devices><interface type='network'><source network='default'/></interface></devices>",
    )
    a = host_scan({"listeners": (listeners, 0)}, domains=[natvm], networks=[NAT_NET])
    assert outcomes(a, "HVA-210") == {"hv1": "fail"}
    assert messages(a, "HVA-210")["hv1"] == (
        "listening on a VM network's host address (every guest on it reaches it): sshd (tcp/22) on "
        "192.168.122.1 (network default)"
    )
    a = host_scan(domains=[natvm], networks=[NAT_NET])
    assert outcomes(a, "HVA-210") == {"hv1": "pass"}


def test_pam_radius_localifdown_is_no_second_factor(host_scan) -> None:
    """redteam2 #53: pam_radius_auth localifdown returns PAM_IGNORE when the RADIUS server is
    unreachable (FreeRADIUS pam_radius USAGE), so the password alone logs in then."""
    a = host_scan(
        {
            "sshd-effective": (SSHD_KBD_ONLY, 0),
            "/etc/pam.d/sshd": "auth required pam_radius_auth.so localifdown\n"
            "@include common-auth\n",
        }
    )
    assert outcomes(a, "HVA-151") == {"hv1": "fail"}
    assert messages(a, "HVA-151")["hv1"] == (
        "SSH logins need a single factor: keyboard-interactive alone logs in "
        "(AuthenticationMethods keyboard-interactive); pam_radius_auth (required, localifdown) "
        "does not fail the login when the factor is missing"
    )


def test_sshd_command_line_option_wins_over_the_file(host_scan) -> None:
    """redteam2 #44: sshd(8) -o on the running listener (its title keeps its argv) comes before
    the file; "the first obtained value will be used" (sshd_config(5))."""
    from conftest import HARDENED_HOST

    procs = HARDENED_HOST["processes"][0].replace(
        "sshd: /usr/sbin/sshd -D [listener]",
        "sshd: /usr/sbin/sshd -D -o PermitRootLogin=yes -oPasswordAuthentication=yes [listener]",
    )
    a = host_scan({"processes": (procs, 0)})
    assert outcomes(a, "HVA-160") == {"hv1": "fail"}
    assert messages(a, "HVA-160")["hv1"] == (
        "PermitRootLogin yes (sshd's command line: -o PermitRootLogin=yes)"
    )


def test_root_equivalent_groups(host_scan) -> None:
    """redteam2 #30: the group of a libvirt socket that asks for no authorization and the disk
    group are root-equivalent (libvirtd.conf.in unix_sock_group; Debian wiki SystemGroups)."""
    from conftest import HARDENED_HOST

    group = HARDENED_HOST["/etc/group"]
    conf = (
        'access_drivers = [ "polkit" ]\naudit_level = 2\nauth_unix_rw = "none"\n'
        'unix_sock_group = "virtadmins"\nunix_sock_rw_perms = "0770"\n'
    )
    a = host_scan(
        {
            "/etc/libvirt/libvirtd.conf": conf,
            "/etc/group": group + "virtadmins:x:120:bob,carol,dave\n",
            "libvirt-sockets": ("770 root virtadmins /run/libvirt/libvirt-sock\n", 1),
        }
    )
    assert outcomes(a, "HVA-142") == {"hv1": "fail"}
    assert messages(a, "HVA-142")["hv1"] == (
        "5 administrative principal(s) (limit 3): alice, bob, carol, dave, root"
    )
    a = host_scan({"/etc/group": group.replace("root:x:0:\n", "root:x:0:\ndisk:x:6:bob,carol\n")})
    assert outcomes(a, "HVA-142") == {"hv1": "fail"}


def test_qemu_user_with_uid_0_under_another_name(host_scan) -> None:
    """redteam2 #51: libvirt resolves qemu.conf's user through passwd (virGetUserID)."""
    from conftest import HARDENED_HOST

    passwd = HARDENED_HOST["/etc/passwd"] + "toor:x:0:0:backup root:/root:/usr/sbin/nologin\n"
    conf = HARDENED_HOST["/etc/libvirt/qemu.conf"].replace('user = "libvirt-qemu"', 'user = "toor"')
    procs = "".join(
        line + "\n" for line in HARDENED_HOST["processes"][0].splitlines() if "qemu" not in line
    )
    a = host_scan({"/etc/passwd": passwd, "/etc/libvirt/qemu.conf": conf, "processes": (procs, 0)})
    assert outcomes(a, "HVA-042") == {"hv1": "fail"}
    assert messages(a, "HVA-042")["hv1"] == (
        "qemu.conf sets user = toor, which /etc/passwd gives uid 0: QEMU runs as root"
    )


@pytest.mark.parametrize("control", ["include", "substack"])
def test_pam_auth_include_of_an_uncollected_file(host_scan, control: str) -> None:
    """redteam2 #62: pam.conf(5) include/substack pull in another file's auth lines; one that
    is not collected leaves the factors unknown (Debian's common-account etc. hold none)."""
    pam = f"auth {control} mfa-custom\n@include common-auth\n@include common-account\n"
    # Debian's common-account, present (R52A-3: one in neither /etc/pam.d nor /usr/lib/pam.d
    # is no longer assumed authless)
    a = host_scan(
        {
            "/etc/pam.d/sshd": pam,
            "/etc/pam.d/common-account": "account required pam_unix.so\n",
            "sshd-effective": (SSHD_KBD_ONLY, 0),
        }
    )
    assert outcomes(a, "HVA-151") == {"hv1": "manual"}
    assert messages(a, "HVA-151")["hv1"] == (
        "evidence unavailable: sshd's PAM auth stack includes /etc/pam.d/mfa-custom (not "
        "collected): the factors it requires are unknown"
    )


def test_static_apparmor_profile_of_a_running_vm_confines_it(host_scan) -> None:
    """redteam2 #52 (host part): a static apparmor label names the profile QEMU runs under
    (security_apparmor.c); loaded in enforce mode, the host's MAC confinement holds."""
    from conftest import HARDENED_HOST

    profiles = HARDENED_HOST["/sys/kernel/security/apparmor/profiles"]
    strict = domain_xml(
        "strict",
        body="<seclabel type='static' model='apparmor' relabel='no'>"
        "<label>vm-strict-profile</label></seclabel>",
    )
    a = host_scan(
        {"/sys/kernel/security/apparmor/profiles": profiles + "vm-strict-profile (enforce)\n"},
        domains=[domain_xml("web01"), strict],
    )
    assert outcomes(a, "HVA-043") == {"hv1": "pass"}
    a = host_scan(
        {"/sys/kernel/security/apparmor/profiles": profiles + "vm-strict-profile (complain)\n"},
        domains=[domain_xml("web01"), strict],
    )
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}
    assert messages(a, "HVA-043")["hv1"] == (
        "AppArmor profiles not enforcing: vm-strict-profile (complain)"
    )
    a = host_scan(domains=[domain_xml("web01"), strict])
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}
    assert messages(a, "HVA-043")["hv1"] == (
        "running VM(s) without a loaded libvirt-<uuid> profile: strict"
    )


def test_socket_activated_approved_services_are_approved(host_scan) -> None:
    """redteam2 #38: with socket activation systemd holds the socket (systemd.socket(5)); on
    sshd's port it is sshd's (ssh.socket), on 16514 libvirt's (libvirtd-tls.socket)."""
    held = (
        "tcp   LISTEN 0      4096       10.0.0.10:{port}        0.0.0.0:*    "
        'users:(("systemd",pid=1,fd=60))\n'
    )
    a = host_scan(
        {
            "listeners": (held.format(port=22) + held.format(port=16514), 0),
            "sshd-units": ("inactive\ninactive\nactive\ninactive\n", 3),
        }
    )
    assert outcomes(a, "HVA-033") == {"hv1": "pass"}
    assert messages(a, "HVA-033")["hv1"] == "2 non-loopback listener(s), all approved"
    a = host_scan({"listeners": (held.format(port=8080), 0)})
    assert outcomes(a, "HVA-033") == {"hv1": "fail"}
    assert messages(a, "HVA-033")["hv1"] == "unapproved listeners: systemd (tcp/8080)"
