"""Red-team round 29 probes: libvirt daemon configuration (rt29qemu)

Harness: the hardened Debian host replay (conftest `host_scan`: HARDENED_HOST plus overrides,
one plain libvirt test-driver VM web01, QEMU running as libvirt-qemu with Seccomp: 2 and
`-sandbox on,...`), with qemu.conf and the process list changed per probe.

Findings:
- R29Q-1 (false pass) HVA-045: an explicit `seccomp_sandbox = 1` passed by itself, with no QEMU
  running or its seccomp mode unread ("asks for the filter whatever the probe says, a QEMU that
  cannot give it does not start"). libvirt's qemuBuildSeccompSandboxCommandLine (libvirt/libvirt
  src/qemu/qemu_command.c) tests only `cfg->seccompSandbox == 0`; for every other value it
  adds `-sandbox on,obsolete=deny,...` only `if (virQEMUCapsGet(qemuCaps,
  QEMU_CAPS_SECCOMP_SANDBOX))` and otherwise nothing, so QEMU starts without its filter; QEMU
  offers -sandbox only where it was built with seccomp and the kernel takes a filter
  (qemu/qemu system/qemu-seccomp.c seccomp_register; QEMU commit 0dd693ef "sandbox: disable
  -sandbox if CONFIG_SECCOMP undefined", quoted by libvirt's Jan Tomko on qemu-devel, May
  2023: "libvirt adds '-sandbox on' to all VMs it runs, unless the option is not available").
  Now every value but 0 is asked as the default is (the lead's `seccomp_sandbox = 2` and -7
  were already asked; 1 and 2 with a filtered QEMU running pass).
- R29Q-2 (false pass) HVA-043, HVA-044: `security_driver = [ "none" ]` passed on the running
  daemon's AppArmor model where `security_driver = "none"` fails. libvirt reads the key as a
  string list, a string being a list of one (src/qemu/qemu_conf.c
  virQEMUDriverConfigLoadSecurityEntry: virConfGetValueStringList, compatString true), and
  qemuSecurityInit (src/qemu/qemu_driver.c) makes one security manager per name, so the list
  of "none" is the nop driver (src/security/security_driver.c virSecurityDriverLookup), and
  `[]` names none, so the default is probed as for an unset key (`cfg->securityDriverNames &&
  cfg->securityDriverNames[0]`). effective_qemu_conf now resolves a list of one name to that
  name and `[]` to unset, so every check compares one form.
- R29Q-3 (wrong fail) HVA-042: with swtpm_user / swtpm_group unset and tss missing from
  /etc/passwd (or /etc/group), HVA-042 failed "libvirt then falls back to root" on a host whose
  nsswitch resolves accounts through an SSSD directory too. libvirt tests the default with
  virDoesUserExist("tss") / virDoesGroupExist("tss") (src/qemu/qemu_conf.c
  virQEMUDriverConfigNew), which ask the passwd / group database (src/util/virutil.c
  getpwnam_r / getgrnam_r), so tss may come from the directory. Now a question (`getent passwd
  tss` / `getent group tss`) where the directory fact names a service or was not read, and
  the fail stays where nsswitch resolves from the files alone.
- R29Q-4 (crash: an error where a fail was due) HVA-031, every check reading a libvirt conf
  string: a NUL inside a quoted value (`vnc_listen = "0.0.0.0<NUL>"`) crashed HVA-031 for
  every VM ("check crashed: ValueError: embedded null character"). virConfParseString
  (src/util/virconf.c) keeps the value with g_strndup, which stops at the first NUL, so
  libvirt listens on 0.0.0.0. _ConfReader.string now cuts a value at its first NUL.

Held (kept as tests):
- seccomp_sandbox = 1 / 2 with the running QEMU at Seccomp: 2 and `-sandbox on,...` pass.
- security_driver = `[]`, `[ "apparmor" ]`, `[ "apparmor", "none" ]` pass HVA-043 on the
  running QEMU's enforcing profile.
- tss missing from /etc/passwd with nsswitch `passwd: files` still fails as the fall back to
  root.
- conf syntax (src/util/virconf.c): a key set twice keeps its first value (virConfAddEntry
  appends, virConfGetValue returns the first match) both ways round; `;` between statements
  with a trailing comment; '...' and triple-quoted strings.

Probed by script: 7 qemu.conf security_driver values (`[]`, `""`, `[ "none" ]`, `[ "apparmor",
"none" ]`, `[ "none", "apparmor" ]`, "selinux" and "dac" on an AppArmor host) x QEMU running or
not, against HVA-043 / HVA-048: only `[ "none" ]` was a false pass; `""`, "dac" and "selinux"
pass on the running daemon's AppArmor model while libvirt would refuse the driver at its next
start (virSecurityDriverLookup: "not found" / "not enabled"), which confines nothing less;
`namespaces = []` and `cgroup_device_acl = []` (HVA-053: fail and pass, as libvirt reads them);
8 conf-syntax forms against HVA-031 (above); virconf.c's number overflow (`l = l * 10 + ...`
wraps, so 18446744073709551617 is 1 to libvirt) only makes hvaudit report the file refused
(an error), never a pass. 12 raw `-netdev` shapes against HVA-031 (test_network_leads'
harness): JSON stream servers on 0.0.0.0, "" and ::, a JSON dgram on 0.0.0.0, a JSON socket
listen and a JSON user hostfwd fail; `server=yes` and a bare `server` fail; JSON clients
(server false, reconnect) and `-netdev passt` are n/a; a vsock stream server is n/a (lead).

Tally: 4 findings: 2 false passes (R29Q-1, R29Q-2), 1 wrong fail (R29Q-3), 1 crash (R29Q-4);
8 tests (24 cases), 9 cases failed on main before the fixes. Two older tests encoded the
wrong verdicts and were corrected in their own commits (test_vm_leads: seccomp_sandbox = 1
"forces it"; test_host_verdicts3: tss missing on the files+sss host "falls back to root").

Leads left:
- passt DNS (`--dns-forward` / `--dns-host`, and passt's own default when the host's resolver
  is a loopback stub) and passt `<portForward>` on host addresses: not reached this round.
- `-netdev stream,server=on,addr.type=vsock,addr.cid=C,addr.port=P` is n/a in HVA-031:
  net/stream.c net_stream_server_init listens on any SocketAddress
  (qio_channel_socket_listen_async, no type check), so QEMU listens on AF_VSOCK and a guest
  of another VM with a vsock device may reach this VM's network through CID 2 (or any CID);
  consoles._socket_address dropped vsock though its docstring names it: a false n/a, now
  judged (tests/test_vsock_net_listener.py).
- reach_words' "127/8 is reachable from guests" wording for user-mode guests (127.0.0.1 only):
  not reached.
- security_driver naming a driver the host cannot give (`"dac"`, `""`, "selinux" on AppArmor)
  makes the QEMU driver fail at its next start: hvaudit judges the running daemon's model; a
  `_qemu_value_refused` rule would need the build's driver list.
- nss-systemd userdb records (`passwd: files systemd`) could also give tss: R29Q-3 reads only
  the directory fact (sss, ldap, winbind, nis), and uses passwd's services for the group too.
- libvirt releases before QEMU_CAPS_SECCOMP_BLACKLIST was retired added `-sandbox on` for
  seccomp_sandbox > 0 whatever the probe: R29Q-1 asks on every release (conservative).
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, domain_xml, messages, outcomes

QEMU = "/etc/libvirt/qemu.conf"
QEMU_CONF = HARDENED_HOST[QEMU]
NO_QEMU = "    1 root     /sbin/init\n  700 root     /usr/sbin/libvirtd --timeout 120\n"
SECCOMP_Q = (
    "Do the VMs of host hv1 run under QEMU's seccomp filter? Evidence: `grep Seccomp: "
    "/proc/<pid>/status` of a running QEMU on hv1, or <flag name='seccomp-sandbox'/> in libvirt's "
    "QEMU capabilities cache (/var/cache/libvirt/qemu/capabilities/*.xml) there. Pass: yes, "
    "Seccomp: 2, or the flag is present; fail: Seccomp: 0, or the flag is absent, so QEMU starts "
    "without -sandbox."
)


def _question(a, check_id: str) -> str | None:
    return next(r.outcome.question for r in a.results if r.check.id == check_id)


@pytest.mark.parametrize("value", ["1", "2", "-7"])
@pytest.mark.parametrize(
    ("override", "why"),
    [
        ({"processes": (NO_QEMU, 0)}, "no QEMU process runs to show it"),
        (
            {"qemu-status-1200": ("", 2)},
            "the seccomp mode of running QEMU process(es) web01 was not read",
        ),
    ],
    ids=["none-running", "status-unread"],
)
def test_explicit_seccomp_sandbox_without_qemu_observed_asks(
    host_scan, value: str, override: dict[str, object], why: str
) -> None:
    """R29Q-1 (false pass): libvirt's qemuBuildSeccompSandboxCommandLine (libvirt/libvirt
    src/qemu/qemu_command.c) tests only `cfg->seccompSandbox == 0`; for any other value it adds
    `-sandbox on,obsolete=deny,...` only `if (virQEMUCapsGet(qemuCaps,
    QEMU_CAPS_SECCOMP_SANDBOX))`, else nothing, and QEMU starts without its filter. QEMU offers
    -sandbox only where it was built with seccomp and the kernel takes a filter
    (qemu/qemu system/qemu-seccomp.c seccomp_register). An explicit `seccomp_sandbox = 1`
    passed by itself ("forces it"); 2 and -7 were already asked."""
    a = host_scan({QEMU: QEMU_CONF + f"seccomp_sandbox = {value}\n", **override})
    assert outcomes(a, "HVA-045") == {"hv1": "manual"}
    assert messages(a, "HVA-045") == {
        "hv1": f"seccomp_sandbox = {value}: libvirt adds -sandbox on only where the QEMU binary "
        f"supports it (built with seccomp), and {why}"
    }
    assert _question(a, "HVA-045") == SECCOMP_Q


@pytest.mark.parametrize("value", ["1", "2"])
def test_explicit_seccomp_sandbox_with_qemu_filtered_passes(host_scan, value: str) -> None:
    """Held: with the running QEMU showing Seccomp: 2 and `-sandbox on,...` on its command line,
    seccomp_sandbox = 1 or 2 passes (any value but 0 asks libvirt for the filter)."""
    a = host_scan({QEMU: QEMU_CONF + f"seccomp_sandbox = {value}\n"})
    assert outcomes(a, "HVA-045") == {"hv1": "pass"}
    assert messages(a, "HVA-045") == {"hv1": f"seccomp_sandbox = {value}"}


@pytest.mark.parametrize("procs", ["running", "none-running"])
def test_security_driver_list_of_none_fails(host_scan, procs: str) -> None:
    """R29Q-2 (false pass): libvirt reads security_driver as a string list, a string being a
    list of one (libvirt/libvirt src/qemu/qemu_conf.c virQEMUDriverConfigLoadSecurityEntry:
    virConfGetValueStringList with compatString true), and qemuSecurityInit (qemu_driver.c)
    creates one security manager per name, so `[ "none" ]` is the nop driver as `"none"` is
    (src/security/security_driver.c virSecurityDriverLookup). HVA-043 and HVA-044 compared the
    value with the string "none" only, so the list passed on the running daemon's AppArmor
    model (which a restart drops)."""
    over: dict[str, object] = {QEMU: 'security_driver = [ "none" ]\n' + QEMU_CONF}
    if procs == "none-running":
        over["processes"] = (NO_QEMU, 0)
    a = host_scan(over)
    assert outcomes(a, "HVA-043") == {"hv1": "fail"}
    assert messages(a, "HVA-043") == {
        "hv1": 'qemu.conf security_driver = "none": QEMU is not confined'
    }
    assert outcomes(a, "HVA-044") == {"web01": "fail"}
    assert messages(a, "HVA-044") == {
        "web01": 'no <seclabel> and qemu.conf security_driver = "none": QEMU runs unconfined'
    }


@pytest.mark.parametrize(
    "value", ["[]", '[ "apparmor" ]', '[ "apparmor", "none" ]'], ids=["empty", "one", "stacked"]
)
def test_security_driver_lists_that_confine_held(host_scan, value: str) -> None:
    """Held: `[]` names no driver, so qemuSecurityInit probes the default as for an unset key
    (`cfg->securityDriverNames && cfg->securityDriverNames[0]` false); `[ "apparmor" ]` is
    "apparmor"; a stack with AppArmor first keeps it as the primary driver. Each passes on the
    running QEMU's enforcing libvirt-<uuid> profile."""
    a = host_scan({QEMU: f"security_driver = {value}\n" + QEMU_CONF})
    assert outcomes(a, "HVA-043") == {"hv1": "pass"}
    assert messages(a, "HVA-043") == {
        "hv1": "libvirt confines QEMU with AppArmor, 1 libvirt-<uuid> profile(s) enforcing"
    }


