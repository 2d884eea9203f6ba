"""Red-team round 17 on VMware: the leads rounds 15 and 16 left (tests/test_redteam15_vmw_probes.py,
tests/test_redteam16_vmw_probes.py, tests/test_vmw_leads16.py "Leads left"). Each probe names the
source it rests on (read with `find_string`, `read_file`, `search`) and asserts the exact verdict;
each finding's probe failed on main 50472df, the code before its fix.

Findings:

- V17-1 (false pass): every VMware VM pass resting on keys the VM's own .vmx sets (HVA-401
  "every isolation key is set TRUE in the VM's own settings", HVA-402, HVA-403, HVA-404's empty
  salt, HVA-405 "3D acceleration off", HVA-049 vhv.enable FALSE, HVA-031 and HVA-057 where the
  key takes effect) stood although the host's /etc/vmware/settings overrides them: DISA's
  vSphere 8 STIG ESXI-80-000236 (V-258791; vSphere 7 ESXI-70-000092, VCF 9 VCFE-9X-000232): "a
  vmx process will look in two locations ... The settings on the ESXi host are read first and
  take precedence over settings in the *.vmx file", check `stat -c "%s" /etc/vmware/settings`
  is 0; a public ESXi 6.0 how-to re-enables copy/paste there. Neither the API nor a datastore
  shows the file. Now a new host check, HVA-444, asks it once per host; those VM passes are
  withheld as the same question (Outcome.withheld), and an attestation answering HVA-444 yes
  for a host restores them (hvaudit.waivers._answer_host_settings). The host-default questions
  (L15-1, L16-10..13) name /etc/vmware/settings beside /etc/vmware/config.

- V17-2 (false pass): HVA-412 passed "incoming and outgoing blocked; every enabled ruleset
  limited to listed networks" although the firewall may be off: `esxcli network firewall set
  --enabled false` (or `unload`) disables it, `esxcli network firewall get` shows "Enabled:
  false", and HostFirewallInfo carries only defaultPolicy and ruleset (pyVmomi _typeinfo_vim).
  Now the question whether the firewall is enabled; the fails stand (HVA-412 joins the checks
  whose pass the platform cannot show, tests/test_check_coverage.py PLATFORM_LIMITATION).
- V17-4 (false pass): HVA-419 passed "clock synchronised by PTP: ptpd running, policy on" on
  the service state alone; ptpd synchronises over the ports of HostConfigInfo.ptpConfig
  (HostPtpConfig.port[], deviceType none / virtualNic / pciPassthruNic, API 7.0.3), which the
  collector does not read. Now a question naming the PTP port; ptpd stopped still fails.

Held: HVA-031 on ESXi 8 (no VNC server) and HVA-057 on ESXi 5.1 or later (vmci0.unrestricted
has no effect) keep their pass: they do not rest on the key; a "no" to HVA-444 or another host's
"yes" leaves the VM items open; HVA-046 answered yes does not answer them.

Settled without a finding:

- HVA-428 and HostCapability.uefiSecureBoot (vSphere API 8.0.3, pyVmomi _typeinfo_vim: a
  boolean with no description in the stubs): DISA/VMware read it as "booted with": VMware's
  own remediation script for VCFE-9X-000091 ("The ESX host must enable Secure Boot")
  compares `$vmhost.ExtensionData.Capability.UefiSecureBoot` to the STIG value and says
  "UEFI Secureboot detected as NOT enabled ... This rule must be remediated by enabling
  Secureboot in the servers firmware", and the vSphere Security Configuration Guide audit
  script logs "Secure Boot is enabled on the host" for true (both read with `find_string`).
  The pass stays; the API reference's own description was again not reached.

Probes: 7 test cases (6 functions). 6 failed on main before their fix (50472df for V17-1,
b632be8 for V17-4, 8554ed2 for V17-2); the held ESXi 8 case passed there too.

Leads left:
- V17-2: whether hostd reports a disabled firewall's default policy as not blocked was not
  found; where it does, HVA-412 could fail instead of asking. HVA-419/420/421 still reason from
  the default policy and rulesets ("blocked" fails) of a firewall that may be off (a wrong fail
  at worst, not a pass).
- HVA-419 on PTP: collecting config.ptpConfig (port deviceType, device) would let a host with a
  PTP port on a VMkernel adapter pass again; whether govmomi's simulator answers that property
  was not tried. The PTP firewall ruleset (ptpd) is not judged.
- /etc/vmware/settings beyond the eight checks: HVA-047's device keys, HVA-056/065/066 (vTPM,
  Secure Boot keys in the .vmx) and HVA-441/442 still pass on the VM's own settings; whether the
  file can add or override virtual hardware was not found.
- HVA-444 asks offline .vmx scans about the pseudo-host "offline-vmx"; an attestation there
  answers every offline VM at once.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import question_line
from hvaudit.engine import Assessment
from hvaudit.waivers import apply_attestations, load_attestations
from test_redteam13_vmw_probes import _vsphere

# --- V17-1: /etc/vmware/settings overrides every VM's own keys --------------------------------------

OWN_KEYS = (
    'displayName = "vm-1"\n'
    'isolation.tools.copy.disable = "TRUE"\nisolation.tools.paste.disable = "TRUE"\n'
    'isolation.tools.dnd.disable = "TRUE"\nisolation.tools.diskShrink.disable = "TRUE"\n'
    'isolation.tools.diskWiper.disable = "TRUE"\nisolation.device.connectable.disable = "TRUE"\n'
    'RemoteDisplay.vnc.enabled = "FALSE"\nvmci0.unrestricted = "FALSE"\nmks.enable3d = "FALSE"\n'
    'vhv.enable = "FALSE"\nRemoteDisplay.maxConnections = "1"\n'
    'tools.setInfo.sizeLimit = "1048576"\ntools.guestlib.enableHostInfo = "FALSE"\n'
    'sched.mem.pshare.salt = ""\n'
)

QUESTION = (
    'Is /etc/vmware/settings on host esx1 empty? Evidence: `stat -c "%s" /etc/vmware/settings` '
    "on the host (ESXi Shell or SSH; vSphere 8 STIG ESXI-80-000236). Pass: yes, 0, so no "
    "host-wide setting overrides the VMs' own .vmx keys; fail: larger, its settings are read "
    "first and take precedence over every VM's .vmx."
)
BUT = (
    "; but /etc/vmware/settings on host esx1, not read, takes precedence over the VM's own "
    "settings (HVA-444)"
)

# the passes each check gave vm-1 on its own keys (main 50472df)
OWN_PASSES = {
    "HVA-401": "every isolation key is set TRUE in the VM's own settings",
    "HVA-402": "size limit 1048576 (at most the 1 MB default) and no host information for the "
    "guest",
    "HVA-403": "RemoteDisplay.maxConnections = 1",
    "HVA-404": "sched.mem.pshare.salt is empty, host Mem.ShareForceSalting = 2: the VM gets its "
    "own unique salt",
    "HVA-405": "3D acceleration off",
    "HVA-049": "vhv.enable is FALSE in the VM's own settings: no VT-x/AMD-V",
    "HVA-031": "no RemoteDisplay.vnc.enabled = TRUE: the console is reached through vSphere only",
}
BY = "auditor@example.com"


def but(host: str) -> str:
    """What V17-1 adds to a pass withheld for host `host`'s /etc/vmware/settings."""
    return BUT.replace("host esx1", f"host {host}")


