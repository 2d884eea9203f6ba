"""VMware leads of session 15 (tests/test_pvevmw_leads15.py "Not settled",
tests/test_redteam15_vmw_probes.py "Leads left") settled in session 16 (issue 8: verdicts an
auditor can sign). Each test names the source it rests on and asserts the exact verdict; each
finding's test failed on main before its fix.

Findings:
- L16-10 (false pass): HVA-031 passed a VMware VM whose .vmx leaves RemoteDisplay.vnc.enabled
  out, "no RemoteDisplay.vnc.enabled = TRUE"; the host's /etc/vmware/config (host defaults,
  L15-1) can turn VNC on for every VM on an ESXi before 7.0. Now the host's question where the
  host's version is older than 7.0 or not known; ESXi 7.0 or later (no VNC server) still passes.
- L16-11 (false pass): HVA-057 likewise for vmci0.unrestricted (takes effect up to ESXi 5.0).
- L16-12 (false pass): HVA-405 passed "3D acceleration off" on an absent mks.enable3d (and on the
  vSphere API's enable3DSupport = false, which renders an absent key and FALSE alike); DISA's
  vSphere 7 STIG VMCH-70-000023 counts an absent key as a finding too. Now the host's question.
- L16-13 (false pass): HVA-404 passed "no sched.mem.pshare.salt, host Mem.ShareForceSalting = 2":
  a salt in /etc/vmware/config is every such VM's, and VMs with one salt share pages. Now the
  host's question; an empty salt (a VM's own) still passes.
- L16-14 (false pass): HVA-423 passed a Security.PasswordQualityControl whose min= passwdqc
  refuses ("min=15", "min=8,8,8,8,15": five values, none larger than the one before,
  passwdqc_parse.c), reading its last number as 15 characters; pam_passwdqc then returns
  PAM_ABORT for every password change ("misconfigured"). Now a fail naming the option.
- L16-15 (wrong fail): HVA-423 failed Security.AccountUnlockTime = 0 "want >= 900"; PAM's
  lockout modules read unlock_time=0 as never (locked until an administrator resets it), which
  AC-7 allows; how ESXi hands 0 to PAM is not in the evidence: a question.
- L16-16 (false pass): HVA-419/420/421 passed on the options alone with the host's firewall not
  read, and with an enabled syslog/ntpClient ruleset whose allowed IP list leaves the log host or
  NTP server out (an outbound ruleset's list names its destinations, vSphere 6.5 Security); the
  collector dropped allowedHosts.ipAddress. Now blocked fails, not read / a name against a list
  is asked, and the single addresses are collected.
- L16-17 (false pass): HVA-420 passed a Syslog.global.logHost outside ESXi's documented
  "Comma (,) separated list ... proto://hostname|ipv4|'['ipv6']'[:port]" (a space or semicolon
  list, read as one TLS target): asked; `ssl://` with no host: fail.
- L16-18 (false pass): HVA-420 ignored ESXi's log filters (Syslog.global.logFiltersEnable with
  Syslog.global.logFilters drop matching messages once counted; CIS ESXi 8 4.5 "deactivate log
  filtering"): fail.

Held: HVA-031 on ESXi 7.0 without the key and with RemoteDisplay.vnc.enabled = FALSE; HVA-057
on ESXi 6.5 without the key; HVA-405 with mks.enable3d = FALSE; HVA-404 with an empty salt;
HVA-423 at the STIG's value and with a `+` strtoul reads, and a 60 s unlock time still failing;
HVA-401 with isolation.device.connectable.disable absent (VMCH-80-000197: "If the setting does
not exist no action is needed"; asked of the host as every absent isolation key since L15-1,
never failed); a log host among the ruleset's single addresses or inside its network; the
bracketed IPv6 log host; log filters written but not enabled; HVA-412 failing an enabled
outbound ruleset open to all (ESXI-80-000239: "Check this for "Incoming" and "Outgoing""; the
suspected wrong fail is the STIG's finding).

Tally: 28 cases. 18 failed on main before their fix (5f384ab for L16-10..15: 9 of 16, one of
them, min=disabled,24,11,8,7,6, on its message only; 264a2e9 for L16-16..18: 9 of 12); 10 held
cases passed there too.

Leads left:
- /etc/vmware/settings: DISA vSphere 8 STIG ESXI-80-000236 (read with `find_string`): "a vmx
  process will look in two locations ... The settings on the ESXi host are read first and take
  precedence over settings in the *.vmx file"; a public ESXi 6.0 how-to re-enables copy/paste
  there. A non-empty file overrides even the keys a VM sets, so every VM-key pass (HVA-401, 402,
  403, 404, 405, 031, 049, 057) rests on it; no check reads or asks it (coverage.md lists it
  uncovered). Wants one host check (a question per host) or host_default_questions naming both
  files.
- HVA-047's device keys (sound.present, usb.present, serialN.present ...) left out of a .vmx:
  not made host questions; no source read shows a host file adding virtual hardware, and a
  vSphere collection's devices are hostd's config.hardware.device. monitor.virtual_exec
  (hardware acceleration) likewise not reviewed.
- passwdqc's other parse errors (max= below 8, random= 1..23, an unknown option) also make
  pam_passwdqc abort; only min= is judged, as which passwdqc release ESXi bundles (the options
  it knows) was not found.
- Security.AccountUnlockTime = 0: which PAM module ESXi 7/8 configure (pam_tally2 or
  pam_faillock) and whether 0 reaches it is still the question.
- HVA-420 with logFiltersEnable true and logFilters not reported is not judged; whether log
  filters also drop audit records (HVA-421) was not found.
- The simulator's hardened host names its log host and NTP servers by DNS against rulesets
  limited to 10.0.0.0/24, so HVA-419/420/421 are now questions there; addresses inside the list
  (tests/vcsim/profiles.go) would keep a pass in the hardened control.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hvaudit.checks.vmware import settings_question
from test_pvevmw_leads15 import _offline
from test_redteam11_vmw_probes import _question, _verdict
from test_redteam13_vmw_probes import LOCKOUT, STIG_QUALITY, _vsphere
from test_redteam17_vmw_probes import own_keys

# --- L16-10 .. L16-13: more .vmx keys a VM leaves to the host's /etc/vmware/config -----------------

# VMware's configuration file hierarchy ("Using a Configuration File Hierarchy", L15-1): the VM's
# own file first, "/etc/vmware/config: Lowest precedence. A host default configuration file". On
# ESXi the VMX still reads it for VM keys: `echo 'vhv.enable = "TRUE"' >> /etc/vmware/config`
# "enables nested ESXi ... in vSphere 5.1 or higher", `monitor_control.disable_apichv` and
# `cpuid.brandstring` appended there on ESXi 8 (read with `find_string`), and DISA's vSphere 8
# STIG ESXI-80-000237 greps it for `vmx.log` keys that "override virtual machine (VM) logger
# settings". No hvaudit collector reads that file.


def _question_for(keys: str, passes: str, fails: str, host: str = "offline-vmx") -> str:
    return (
        f"Do /etc/vmware/settings and /etc/vmware/config on host {host} leave {keys} out, or set "
        f"{passes}? Evidence: `grep -i` for these keys in /etc/vmware/settings and "
        "/etc/vmware/config on the host (ESXi Shell or SSH). Pass: yes; fail: "
        f"{fails}."
    )


def _message(n: int, names: str, keys: str) -> str:
    return (
        f"{n} VM(s) ({names}) do not set {keys} in their .vmx: the host's /etc/vmware/settings "
        "and /etc/vmware/config, not read, decide"
    )


def test_vnc_key_absent_asks_the_host(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """L16-10: HVA-031 passed a1 "no RemoteDisplay.vnc.enabled = TRUE: the console is reached
    through vSphere only"; a host /etc/vmware/config setting it TRUE starts VNC for every VM on
    ESXi before 7.0 ("VNC has been removed in 7.0"), and .vmx files read offline name no
    version. Right: the host's question; b2 setting it FALSE itself still passes."""
    got = _offline(
        tmp_path,
        capsys,
        {"a1": "", "b2": 'RemoteDisplay.vnc.enabled = "FALSE"\n'},
        "HVA-031",
    )
    assert sorted(got) == [
        (  # V17-1: the VM's own key is overridden by the host's /etc/vmware/settings
            "b2",
            *own_keys(
                (
                    "pass",
                    "no RemoteDisplay.vnc.enabled = TRUE: the console is reached through vSphere "
                    "only",
                ),
                "offline-vmx",
            ),
            settings_question("offline-vmx"),
        ),
        (
            "offline-vmx",
            "manual",
            _message(1, "a1", "RemoteDisplay.vnc.enabled"),
            _question_for(
                "RemoteDisplay.vnc.enabled",
                "it to FALSE",
                "it sets it to TRUE (or to text VMware reads as TRUE) and the host runs ESXi 6.7 "
                "or older, which serve VNC",
            ),
        ),
    ]