VTPM = domain_xml(
    "web01",
    "<devices><tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm></devices>",
)
NO_TSS_PASSWD = "".join(
    ln + "\n" for ln in HARDENED_HOST["/etc/passwd"].splitlines() if not ln.startswith("tss:")
)
NO_TSS_GROUP = "".join(
    ln + "\n" for ln in HARDENED_HOST["/etc/group"].splitlines() if not ln.startswith("tss:")
)
FILES_ONLY = "passwd:         files\ngroup:          files\nhosts: files dns\n"


@pytest.mark.parametrize(
    ("files", "key", "file", "what", "num", "cmd"),
    [
        ({"/etc/passwd": NO_TSS_PASSWD}, "swtpm_user", "/etc/passwd", "account", "uid", "passwd"),
        ({"/etc/group": NO_TSS_GROUP}, "swtpm_group", "/etc/group", "group", "gid", "group"),
    ],
    ids=["user", "group"],
)
def test_default_tss_missing_from_files_with_nss_directory_is_asked(
    host_scan, files: dict[str, str], key: str, file: str, what: str, num: str, cmd: str
) -> None:
    """R29Q-3 (wrong fail): with swtpm_user / swtpm_group unset libvirt runs swtpm as tss where
    `virDoesUserExist("tss")` / `virDoesGroupExist("tss")` find it (libvirt/libvirt
    src/qemu/qemu_conf.c virQEMUDriverConfigNew, "fall back to root" otherwise), and those ask
    the passwd / group database (src/util/virutil.c getpwnam_r / getgrnam_r): on the hardened
    host nsswitch has `passwd: files sss` with an SSSD directory domain, so a tss missing from
    the files may come from the directory. HVA-042 failed "libvirt then falls back to root"."""
    a = host_scan(files, domains=[VTPM])
    assert outcomes(a, "HVA-042") == {"hv1": "manual"}
    assert messages(a, "HVA-042") == {
        "hv1": f"qemu.conf leaves {key} unset and {file} has no tss {what}, but nsswitch "
        "passwd also resolves accounts through sss: libvirt runs the TPM emulator of VM(s) "
        f"web01 with the {num} of tss if that lookup finds one, else as root"
    }
    n = "n" if what == "account" else ""
    assert _question(a, "HVA-042") == (
        f"Does `getent {cmd} tss` on host hv1 give a{n} {what} whose {num} is not 0? "
        f"Evidence: that command on host hv1. Pass: yes; fail: {num} 0, or no such {what} "
        "(libvirt then runs swtpm as root)."
    )