def own_keys(want: tuple[str, str], host: str) -> tuple[str, str]:
    """A (status, message) verdict on a VM's own keys as V17-1 reports it: a pass is the
    question of host `host`'s /etc/vmware/settings (earlier rounds' probes assert through it)."""
    status, message = want
    return ("manual", f"{message}{but(host)}") if status == "pass" else want


def _host(product: str) -> dict[str, object]:
    return {"product": product, "advanced": {"Mem.ShareForceSalting": 2}}


def _items(a: Assessment, checks: object) -> dict[str, tuple[str, str, str | None]]:
    return {
        r.check.id: (r.status.value, r.outcome.message, r.outcome.question)
        for r in a.results
        if r.check.id in checks  # type: ignore[operator]
    }


def _attest(a: Assessment, tmp_path: Path, answer: str, subject: str = "host:esx1") -> None:
    path = tmp_path / "attestations.toml"
    path.write_text(
        f'[[attestation]]\ncheck = "HVA-444"\nsubject = "{subject}"\nanswer = "{answer}"\n'
        f'attested_by = "{BY}"\nattested_at = 2026-12-01\nvalid_days = 30\n'
        'evidence = "stat -c %s /etc/vmware/settings: 0"\n' + question_line(a, "HVA-444", subject)
    )
    apply_attestations(a, load_attestations(path), dt.date(2026, 12, 2))