def _versioned(tmp_path: Path, product: str, vmx: str = 'displayName = "vm1"\n') -> Any:
    return _vsphere(tmp_path, {"product": product}, vmx=vmx)


def test_vnc_key_absent_on_esxi_7_passes(tmp_path: Path) -> None:
    """Held: ESXi 7.0 has no VNC server, whatever the host's file says: pass as before."""
    a = _versioned(tmp_path, "VMware ESXi 7.0.3 build-21930508")
    assert _verdict(a, "HVA-031", "vm1") == (
        "pass",
        "no RemoteDisplay.vnc.enabled = TRUE: the console is reached through vSphere only",
    )


def test_vnc_key_absent_on_esxi_6_5_asks(tmp_path: Path) -> None:
    """L16-10 through the vSphere collector's host record: ESXi 6.5 serves VNC, so the key the
    .vmx leaves out is the host's question (was a pass)."""
    a = _versioned(tmp_path, "VMware ESXi 6.5.0 build-5969303")
    assert _verdict(a, "HVA-031") == (
        "manual",
        _message(1, "vm1", "RemoteDisplay.vnc.enabled"),
    )
    assert _question(a, "HVA-031").startswith(
        "Do /etc/vmware/settings and /etc/vmware/config on host esx1 leave"
    )


def test_vmci_key_absent_asks_the_host(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """L16-11: HVA-057 passed a1 "no shared-memory device and no vmci0.unrestricted = TRUE";
    vmci0.unrestricted = TRUE "could communicate with all host endpoints and other virtual
    machines" on ESX/ESXi 4.0 to 5.0 (VMCI Sockets guide, "VMCI isolation"), and a host default
    sets it for every VM. Offline there is no version: the host's question."""
    got = _offline(tmp_path, capsys, {"a1": "", "b2": 'vmci0.unrestricted = "FALSE"\n'}, "HVA-057")
    assert sorted(got) == [
        (  # V17-1
            "b2",
            *own_keys(
                ("pass", "no shared-memory device and no vmci0.unrestricted = TRUE"), "offline-vmx"
            ),
            settings_question("offline-vmx"),
        ),
        (
            "offline-vmx",
            "manual",
            _message(1, "a1", "vmci0.unrestricted"),
            _question_for(
                "vmci0.unrestricted",
                "it to FALSE",
                "it sets it to TRUE and the host runs ESXi 5.0 or older, where it takes effect",
            ),
        ),
    ]


def test_vmci_key_absent_on_esxi_6_5_passes(tmp_path: Path) -> None:
    """Held: as of ESXi 5.1 vmci0.unrestricted has no effect, whoever sets it: pass."""
    a = _versioned(tmp_path, "VMware ESXi 6.5.0 build-5969303")
    assert _verdict(a, "HVA-057", "vm1") == (
        "pass",
        "no shared-memory device and no vmci0.unrestricted = TRUE",
    )


def test_3d_key_absent_asks_the_host(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """L16-12: HVA-405 passed a1 "3D acceleration off" on an absent mks.enable3d. DISA vSphere 7
    STIG VMCH-70-000023 (read with `read_file`): "If the virtual machine advanced setting
    "mks.enable3d" does not exist or is not set to "false", this is a finding"; the host's
    /etc/vmware/config can set it. Right: the host's question; FALSE in the .vmx passes."""
    got = _offline(tmp_path, capsys, {"a1": "", "b2": 'mks.enable3d = "FALSE"\n'}, "HVA-405")
    assert sorted(got) == [
        (  # V17-1
            "b2",
            *own_keys(("pass", "3D acceleration off"), "offline-vmx"),
            settings_question("offline-vmx"),
        ),
        (
            "offline-vmx",
            "manual",
            _message(1, "a1", "mks.enable3d"),
            _question_for(
                "mks.enable3d",
                "it to FALSE",
                "it sets it to TRUE (or to text VMware reads as TRUE)",
            ),
        ),
    ]


def test_salt_absent_at_salting_2_asks_the_host(tmp_path: Path) -> None:
    """L16-13: Mem.ShareForceSalting 2, "VMs that do not have the sched.mem.pshare.salt option
    set cannot share memory with any other VM" (ESXi's option description, HVA-404's docstring);
    a salt in the host's /etc/vmware/config is set for each VM that leaves it out, one salt for
    all, and VMs with one salt share pages ("1 - VMs that have the sched.mem.pshare.salt option
    set are able to share memory with VMs with the same salt"). HVA-404 passed "no
    sched.mem.pshare.salt, host Mem.ShareForceSalting = 2". Right: the host's question."""
    a = _vsphere(tmp_path, {"advanced": {"Mem.ShareForceSalting": 2}}, vmx='displayName = "vm1"\n')
    assert _verdict(a, "HVA-404") == ("manual", _message(1, "vm1", "sched.mem.pshare.salt"))
    assert _question(a, "HVA-404") == _question_for(
        "sched.mem.pshare.salt",
        "it empty (each VM then gets a salt of its own)",
        "it sets a salt with text, which every VM leaving the key out shares",
        host="esx1",
    )


def test_empty_salt_at_salting_2_passes(tmp_path: Path) -> None:
    """Held: "If the sched.mem.pshare.salt is present but empty, the VM gets its own unique
    salt": the VM's own key outranks the host's default."""
    vmx = 'displayName = "vm1"\nsched.mem.pshare.salt = ""\n'
    a = _vsphere(tmp_path, {"advanced": {"Mem.ShareForceSalting": 2}}, vmx=vmx)
    assert _verdict(a, "HVA-404", "vm1") == own_keys(  # V17-1: the host's settings override
        (
            "pass",
            "sched.mem.pshare.salt is empty, host Mem.ShareForceSalting = 2: the VM gets its own "
            "unique salt",
        ),
        "esx1",
    )


def test_device_connectable_absent_is_the_hosts_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held (lead 6): DISA vSphere 8 STIG VMCH-80-000197 "If the setting does not exist no action
    is needed" for isolation.device.connectable.disable; HVA-401 neither passes nor fails a VM
    leaving it out: like every absent isolation key since L15-1 it is the host's question (the
    host's /etc/vmware/config can set it FALSE), never a fail."""
    keys = [
        "isolation.tools.copy.disable",
        "isolation.tools.paste.disable",
        "isolation.tools.dnd.disable",
        "isolation.tools.diskShrink.disable",
        "isolation.tools.diskWiper.disable",
    ]
    got = _offline(tmp_path, capsys, {"a1": "".join(f'{k} = "TRUE"\n' for k in keys)}, "HVA-401")
    assert [(s, st) for s, st, _, _ in got] == [("offline-vmx", "manual")]


# --- L16-14: HVA-423 and min= values passwdqc refuses ---------------------------------------------

# passwdqc_parse.c (github:openwall/passwdqc, read with `fetch`), parse_option "min=": five values,
# each "disabled" or strtoul(p, &e, 10), `if (i < 4 && *p++ != ',') goto parse_error;`
# `if (i && (int)v > params->qc.min[i - 1]) goto parse_error;` `if (*p) goto parse_error;`.
# pam_passwdqc.c pam_sm_chauthtok: on a parse error it says MESSAGE_MISCONFIGURED (or
# MESSAGE_INVALID_OPTION to root) and `return PAM_ABORT;`: no length is checked at all.


@pytest.mark.parametrize("bad_min", ["min=15", "min=8,8,8,8,15", "min=disabled,24,11,8,7,6"])
def test_refused_min_fails(tmp_path: Path, bad_min: str) -> None:
    """HVA-423 read the last number of the last min= and passed "locks after 3 failures for 900
    s; history 5" for min=15 and min=8,8,8,8,15 (and a sixth value); passwdqc refuses each, and
    pam_passwdqc aborts the password change. Right: fail naming the option."""
    a = _vsphere(
        tmp_path,
        {
            "advanced": LOCKOUT
            | {"Security.PasswordQualityControl": f"similar=deny retry=3 {bad_min} max=64"}
        },
    )
    assert _verdict(a, "HVA-423") == (
        "fail",
        f"Security.PasswordQualityControl has {bad_min}, which pam_passwdqc refuses (min= takes "
        "five values, each at most the one before): it aborts every password change it checks, "
        "so no length is enforced as set",
    )


@pytest.mark.parametrize(
    "quality",
    [STIG_QUALITY, "similar=deny retry=3 min=disabled,disabled,disabled,+20,15 max=64"],
    ids=["stig", "plus-sign"],
)
def test_accepted_min_held(tmp_path: Path, quality: str) -> None:
    """Held: the STIG's value, and values strtoul reads (a leading +), pass as before."""
    a = _vsphere(tmp_path, {"advanced": LOCKOUT | {"Security.PasswordQualityControl": quality}})
    assert _verdict(a, "HVA-423") == ("pass", "locks after 3 failures for 900 s; history 5")


# --- L16-15: HVA-423 and Security.AccountUnlockTime = 0 -------------------------------------------


def test_unlock_time_zero_is_asked(tmp_path: Path) -> None:
    """HVA-423 failed "Security.AccountUnlockTime = 0 (want >= 900)". pam_faillock(8) (read with
    `find_string`): "unlock_time=n The access will be re-enabled after n seconds after the lock
    out. The value 0 has the same meaning as value never - the access will not be re-enabled
    without resetting the faillock entries"; VMware documents the option only as "Duration in
    seconds to lock out a user's account" (the host's option list, read with `fetch`). Locked
    until an administrator releases it is stricter than 900 s (SP 800-53 AC-7); ESXi's hand-over
    of 0 is not in the evidence. Right: a question, not a fail."""
    adv = LOCKOUT | {
        "Security.AccountUnlockTime": 0,
        "Security.PasswordQualityControl": STIG_QUALITY,
    }
    a = _vsphere(tmp_path, {"advanced": adv})
    assert _verdict(a, "HVA-423") == (
        "manual",
        "locks after 3 failures; Security.AccountUnlockTime = 0 (PAM's unlock_time never); "
        "history 5",
    )
    assert _question(a, "HVA-423") == (
        "Does host esx1 keep a locked account locked until an administrator resets it, with "
        "Security.AccountUnlockTime = 0? Evidence: the unlock_time the host gives its PAM lockout "
        "module (`grep -r unlock_time /etc/pam.d` in the ESXi Shell), or a test account locked by "
        "failed logins and tried again after 15 minutes. Pass: unlock_time=0 (never) or the test "
        "account stays locked; fail: no lockout, or the account is unlocked within 900 s."
    )


def test_unlock_time_short_still_fails(tmp_path: Path) -> None:
    """Held: 60 s unlocks within 900 s: fail as before."""
    adv = LOCKOUT | {
        "Security.AccountUnlockTime": 60,
        "Security.PasswordQualityControl": STIG_QUALITY,
    }
    assert _verdict(_vsphere(tmp_path, {"advanced": adv}), "HVA-423") == (
        "fail",
        "Security.AccountUnlockTime = 60 (want >= 900)",
    )


# --- L16-16: HVA-419/420/421 and the firewall that lets the traffic out ---------------------------

# vSphere 8.0 ESXCLI Concepts and Examples (V15-3): "Configure the firewall to permit outbound
# syslog transmissions"; vSphere 6.5 Security, "ESXi Firewall Configuration" (read with
# `search`): "When the NFS Client rule set is enabled, all outbound TCP ports are open for the
# destination hosts in the list of allowed IP addresses": an outbound ruleset's allowed IP list
# names the destinations it admits. HostFirewallRulesetIpList (vSphere API): allIp, ipNetwork
# and ipAddress, the last not collected before L16-16.

TLS = {
    "Syslog.global.certificate.checkSSLCerts": True,
    "Syslog.global.logFiltersEnable": False,  # V21B-1: log filters off, reported
    "Syslog.global.auditRecord.storageEnable": True,
    "Syslog.global.auditRecord.storageCapacity": 100,
    "Syslog.global.auditRecord.remoteEnable": True,
    "Syslog.global.auditRecord.storageDirectory": "[datastore1] audit",
}


def _firewall(ruleset: str, networks: list[str], addresses: list[str]) -> dict[str, Any]:
    """A host firewall blocking both directions, `ruleset` enabled for the listed destinations
    only: real pyVmomi data objects through collect/vsphere.py's _host_record."""
    import json

    from pyVmomi import vim

    from hvaudit.collect.vsphere import _host_record

    ip = vim.host.Ruleset.IpList
    nets = []
    for n in networks:
        network, prefix = n.split("/")
        nets.append(vim.host.Ruleset.IpNetwork(network=network, prefixLength=int(prefix)))
    info = vim.host.FirewallInfo(
        defaultPolicy=vim.host.FirewallInfo.DefaultPolicy(
            incomingBlocked=True, outgoingBlocked=True
        ),
        ruleset=[
            vim.host.Ruleset(
                key=ruleset,
                label=ruleset,
                required=False,
                enabled=True,
                rule=[vim.host.Ruleset.Rule(port=1514, direction="outbound", protocol="tcp")],
                allowedHosts=ip(allIp=False, ipNetwork=nets, ipAddress=addresses),
            )
        ],
    )
    record = _host_record({"name": "esx1", "config.firewall": info}, {})
    firewall: dict[str, Any] = json.loads(json.dumps(record["firewall"]))
    return firewall


def _syslog(tmp_path: Path, log_host: str, firewall: dict[str, Any] | None, **adv: Any) -> Any:
    host: dict[str, Any] = {"advanced": TLS | {"Syslog.global.logHost": log_host} | adv}
    if firewall is not None:
        host["firewall"] = firewall
    return _vsphere(tmp_path, host)


def test_syslog_with_the_firewall_not_read_is_asked(tmp_path: Path) -> None:
    """HVA-420 passed "logs to ssl://log1.example.org:1514, certificates verified" (and HVA-421
    counted the records forwarded) on a host whose firewall was not collected: with outgoing
    traffic blocked by default and the syslog ruleset disabled nothing leaves (V15-3). Right:
    asked."""
    a = _syslog(tmp_path, "ssl://log1.example.org:1514", None)
    assert _verdict(a, "HVA-420") == (
        "manual",
        "logs to ssl://log1.example.org:1514, certificates verified; the host's firewall "
        "(config.firewall) was not read",
    )
    assert _question(a, "HVA-420") == (
        "Does host esx1's firewall let syslog messages out to ssl://log1.example.org:1514? "
        "Evidence: `esxcli network firewall get` (Default Action), `esxcli network firewall "
        "ruleset list -r syslog` and `esxcli network firewall ruleset allowedip list -r syslog` "
        "on the host (and the targets' addresses where they are names). Pass: outgoing traffic "
        "is not blocked by default, or the syslog ruleset is enabled and admits all addresses or "
        "each target's; fail: it is disabled while outgoing traffic is blocked, or its list "
        "leaves a target out."
    )
    assert _verdict(a, "HVA-421")[0] == "manual"


def test_syslog_target_outside_the_allowed_list_fails(tmp_path: Path) -> None:
    """The syslog ruleset enabled for 10.0.0.0/24 only; the log host 192.0.2.10 is outside it.
    HVA-420 passed (the ruleset is enabled). Right: both HVA-420 and HVA-421 fail."""
    a = _syslog(tmp_path, "ssl://192.0.2.10:1514", _firewall("syslog", ["10.0.0.0/24"], []))
    why = (
        "outgoing traffic is blocked by default and the syslog firewall ruleset admits only "
        "10.0.0.0/24, not ssl://192.0.2.10:1514"
    )
    assert _verdict(a, "HVA-420") == ("fail", f"logs to ssl://192.0.2.10:1514 are blocked: {why}")
    assert _verdict(a, "HVA-421") == ("fail", f"audit records not forwarded: {why}")


def test_syslog_target_among_single_addresses_held(tmp_path: Path) -> None:
    """Held: the log host is one of the ruleset's single addresses (allowedHosts.ipAddress, now
    collected) or inside its network: pass."""
    fw = _firewall("syslog", ["10.0.0.0/24"], ["192.0.2.10"])
    assert fw["rulesets"][0]["addresses"] == ["192.0.2.10"]
    for log_host in ("ssl://192.0.2.10:1514", "ssl://10.0.0.5"):
        a = _syslog(tmp_path / log_host[6:], log_host, fw)
        assert _verdict(a, "HVA-420") == ("pass", f"logs to {log_host}, certificates verified")


def test_syslog_target_by_name_against_a_list_is_asked(tmp_path: Path) -> None:
    """A log host named by DNS against a ruleset limited to 10.0.0.0/24: its address is not in
    the evidence. Was a pass; now asked."""
    a = _syslog(tmp_path, "ssl://log1.example.org", _firewall("syslog", ["10.0.0.0/24"], []))
    assert _verdict(a, "HVA-420") == (
        "manual",
        "logs to ssl://log1.example.org, certificates verified; the syslog ruleset admits only "
        "10.0.0.0/24; ssl://log1.example.org named by DNS",
    )


def _ntp(tmp_path: Path, firewall: dict[str, Any] | None) -> tuple[str, str]:
    host: dict[str, Any] = {
        "ntp": {"servers": ["192.0.2.20"], "protocol": "ntp"},
        "services": {"ntpd": {"running": True, "policy": "on"}},
    }
    if firewall is not None:
        host["firewall"] = firewall
    return _verdict(_vsphere(tmp_path, host), "HVA-419")


def test_ntp_server_outside_the_allowed_list_fails(tmp_path: Path) -> None:
    """HVA-419 passed "ntpd running (policy on), servers 192.0.2.20" with the ntpClient ruleset
    enabled for 10.0.0.0/24 only (and with no firewall read). Right: fail; asked."""
    assert _ntp(tmp_path, _firewall("ntpClient", ["10.0.0.0/24"], [])) == (
        "fail",
        "ntpd cannot reach its servers: outgoing traffic is blocked by default and the ntpClient "
        "firewall ruleset admits only 10.0.0.0/24, not 192.0.2.20",
    )
    assert _ntp(tmp_path / "b", None) == (
        "manual",
        "ntpd running (policy on), servers 192.0.2.20; the host's firewall (config.firewall) was "
        "not read",
    )


def test_outbound_ruleset_open_to_all_still_fails(tmp_path: Path) -> None:
    """Held (lead 2, HVA-412): an enabled outbound-only ruleset (syslog) allowing all addresses.
    DISA vSphere 8 STIG ESXI-80-000239 (read with `read_file`): "review the allowed IPs for each
    service. Check this for "Incoming" and "Outgoing" sections ... If "Allow connections from any
    IP address" is configured on a user-configurable enabled service, this is a finding": the
    fail is the STIG's, not a wrong fail."""
    rule = {"key": "syslog", "enabled": True, "all_ip": True, "networks": [], "addresses": []}
    fw = {"incoming_blocked": True, "outgoing_blocked": True, "rulesets": [rule]}
    a = _vsphere(tmp_path, {"firewall": fw})
    assert _verdict(a, "HVA-412") == ("fail", "1 enabled ruleset(s) open to any address: syslog")


# --- L16-17: HVA-420 and Syslog.global.logHost outside its documented form ------------------------

# ESXi's option list (read with `find_string`): Syslog.global.logHost "Comma (,) separated list of
# remote hosts to transmit messages to. Format is: proto://hostname|ipv4|'['ipv6']'[:port].
# Protocol must be one of (tcp|udp|ssl)."

OPEN_SYSLOG = {
    "incoming_blocked": True,
    "outgoing_blocked": True,
    "rulesets": [{"key": "syslog", "enabled": True, "all_ip": True, "networks": []}],
}


@pytest.mark.parametrize(
    "log_host", ["ssl://log1:1514 udp://log2:514", "ssl://log1:1514;udp://log2:514"]
)
def test_log_host_list_not_comma_separated_is_asked(tmp_path: Path, log_host: str) -> None:
    """HVA-420 split on commas only and passed the whole text as one TLS target (it starts with
    ssl://); how vmsyslogd reads a space or semicolon list is not documented, and the second
    target is UDP. Right: asked, naming the text."""
    a = _syslog(tmp_path, log_host, OPEN_SYSLOG)
    assert _verdict(a, "HVA-420") == (
        "manual",
        f"Syslog.global.logHost = {log_host}: {log_host} is not one proto://host[:port] target "
        "of a comma-separated list",
    )
    assert _question(a, "HVA-420").startswith(
        "To which servers does host esx1's vmsyslogd send its logs with Syslog.global.logHost ="
    )


def test_log_host_without_a_host_fails(tmp_path: Path) -> None:
    """`ssl://` (and `ssl://:1514`) names no server: HVA-420 passed "logs to ssl://, certificates
    verified". Right: fail."""
    a = _syslog(tmp_path, "ssl://, ssl://:1514", OPEN_SYSLOG)
    assert _verdict(a, "HVA-420") == (
        "fail",
        "Syslog.global.logHost = ssl://, ssl://:1514 names no log host",
    )


def test_log_host_ipv6_held(tmp_path: Path) -> None:
    """Held: the documented bracketed IPv6 form passes."""
    a = _syslog(tmp_path, "ssl://[2001:db8::10]:1514", OPEN_SYSLOG)
    assert _verdict(a, "HVA-420") == (
        "pass",
        "logs to ssl://[2001:db8::10]:1514, certificates verified",
    )


# --- L16-18: HVA-420 and ESXi's log filters -------------------------------------------------------


def test_log_filters_dropping_messages_fail(tmp_path: Path) -> None:
    """vSphere ESXi upgrade guide, syslog options of 7.0 U1 and later (read with `find_string`):
    Syslog.global.logFilters "numLogs | ident | logRegexp ... once numLogs is reached, the
    matching log messages are filtered and ignored"; Syslog.global.logFiltersEnable "Enable the
    use of log filters". CIS ESXi 8 4.5 (L1) "Host must deactivate log filtering". HVA-420 did not
    read them and passed. Right: fail."""
    a = _syslog(
        tmp_path,
        "ssl://log1:1514",
        OPEN_SYSLOG,
        **{"Syslog.global.logFiltersEnable": True, "Syslog.global.logFilters": "2 | hostd | .*"},
    )
    assert _verdict(a, "HVA-420") == (
        "fail",
        "log filters on (Syslog.global.logFiltersEnable): messages matching Syslog.global."
        "logFilters = 2 | hostd | .* are dropped once counted, never forwarded",
    )


def test_log_filters_off_held(tmp_path: Path) -> None:
    """Held: filters written but not enabled (the default, false) drop nothing: pass."""
    a = _syslog(
        tmp_path,
        "ssl://log1:1514",
        OPEN_SYSLOG,
        **{"Syslog.global.logFiltersEnable": False, "Syslog.global.logFilters": "2 | hostd | .*"},
    )
    assert _verdict(a, "HVA-420") == ("pass", "logs to ssl://log1:1514, certificates verified")