def test_default_tss_missing_with_files_only_still_fails(host_scan) -> None:
    """Held: where nsswitch resolves accounts from the files alone, a tss missing from
    /etc/passwd is libvirt's fall back to root."""
    a = host_scan({"/etc/passwd": NO_TSS_PASSWD, "/etc/nsswitch.conf": FILES_ONLY}, domains=[VTPM])
    assert outcomes(a, "HVA-042") == {"hv1": "fail"}
    assert messages(a, "HVA-042") == {
        "hv1": "qemu.conf leaves swtpm_user unset and /etc/passwd has no tss account (libvirt "
        "then falls back to root): the TPM emulator of VM(s) web01 runs as root"
    }


VNC = domain_xml("web01", "<devices><graphics type='vnc' autoport='yes'/></devices>")
VNC_OPEN = "vnc on 0.0.0.0 (bound to every address) without a password"
VNC_LOCAL = "console(s) reachable only from the host"


@pytest.mark.parametrize(
    ("line", "status", "message"),
    [
        ('vnc_listen = "0.0.0.0\x00"\n', "fail", VNC_OPEN),
        ('vnc_listen = """0.0.0.0\x00\n"""\n', "fail", VNC_OPEN),
        ('vnc_listen = "127.0.0.1\x00x"\n', "pass", VNC_LOCAL),
    ],
    ids=["nul-after-any", "nul-in-triple-quotes", "nul-after-loopback"],
)
def test_nul_inside_a_string_ends_it(host_scan, line: str, status: str, message: str) -> None:
    """R29Q-4 (crash, an error where a fail was due): virConfParseString (libvirt/libvirt
    src/util/virconf.c) keeps a quoted value with `g_strndup(base, ctxt->cur - base)`, which
    stops at the first NUL, so `"0.0.0.0<NUL>"` is 0.0.0.0 to libvirt and VNC listens on every
    address. hvaudit kept the NUL and HVA-031 crashed for every VM ("check crashed: ValueError:
    embedded null character")."""
    a = host_scan({QEMU: line + QEMU_CONF}, domains=[VNC])
    assert outcomes(a, "HVA-031") == {"web01": status}
    assert messages(a, "HVA-031") == {"web01": message}