def test_own_key_passes_ask_the_host_settings_file(tmp_path: Path) -> None:
    """V17-1: on ESXi 6.7 (VNC served, so RemoteDisplay.vnc.enabled = FALSE is what keeps it
    off) each pass on vm-1's own keys stood; ESXI-80-000236: /etc/vmware/settings is "read
    first and take[s] precedence over settings in the *.vmx file". Right: each is the host's
    question, the pass kept withheld; HVA-444 asks the same question of host esx1."""
    a = _vsphere(tmp_path, _host("VMware ESXi 6.7.0"), vmx=OWN_KEYS)
    got = _items(a, (*OWN_PASSES, "HVA-444"))
    want = {cid: ("manual", f"{msg}{BUT}", QUESTION) for cid, msg in OWN_PASSES.items()}
    want["HVA-444"] = (
        "manual",
        "/etc/vmware/settings is not in the evidence (ESXi Shell only)",
        QUESTION,
    )
    assert got == want
    withheld = {
        r.check.id: (r.outcome.withheld.status.value, r.outcome.withheld.message)
        for r in a.results
        if r.check.id in OWN_PASSES and r.outcome.withheld is not None
    }
    assert withheld == {cid: ("pass", msg) for cid, msg in OWN_PASSES.items()}


def test_host_settings_attested_empty_restores_the_passes(tmp_path: Path) -> None:
    """V17-1: one attestation per host answers it: HVA-444 "yes" for host esx1 (the file is
    empty) passes HVA-444 and restores each withheld VM pass, naming the attestation."""
    a = _vsphere(tmp_path, _host("VMware ESXi 6.7.0"), vmx=OWN_KEYS)
    _attest(a, tmp_path, "yes")
    said = (
        f"/etc/vmware/settings on host esx1 empty, attested ('yes' to HVA-444) by {BY} on "
        "2026-12-01 (stat -c %s /etc/vmware/settings: 0); observed: "
    )
    got = _items(a, OWN_PASSES)
    assert got == {cid: ("pass", f"{said}{msg}", None) for cid, msg in OWN_PASSES.items()}
    (host,) = [r for r in a.results if r.check.id == "HVA-444"]
    assert host.status.value == "pass"


@pytest.mark.parametrize(
    ("answer", "subject"), [("no", "host:esx1"), ("yes", "host:esx2")], ids=["no", "other-host"]
)
def test_host_settings_not_attested_empty_keeps_the_questions(
    tmp_path: Path, answer: str, subject: str
) -> None:
    """V17-1 held: a "no" (the file holds settings) or another host's "yes" answers none of
    vm-1's questions."""
    a = _vsphere(tmp_path, _host("VMware ESXi 6.7.0"), vmx=OWN_KEYS)
    _attest(a, tmp_path, answer, subject)
    got = _items(a, OWN_PASSES)
    assert got == {cid: ("manual", f"{msg}{BUT}", QUESTION) for cid, msg in OWN_PASSES.items()}


