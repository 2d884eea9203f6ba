"""Leads 19b, VMware (and one Linux host lead): the leads tests/test_vmw_leads19.py (L19-1V..8V)
and tests/test_redteam20_vmw_probes.py (V20-1/2) left: VM extraConfig keys and value
spellings, vGPU and Dynamic DirectPath devices, lockdown exception users and DCUI.Access,
HVA-416 and a grant on a host inside a DRS cluster, and HVA-202's reading of an ntp.conf server
that is the unspecified address. Sources read with `search`, `find_string`, `read_file`; each
finding's test failed on main 68e446d before its fix.

Findings:

- L19-9V (false pass): HVA-202 (Linux) passed "ntpd running" for an ntp.conf whose only
  sources were the unspecified address (server 0.0.0.0, pool ::, server 0) or loopback in
  another inet_aton(3) spelling (0x7f000001, ::ffff:0.0.0.0), alone or beside the LOCAL
  driver (ntpd then calls itself synchronised, NTPSynchronized=yes). R17H-5 read only 127.*
  written out and ::1. Linux sends a datagram for an unspecified destination to the host
  itself (net/ipv4/route.c ip_route_output_key_hash_rcu: `if (!fl4->daddr)` ... `fl4->daddr
  = fl4->saddr = htonl(INADDR_LOOPBACK); dev_out = net->loopback_dev`; net/ipv6/udp.c "::
  means loopback (BSD'ism)"); RFC 1122 3.2.1.3. And a family flag before the address (ntpd's
  ntp_parser.y "address : ip_address | address_fam T_String", T_Ipv4_flag/T_Ipv6_flag) was
  read as the address. Now R17H-5's own-clock fail naming the lines (parse.host._this_host),
  as L19-2V does for ESXi.

Held (kept as tests): L19-9V a remote server beside 0.0.0.0, a remote address after -6, and a
pool name beginning "0." keep ntpd's pass. Lead 2: a vGPU (VmiopBackingInfo, no id) and a
powered-off VM's Dynamic DirectPath device (DynamicBackingInfo, no assignedId) render
pciPassthru0.id "?" and are asked by HVA-050 ("? is in no IOMMU group on this host") and
HVA-192 (class unknown), never n/a, even with the host's pciPassthruInfo active for others.

Probed by script, not kept (the verdict was right): lead 1, through render_vmx and the engine:
extraConfig keys in upper or mixed case (ISOLATION.TOOLS.COPY.DISABLE, TOOLS.SETINFO.SIZELIMIT,
remotedisplay.MAXCONNECTIONS) are read case-folded as VMware's dictionary does (HASH_ISTRING_KEY,
parse.vmx); values yes/1/Y/on/t/TRUE are TRUE and "True " (a trailing space) is FALSE
(Dictionary_StringToBool, parse.vmx.VMX_TRUE): HVA-401 fails it; enableHostInfo "yes" fails
HVA-402; maxConnections "01" is read 1 (strtol). Passes stay withheld by HVA-444. Lead 3:
HVA-425 asks a host with exception users within the limit (ESXI-80-000201: the list "should
remain" empty except site-specific service accounts), fails over the limit, counts an
exception user who is also an admin once (L14-5); HVA-424 fails any DCUI.Access name but root.

Tally: L19-9V 8 cases (2 functions), 5 failed on main 68e446d (0.0.0.0, pool ::, "0", LOCAL +
-4 0.0.0.0, hex loopback + mapped unspecified); the 3 held passed there too. Lead 2 held: 2
cases, passed on main too (no change).

Leads left (not settled in the time):
- HVA-416: a grant on a HostSystem inside a DRS cluster still fails "every VM it runs". vSphere
  Security "Hierarchical Inheritance of Permissions" (5.5-8.0, read with `search`): "Virtual
  machines inherit permissions from both the parent virtual machine folder and the parent
  host, cluster, or resource pool simultaneously"; in the API a VM's parents are its folder
  and its resource pool, whose parent is the (Cluster)ComputeResource, a sibling of the
  HostSystem (ComputeResource: "A ComputeResource always has a root ResourcePool"), so a
  clustered host may reach no VM; govmomi's simulator walks the Parent chain only (not
  authority). No VMware text says either way for a clustered host; the collector does not
  record a host's parent type. A manual for clustered hosts would need that (possible wrong
  fail, not a false pass).
- extraConfig with the same key twice in different case (isolation.tools.copy.disable=TRUE
  then ISOLATION...=FALSE): render_vmx keeps the first, as VMware's dictionary keeps the first
  line; whether hostd writes extraConfig in that order, or refuses the second, was not found.
- HVA-401's message says "set to FALSE" for "True " (a trailing space): right verdict, the
  wording could name the value.
- vGPU: HVA-050's question asks whether "?" is marked Active for passthrough; a vGPU's GPU is
  in Shared Direct mode, not passthrough, so the question may mislead; render the vgpu
  profile name and ask about the GPU's mode instead (wording).
- Linux chronyd with `local` and a server 0.0.0.0: chrony's local reference mode and the
  kernel's sync status (reference.c) not read; only ntpd's own-clock sources are judged.
- log.keepOld / log.rotateSize, tools.guest.desktop.autolock, monitor.virtual_exec, svga.*:
  no check reads them (coverage.md class c), not added in the time.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

# --- L19-9V: HVA-202 (Linux) and an ntp.conf server that is the unspecified address ----------------

NTPD = str(HARDENED_HOST["processes"][0]).replace(
    "_chrony   /usr/sbin/chronyd -F 1", "ntp      /usr/sbin/ntpd -p /run/ntpd.pid -g -u 106:112"
)
OWN = (
    "ntpd running, but its only time source is the host's own clock ({}): the clock runs free, "
    "steered by nothing outside the host"
)


@pytest.mark.parametrize(
    ("conf", "shown"),
    [
        ("server 0.0.0.0 iburst\n", "/etc/ntp.conf: server 0.0.0.0"),
        ("pool :: iburst\n", "/etc/ntp.conf: pool ::"),
        ("server 0\n", "/etc/ntp.conf: server 0"),
        (
            "server 127.127.1.0\nfudge 127.127.1.0 stratum 10\nserver -4 0.0.0.0\n",
            "/etc/ntp.conf: server 127.127.1.0; /etc/ntp.conf: server 0.0.0.0",
        ),
        (
            "server 0x7f000001\nserver [::ffff:0.0.0.0]\n",
            "/etc/ntp.conf: server 0x7f000001; /etc/ntp.conf: server [::ffff:0.0.0.0]",
        ),
    ],
    ids=["0.0.0.0", "pool-::", "0", "local-driver-and-flagged-0.0.0.0", "hex-loopback-mapped"],
)
def test_l19_9v_ntpd_with_the_unspecified_address_fails(host_scan, conf: str, shown: str) -> None:
    """L19-9V: was pass "ntpd running": R17H-5 read loopback (127.* written out) and the LOCAL
    driver as the host's own clock, but took 0.0.0.0, ::, "0" (0.0.0.0 to inet_aton(3), which
    glibc's getaddrinfo uses for a numeric name) and a loopback in another inet_aton spelling
    (0x7f000001) for time sources. Linux sends a datagram for an unspecified destination to
    the host itself (net/ipv4/route.c ip_route_output_key_hash_rcu: `if (!fl4->daddr)` ...
    `fl4->daddr = fl4->saddr = htonl(INADDR_LOOPBACK); dev_out = net->loopback_dev`;
    net/ipv6/udp.c "/* :: means loopback (BSD'ism) */"; read with `find_string`); RFC 1122
    3.2.1.3: 0.0.0.0 "MUST NOT be sent, except as a source address". Beside the LOCAL driver
    ntpd calls itself synchronised (NTPSynchronized=yes) to its own clock. ntpd's
    ntp_parser.y takes a family flag before the address ("address : ip_address |
    address_fam T_String", -4/-6), which was read as the address. Right: R17H-5's fail, naming
    the lines (as L19-2V for ESXi)."""
    a = host_scan({"processes": (NTPD, 0), "/etc/ntp.conf": conf})
    assert outcomes(a, "HVA-202") == {"hv1": "fail"}, messages(a, "HVA-202")
    assert messages(a, "HVA-202") == {"hv1": OWN.format(shown)}


@pytest.mark.parametrize(
    "conf",
    [
        "server 0.0.0.0\nserver ntp1.example.org iburst\n",
        "server -6 2001:db8::123\n",
        "server 0.debian.pool.ntp.org iburst\n",
    ],
    ids=["remote-beside-0.0.0.0", "flagged-remote", "pool-name-starting-0"],
)
def test_l19_9v_held_a_remote_source_keeps_the_pass(host_scan, conf: str) -> None:
    """Held: a remote server beside 0.0.0.0, a remote address after a family flag, and a pool
    name that starts with "0." (not an address to inet_aton) keep ntpd's pass. The flagged
    remote no longer sits beside the LOCAL driver: since R28T-3 that pair, with no `ntpq -pn`
    answer, is asked (tests/test_redteam28_time_probes.py)."""
    a = host_scan({"processes": (NTPD, 0), "/etc/ntp.conf": conf})
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == (
        {"hv1": "pass"},
        {"hv1": "ntpd running"},
    )


# --- Lead 2 (held): a vGPU and a powered-off Dynamic DirectPath device are assessed, never n/a -----


@pytest.mark.parametrize("kind", ["vgpu", "dynamic-powered-off"])
def test_l19_held_vgpu_and_unassigned_dynamic_directpath_are_asked(tmp_path, kind: str) -> None:
    """Held: a vGPU (VirtualPCIPassthroughVmiopBackingInfo: a profile name, `vgpu`, no id) and a
    Dynamic DirectPath I/O device of a powered-off VM (VirtualPCIPassthroughDynamicBackingInfo:
    assignedId "The id of the device assigned when the VM is powered on", unset until then; the
    vSphere API reference, read with `search`) render pciPassthru0.id "?"; HVA-050 and HVA-192
    still assess the device (manual, naming it "?"), never n/a, with the host's
    pciPassthruInfo reported and active for other functions."""
    from pyVmomi import vim

    from hvaudit.collect.vsphere import render_vmx
    from test_redteam13_vmw_probes import _vsphere

    d = vim.vm.device.VirtualPCIPassthrough
    backing = (
        d.VmiopBackingInfo(vgpu="grid_a100-8c")
        if kind == "vgpu"
        else d.DynamicBackingInfo(
            deviceName="", allowedDevice=[d.AllowedDevice(vendorId=-32634, deviceId=4735)]
        )
    )
    power = "poweredOn" if kind == "vgpu" else "poweredOff"
    vmx = render_vmx(
        {
            "name": "vm-1",
            "runtime.powerState": power,
            "config.hardware.device": [d(key=13000, backing=backing)],
        },
        {},
    )
    host = {
        "product": "VMware ESXi 8.0.2",
        "pci_classes": {"0000:04:00.0": 0x200},
        "pci_passthrough": [{"id": "0000:04:00.0", "active": True, "dependent": "0000:04:00.0"}],
    }
    a = _vsphere(tmp_path, host, vmx=vmx)
    got = {
        r.check.id: (r.status.value, r.outcome.message)
        for r in a.results
        if r.check.id in ("HVA-050", "HVA-192")
    }
    # a vGPU is named by its profile since L19-3D (tests/test_leads19d.py)
    shown = "vGPU grid_a100-8c" if kind == "vgpu" else "?"
    gap = (
        "is a share of a physical GPU (Shared Direct), not a host function passed through"
        if kind == "vgpu"
        else "is in no IOMMU group on this host"
    )
    # the unread interrupt remapper is asked beside a DirectPath function's gap, not beside a
    # vGPU's card (R34S-3)
    remapper = (
        ""
        if kind == "vgpu"
        else "; but the VMkernel boot option iovDisableIR (ESXi's VT-d interrupt remapper) is "
        "not read"
    )
    assert got["HVA-050"] == ("manual", f"IOMMU active for pci {shown}; {shown} {gap}{remapper}")
    assert got["HVA-192"][0] == "manual"
    assert got["HVA-192"][1].startswith(f"PCI function(s) {shown} (")