@pytest.mark.parametrize(
    ("lines", "status", "message"),
    [
        ('vnc_listen = "127.0.0.1"\nvnc_listen = "0.0.0.0"\n', "pass", VNC_LOCAL),
        ('vnc_listen = "0.0.0.0"\nvnc_listen = "127.0.0.1"\n', "fail", VNC_OPEN),
        ('vnc_tls = 0; vnc_listen = "0.0.0.0" # trailing\n', "fail", VNC_OPEN),
        ("vnc_listen = '0.0.0.0'\n", "fail", VNC_OPEN),
        ('vnc_listen = """0.0.0.0"""\n', "fail", VNC_OPEN),
    ],
    ids=["first-wins-local", "first-wins-open", "semicolon", "single-quotes", "triple-quotes"],
)
def test_conf_syntax_forms_held(host_scan, lines: str, status: str, message: str) -> None:
    """Held: virConfAddEntry appends each statement and virConfGetValue returns the first whose
    name matches (src/util/virconf.c), so a key set twice has its first value; `;` separates
    statements on one line (virConfParseSeparator); '...' and \"\"\"...\"\"\" are strings
    (virConfParseString)."""
    a = host_scan({QEMU: lines + QEMU_CONF}, domains=[VNC])
    assert outcomes(a, "HVA-031") == {"web01": status}
    assert messages(a, "HVA-031") == {"web01": message}