def test_passes_not_resting_on_the_key_hold(tmp_path: Path) -> None:
    """V17-1 held: on ESXi 8.0 HVA-031 passes whatever the VNC key says ("VNC has been removed
    in 7.0") and HVA-057's vmci0.unrestricted has no effect after 5.0: neither rests on a key
    the host file could override."""
    a = _vsphere(tmp_path, _host("VMware ESXi 8.0.2"), vmx=OWN_KEYS)
    got = _items(a, ("HVA-031", "HVA-057"))
    assert got == {
        "HVA-031": ("pass", OWN_PASSES["HVA-031"], None),
        "HVA-057": ("pass", "no shared-memory device and no vmci0.unrestricted = TRUE", None),
    }


# --- V17-4: HVA-419 and a PTP daemon without a PTP port ---------------------------------------------

PTP_QUESTION = (
    "Does host esx1 synchronise its clock with the site's PTP master? Evidence: the vSphere "
    "Client, host esx1 > Configure > Time Configuration (Precision Time Protocol: its network "
    "adapter), or `esxcli system ptp get` and `esxcli system ptp stats get` there. Pass: yes, a "
    "PTP port on a VMkernel or passthrough adapter, synchronised to the master; fail: no port "
    "(device type none), or not synchronised."
)


def test_ptpd_running_without_a_known_port_is_asked(tmp_path: Path) -> None:
    """V17-4: HVA-419 passed "clock synchronised by PTP: ptpd running, policy on" on the service
    state alone. ptpd synchronises over the ports of HostConfigInfo.ptpConfig (HostPtpConfig,
    API 7.0.3: port[] with deviceType none, virtualNic or pciPassthruNic; pyVmomi
    _typeinfo_vim), which the collector does not read: a ptpd with no port has no master.
    Right: a question naming the PTP port. ptpd stopped still fails (V10-12's twin)."""
    from test_redteam10_vmw_probes import _ptp_host, _verdicts

    a = _vsphere(tmp_path, _ptp_host(ptpd_running=True))
    (r,) = [x for x in a.results if x.check.id == "HVA-419"]
    assert (r.status.value, r.outcome.message, r.outcome.question) == (
        "manual",
        "clock protocol PTP, ptpd running, policy on; its PTP port (config.dateTimeInfo."
        "ptpConfig) was not reported",
        PTP_QUESTION,
    )
    b = _vsphere(tmp_path / "stopped", _ptp_host(ptpd_running=False))
    assert _verdicts(b, "HVA-419")["esx1"] == (
        "fail",
        "clock protocol PTP, but ptpd stopped, policy on",
    )


# --- V17-2: HVA-412 and a firewall the API cannot show as enabled -----------------------------------


def test_firewall_pass_asks_whether_it_is_enabled(tmp_path: Path) -> None:
    """V17-2: HVA-412 passed "incoming and outgoing blocked; every enabled ruleset limited to
    listed networks"; `esxcli network firewall set --enabled false` (or `unload`) turns the
    firewall off ("Enabled: false" in `esxcli network firewall get`) and HostFirewallInfo has
    only defaultPolicy and ruleset (pyVmomi _typeinfo_vim: no enabled flag), so the API cannot
    tell a disabled firewall. Right: the question whether it is enabled; a ruleset open to all
    still fails (V16-1's probes, unchanged)."""
    from test_redteam16_vmw_probes import _firewall

    a = _vsphere(tmp_path, _firewall(outgoing=True))
    (r,) = [x for x in a.results if x.check.id == "HVA-412"]
    assert (r.status.value, r.outcome.message, r.outcome.question) == (
        "manual",
        "incoming and outgoing blocked; every enabled ruleset limited to listed networks; "
        "whether the firewall is enabled is not in the vSphere API",
        "Is host esx1's firewall enabled? Evidence: `esxcli network firewall get` on the host "
        "(ESXi Shell or SSH; PowerCLI Get-EsxCli -V2 network.firewall.get). Pass: yes, Enabled: "
        "true; fail: Enabled: false (the firewall was disabled or unloaded, and every packet "
        "passes).",
    )
