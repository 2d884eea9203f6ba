"""Host-side verdicts fixed after the second red-team review (tests/test_redteam2_probes.py holds
its probes): each case goes through a replayed hardened host with one file changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import (
    HARDENED_HOST,
    IP_ADDR,
    NFT_DROP,
    build_bundle,
    domain_xml,
    messages,
    outcomes,
    run_assessment,
    write_node,
)


@pytest.mark.parametrize(
    ("words", "status"),
    [
        ("audit=off", "fail"),
        ("audit=OFF", "fail"),
        ("audit=0 audit=1", "fail"),  # audit_enable(): AUDIT_DISABLED is never undone
        ("audit=1", "pass"),
        ("noaudit=0 audit_backlog_limit=0", "pass"),  # other parameters
    ],
)
def test_kernel_audit_switched_off_at_boot(host_scan, words: str, status: str) -> None:
    cmdline = HARDENED_HOST["/proc/cmdline"].replace("quiet", f"quiet {words}")
    a = host_scan({"/proc/cmdline": cmdline})
    for check_id in ("HVA-214", "HVA-201"):
        assert outcomes(a, check_id) == {"hv1": status}, messages(a, check_id)
        if status == "fail":
            assert "the kernel booted with audit=" in messages(a, check_id)["hv1"]


def test_kernel_audit_off_decides_even_when_auditctl_fails(host_scan) -> None:
    """With audit=0 the kernel never starts its audit subsystem, so `auditctl -l` fails: the
    command line alone settles both checks."""
    cmdline = HARDENED_HOST["/proc/cmdline"].replace("quiet", "quiet audit=0")
    a = host_scan({"/proc/cmdline": cmdline, "audit-rules": ("", 1)})
    for check_id in ("HVA-214", "HVA-201"):
        assert outcomes(a, check_id) == {"hv1": "fail"}, messages(a, check_id)


PROCS = HARDENED_HOST["processes"][0]


@pytest.mark.parametrize(
    ("chronyd", "status"),
    [
        ("/usr/sbin/chronyd -x -F 1", "fail"),
        ("/usr/sbin/chronyd -dx -F 1", "fail"),  # a cluster of flags
        ("/usr/sbin/chronyd -F 1 -u _chrony", "pass"),
        ("/usr/sbin/chronyd -f /etc/chrony/x.conf -F 1", "pass"),  # an x inside an argument
        ("/usr/sbin/chronyd -fx.conf -F 1", "pass"),  # the argument glued to -f
    ],
)
def test_chronyd_without_clock_control_is_no_sync(host_scan, chronyd: str, status: str) -> None:
    assert "/usr/sbin/chronyd -F 1" in PROCS
    a = host_scan({"processes": (PROCS.replace("/usr/sbin/chronyd -F 1", chronyd), 0)})
    assert outcomes(a, "HVA-202") == {"hv1": status}, messages(a, "HVA-202")
    if status == "fail":
        assert "chronyd started with -x" in messages(a, "HVA-202")["hv1"]


def test_an_empty_shell_field_is_bin_sh(host_scan) -> None:
    """passwd(5): an empty login shell field defaults to /bin/sh: root, alice and two such
    accounts are four, above the limit of three."""
    passwd = HARDENED_HOST["/etc/passwd"] + "".join(
        f"svc{i}:x:120{i}:120{i}::/home/svc{i}:\n" for i in (1, 2)
    )
    a = host_scan({"/etc/passwd": passwd})
    assert outcomes(a, "HVA-140") == {"hv1": "fail"}, messages(a, "HVA-140")
    assert "svc1" in messages(a, "HVA-140")["hv1"]


def _rules(*lines: str) -> tuple[str, int]:
    f = "/etc/polkit-1/rules.d/80-libvirt.rules"
    return "".join(f"{f}:{ln}\n" for ln in lines), 0


@pytest.mark.parametrize(
    ("rules", "status"),
    [
        (
            _rules(
                "/* later: action.lookup('domain_uuid') */",
                "polkit.addRule(function(action, subject) { // domain_name per team, one day",
                '  if (action.id.indexOf("org.libvirt.api.") == 0 && subject.isInGroup("ops"))',
                "    return polkit.Result.YES; });",
            ),
            "fail",
        ),
        (
            _rules(
                'var url = "https://wiki//x"; polkit.addRule(function(action, subject) {',
                '  if (action.id.indexOf("org.libvirt.api.domain.") == 0 &&',
                '      action.lookup("domain_name") == "web1") return polkit.Result.YES; });',
            ),
            "pass",
        ),
        (
            _rules(
                "polkit.addRule(function(action, subject) {",
                '  if (action.id.indexOf("org.libvirt.api.domain.") == 0 &&',
                "      /^web-/.test(action.lookup('domain_name'))) return polkit.Result.YES; });",
            ),
            "pass",
        ),
        # the name is read but compared with nothing that narrows: every VM is granted
        (
            _rules(
                "polkit.addRule(function(action, subject) {",
                '  var vm = action.lookup("domain_name");',
                '  if (action.id.indexOf("org.libvirt.api.domain.") == 0 && vm != "")',
                "    return polkit.Result.YES; });",
            ),
            "manual",
        ),
    ],
)
def test_polkit_comments_are_no_per_vm_rule(host_scan, rules: tuple[str, int], status: str) -> None:
    a = host_scan({"polkit-rules": rules})
    assert outcomes(a, "HVA-131") == {"hv1": status}, messages(a, "HVA-131")


def _nft_with(*matches: dict[str, object]) -> tuple[str, int]:
    """The hardened inet input chain (policy drop) with one accept rule of these matches first."""
    ruleset = json.loads(NFT_DROP)
    rule = {"family": "inet", "table": "filter", "chain": "input", "handle": 5}
    rule["expr"] = [*({"match": m} for m in matches), {"accept": None}]
    ruleset["nftables"].append({"rule": rule})
    return json.dumps(ruleset), 0


def _ct(op: str, right: object) -> dict[str, object]:
    return {"op": op, "left": {"ct": {"key": "state"}}, "right": right}


def _addr(proto: str, field: str, right: object) -> dict[str, object]:
    return {"op": "==", "left": {"payload": {"protocol": proto, "field": field}}, "right": right}


@pytest.mark.parametrize(
    ("matches", "status", "part"),
    [
        ((_addr("ip", "saddr", {"prefix": {"addr": "0.0.0.0", "len": 0}}),), "fail", "every IPv4"),
        ((_addr("ip6", "daddr", {"prefix": {"addr": "::", "len": 0}}),), "fail", "every IPv6"),
        ((_addr("ip", "saddr", {"range": ["0.0.0.0", "255.255.255.255"]}),), "fail", "IPv4"),
        (({"op": "==", "left": {"meta": {"key": "nfproto"}}, "right": "ipv4"},), "fail", "IPv4"),
        ((_addr("ip", "saddr", {"prefix": {"addr": "10.0.0.0", "len": 8}}),), "pass", ""),
        (({"op": "!=", "left": {"meta": {"key": "iifname"}}, "right": "lo"},), "fail", "IPv4"),
        (({"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "lo"},), "pass", ""),
        ((_ct("in", {"set": ["established", "related"]}),), "pass", ""),
        ((_ct("in", {"set": ["new", "established", "related"]}),), "fail", "IPv4"),
        ((_ct("!=", "invalid"),), "fail", "IPv4"),
        ((_ct("in", "new"), _addr("tcp", "dport", 22)), "pass", ""),
        # every IPv4 source, but only to one port: not everything
        (
            (
                _addr("ip", "saddr", {"prefix": {"addr": "0.0.0.0", "len": 0}}),
                _addr("tcp", "dport", 22),
            ),
            "pass",
            "",
        ),
    ],
)
def test_nft_matches_that_select_a_whole_family_are_catch_all(
    host_scan, matches: tuple[dict[str, object], ...], status: str, part: str
) -> None:
    links = json.loads(IP_ADDR)
    links[-1]["addr_info"].append({"family": "inet6", "local": "2001:db8::10", "scope": "global"})
    a = host_scan({"nft-ruleset": _nft_with(*matches), "ip-addr": (json.dumps(links), 0)})
    assert outcomes(a, "HVA-190") == {"hv1": status}, messages(a, "HVA-190")
    assert part in messages(a, "HVA-190")["hv1"]


@pytest.mark.parametrize(
    ("conf", "status", "part"),
    [
        (None, "manual", "/etc/sssd/sssd.conf was not read"),
        ("[sssd]\ndomains = local\n[domain/local]\nid_provider = files\n", "fail", "files"),
        (
            "[sssd]\ndomains = p\n[domain/p]\nid_provider = proxy\nproxy_lib_name = files\n",
            "fail",
            "SSSD with local files only",
        ),
        ("[sssd]\nservices = nss\n", "fail", "no domain"),
        # an AD domain listed after a files one: SSSD answers from the directory too
        (
            "[sssd]\ndomains = local, corp\n[domain/local]\nid_provider = files\n"
            "[domain/corp]\nid_provider = ipa\n",
            "pass",
            "sss",
        ),
        # sssd.conf(5) enabled: false disables a listed domain, true enables an unlisted one
        (
            "[sssd]\ndomains = corp\n[domain/corp]\nid_provider = ad\nenabled = false\n",
            "fail",
            "SSSD with local files only",
        ),
        (
            "[sssd]\ndomains = local\n[domain/local]\nid_provider = files\n"
            "[domain/corp]\nid_provider = ldap\nenabled = true\n",
            "pass",
            "sss",
        ),
        # a directory section that `domains` does not list is not in use
        (
            "[sssd]\ndomains = local\n[domain/local]\nid_provider = files\n"
            "[domain/corp]\nid_provider = ad\n",
            "fail",
            "files",
        ),
    ],
)
def test_sss_counts_only_with_a_directory_domain(
    tmp_path: Path, conf: str | None, status: str, part: str
) -> None:
    host = dict(HARDENED_HOST)
    host.pop("/etc/sssd/sssd.conf")
    if conf is not None:
        host["/etc/sssd/sssd.conf"] = conf
    uri = write_node(tmp_path / "node.xml", [domain_xml("web01")], [])
    a = run_assessment(build_bundle(tmp_path, uri, host))
    assert outcomes(a, "HVA-150") == {"hv1": status}, messages(a, "HVA-150")
    assert part in messages(a, "HVA-150")["hv1"]


@pytest.mark.parametrize(
    ("addr", "status"),
    [("0", "fail"), ("0.0", "fail"), ("::0", "fail"), ("10.0.9.10", "pass")],
)
def test_migration_address_spellings_of_every_address(host_scan, addr: str, status: str) -> None:
    """inet_aton(3): "0" and "0.0" are 0.0.0.0; "::0" is the IPv6 unspecified address."""
    conf = HARDENED_HOST["/etc/libvirt/qemu.conf"].replace(
        'migration_address = "10.0.1.10"', f'migration_address = "{addr}"'
    )
    assert f'"{addr}"' in conf
    a = host_scan({"/etc/libvirt/qemu.conf": conf})
    assert outcomes(a, "HVA-036") == {"hv1": status}, messages(a, "HVA-036")


def test_rsyslog_configuration_without_rsyslogd_forwards_nothing(host_scan) -> None:
    procs = "".join(
        ln + "\n" for ln in PROCS.splitlines() if not ln.rstrip().endswith("rsyslogd -n -iNONE")
    )
    assert "rsyslogd" not in procs
    a = host_scan({"processes": (procs, 0)})
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}, messages(a, "HVA-200")
    assert messages(a, "HVA-200")["hv1"] == (
        "no running forwarder sends the host's logs to a remote destination (configured but not "
        "running: "
        "rsyslogd (logs.example.internal))"
    )


def test_forwarding_with_an_unread_process_list_is_a_question(host_scan) -> None:
    a = host_scan({"processes": ("", 1)})
    assert outcomes(a, "HVA-200") == {"hv1": "manual"}, messages(a, "HVA-200")
    assert "whether the configured log forwarders (rsyslogd) run" in messages(a, "HVA-200")["hv1"]


RSYSLOG = (
    # imuxsock reads the system log socket: without it (or imjournal) rsyslog forwards the
    # kernel's messages at most (R25L-4)
    "/etc/rsyslog.conf:$ModLoad imuxsock\n"
    "/etc/rsyslog.conf:$DefaultNetstreamDriver gtls\n"
    "/etc/rsyslog.conf:$DefaultNetstreamDriverCAFile /etc/ssl/certs/logs-ca.pem\n"  # R28L-1
    "/etc/rsyslog.conf:$ActionSendStreamDriverMode 1\n"
    "/etc/rsyslog.conf:$ActionSendStreamDriverAuthMode x509/name\n"
)


@pytest.mark.parametrize(
    ("lines", "status", "part"),
    [
        (["*.none @@a.example:6514"], "fail", "selectors forward no daemon message (libvirt's)"),
        (["auth,authpriv.* @@a.example:6514"], "fail", "a.example (auth,authpriv.*)"),
        (["*.*;daemon.none;kern.none @@a.example:6514"], "fail", "daemon.none"),
        (["*.info;mail.none @@a.example:6514"], "pass", "a.example"),
        # the kernel's messages alone carry none of libvirt's (daemon facility)
        (["kern.* @@a.example:6514"], "fail", "a.example (kern.*)"),
        # one narrow destination next to one that carries everything
        (["auth.* @@a.example:6514", "*.* @@b.example:6514"], "pass", "b.example"),
    ],
)
def test_rsyslog_selector_decides_what_is_forwarded(
    host_scan, lines: list[str], status: str, part: str
) -> None:
    cfg = RSYSLOG + "".join(f"/etc/rsyslog.conf:{ln}\n" for ln in lines)
    a = host_scan({"rsyslog-config": (cfg, 0)})
    assert outcomes(a, "HVA-200") == {"hv1": status}, messages(a, "HVA-200")
    assert part in messages(a, "HVA-200")["hv1"]


def test_rsyslog_certvalid_authenticates_no_server(host_scan) -> None:
    cfg = RSYSLOG.replace("x509/name", "x509/certvalid") + "/etc/rsyslog.conf:*.* @@a.example\n"
    a = host_scan({"rsyslog-config": (cfg, 0)})
    assert outcomes(a, "HVA-200") == {"hv1": "fail"}, messages(a, "HVA-200")
    assert "x509/certvalid" in messages(a, "HVA-200")["hv1"]


SUDOERS = HARDENED_HOST["sudoers"][0]


@pytest.mark.parametrize(
    ("extra", "status", "part"),
    [
        ("/etc/sudoers:#include /etc/sudoers.custom\n", "manual", "/etc/sudoers.custom"),
        ("/etc/sudoers:@include sudoers.local\n", "manual", "/etc/sudoers.local"),
        ("/etc/sudoers:#includedir /etc/sudoers.extra.d\n", "manual", "/etc/sudoers.extra.d"),
        ("/etc/sudoers:@include /etc/sudoers.d/ops\n", "pass", ""),
        # includedir skips names with a dot or ending in '~': these grant nothing
        (
            "".join(
                f"/etc/sudoers.d/{n}:{u} ALL=(ALL) ALL\n"
                for n, u in (("ops.bak", "bob"), ("ops~", "carol"), ("README.txt", "dave"))
            ),
            "pass",
            "",
        ),
        # but an explicit include reads the file whatever its name
        (
            "/etc/sudoers:@include /etc/sudoers.d/ops.conf\n"
            + "".join(f"/etc/sudoers.d/ops.conf:{u} ALL=(ALL) ALL\n" for u in ("bob", "carol")),
            "fail",
            "bob",
        ),
    ],
)
def test_sudoers_includes(host_scan, extra: str, status: str, part: str) -> None:
    a = host_scan({"sudoers": (SUDOERS + extra, 0)})
    assert outcomes(a, "HVA-142") == {"hv1": status}, messages(a, "HVA-142")
    assert part in messages(a, "HVA-142")["hv1"]


@pytest.mark.parametrize(
    ("extra", "status"),
    [
        ("task-xfce-desktop\t3.73\tii \n", "fail"),
        ("x11vnc\t0.9.16-9\tii \n", "fail"),
        # a server's user-session D-Bus and X authority tools are no desktop
        ("dbus-user-session\t1.14.10-1\tii \nxauth\t1:1.1.2-1\tii \n", "pass"),
    ],
)
def test_desktop_classes(host_scan, extra: str, status: str) -> None:
    pkgs = HARDENED_HOST["dpkg-packages"][0] + extra
    a = host_scan({"dpkg-packages": (pkgs, 0)})
    assert outcomes(a, "HVA-001") == {"hv1": status}, messages(a, "HVA-001")
