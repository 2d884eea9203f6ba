"""Leads 19d: HVA-202 (Linux host time sync) with chronyd's sources (the ntpd side was L19-9V,
tests/test_vmw_leads19b.py: `server 0.0.0.0`/`::`/`0` are the host itself, parse.host._this_host),
and two VMware wordings (HVA-401 for "True ", HVA-050/HVA-192 for a vGPU). Sources read with
`fetch` (mlichvar/chrony 8f2db83: conf.c, cmdparse.c, ntp_sources.c, nameserv.c, util.c,
ntp_core.c, reference.c, doc/chrony.conf.adoc); each finding's test failed on main before its fix (L19-1D on 0763977, L19-2D and L19-3D
on 22254e4).

Findings:

- L19-1D (false pass): HVA-202 (Linux) passed "chronyd running" whatever chrony.conf said:
  hvaudit never read it. Sources that are all on the host itself passed: `server 0.0.0.0`,
  `pool ::`, `server 0`, `server 127.1`, `peer ::1`, `pool localhost` (in chrony.conf, a
  sourcedir's *.sources, a confdir's *.conf, an `include`d file, or chronyd -f's file), a
  remote server marked `noselect` ("Never select this source") beside one, and refclocks
  another program or device feeds (PHC, SHM, SOCK, PPS with `local`); the RTC refclock alone
  (the host's own hardware clock). chrony takes a numeric address as given
  (ntp_sources.c NSR_AddSourceByName -> UTI_StringToIP, inet_pton: 0.0.0.0 and :: accepted,
  add_source rejects no address) and resolves other names with getaddrinfo (nameserv.c
  DNS_Name2IPAddress: "127.1", "0" as inet_aton reads them); Linux sends 0.0.0.0 and :: to the
  host (L19-9V). chronyd never takes itself as a source (ntp_core.c check_sync_loop, "Source
  %s is me"), and `local` leaves it unsynchronised (reference.c REF_GetReferenceParams,
  `*is_synchronised = 0` in the local branch), so with NTPSynchronized=yes (or not collected)
  an own-address source is another local daemon, a PHC needs ptp4l ("synchronised by a PTP
  daemon"), SOCK/SHM take samples "from another application running on the system" (gpsd),
  PPS does "not supply full time": all asked ("Does a source outside host hv1 steer the time
  sources chronyd reads there? ..."). RTC alone: fail as R17H-5's LOCAL driver. A new probe
  (`chrony-conf`: grep -R over /etc/chrony.conf, /etc/chrony, /etc/chrony.d, /run/chrony-dhcp,
  *.conf and *.sources only, chrony.keys left out) feeds parse.host._chrony_sources, which
  follows conf.c: strcasecmp directives, CPS_NormalizeLine's "!;#%" comments, search_dirs
  (first file of a base name in directive order), load_source_file (server/pool/peer only).

- L19-2D (wording): HVA-401 failed `isolation.tools.copy.disable = "True "` (right: VMware's
  Dictionary_StringToBool reads only "", true, t, yes, y, on, 1 as TRUE, parse.vmx VMX_TRUE) as
  "set to FALSE: isolation.tools.copy.disable", as if the file said FALSE. Now a value not
  written "false" is named, JSON-escaped (`= "True " (VMware reads it as FALSE)`; "f",
  "disabled", "TRUE\f" in redteam10/14 too). Verdicts unchanged.
- L19-3D (wording): a vGPU (VirtualPCIPassthroughVmiopBackingInfo, vSphere API reference read
  with `search`: "At present, this interface is only used to implement vGPU"; vgpu "The vGPU
  configuration type exposed by a VMIOP plugin") rendered pciPassthru0.id "?": HVA-050 said
  "? is in no IOMMU group" and asked whether "?" is "marked Active for passthrough"; HVA-192
  said "? (not among the host's PCI devices)". A vGPU's card runs in Shared Direct mode
  (HostGraphicsInfoGraphicsType "sharedDirect: Shared direct graphics (ex. vGPU shared
  passthrough)" vs "direct: ... (ex. passthrough)"; vSphere Resource Management 6.7
  "Configuring Graphics Devices": "Select Shared Direct for Vendor shared passthrough
  graphics"). Now the collector renders pciPassthruN.vgpu, vmx_model names it "vGPU
  <profile>" (model.VGPU), HVA-050 says it is a GPU share and, where every device is a vGPU,
  asks whether the card is in Shared Direct mode and not Active for DirectPath (`esxcli
  graphics device list`, `esxcli graphics vm list`); HVA-192 names it "a share of a physical
  GPU". Both stay manual.

Held (kept as tests): L19-1D an outside server anywhere chronyd reads it keeps the pass
(Ubuntu's sources.d pools with /run/chrony-dhcp absent: grep rc 2, "No such file"; a remote
server beside 0.0.0.0; a PHC beside a remote server; DHCP's /var/run/chrony-dhcp source;
commented lines); no source in the files, an include outside the collected paths, chronyd -f
naming an uncollected file: the daemon decides as before; NTPSynchronized=no still fails first.
L19-2D a value written "False" keeps the plain key. L19-3D a vGPU beside a DirectPath function
keeps the passthrough question, naming both.

Probed by script, not kept (the verdict was right): the L19-1D cases through a fixed grep
output before the real-grep harness (same verdicts).

Tally: L19-1D 13 cases (3 functions), all failed on main 0763977 (pass "chronyd running");
11 held cases passed there too. L19-2D 3 cases failed on main (message), 1 held. L19-3D 1 case
failed on main, 1 held (failed on main only by naming).

Leads left (not settled in the time):
- systemd-timesyncd NTP=/FallbackNTP= with 0.0.0.0, ::, 127.x: not read (timesyncd.conf and
  its drop-in directories are not collected; networkd's per-link servers join at run time).
  Only NTPSynchronized=no catches a timesyncd with no reachable server.
- chrony: `chronyc add server` sources (run time, not in the files) are not seen; a config with
  no source in the files keeps the pass. confdir/sourcedir/include outside /etc/chrony*,
  /run/chrony-dhcp leave the sources unknown (old verdict). chronyd -f read from the ps line only.
- chrony `server 127.0.0.1` is asked, not failed: chronyd never takes itself (check_sync_loop),
  so a synchronised clock means another local daemon answers; whether ntpd's R17H-5 should ask
  the same for a loopback server (another daemon on the host) was not re-examined.
- HVA-192 still says a vGPU is "passed through whole" (the sentence is the NIC one); a vGPU is
  a display function and could be left out of HVA-192 entirely (display class 0x03), not done
  (the brief kept it manual).
- HVA-050: a VM with a vGPU and other DirectPath devices gets the passthrough question only.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import HARDENED_HOST, messages, outcomes
from hvaudit.collect.host import COMMANDS

#: the probe's argv (on a main without the probe: the same grep, which old main never runs)
CHRONY_ARGV = next(
    (p.argv for p in COMMANDS if p.name == "chrony-conf"),
    (
        *("grep", "-R", "-D", "skip", "-H", "--include=*.conf", "--include=*.sources", ""),
        *("/etc/chrony.conf", "/etc/chrony", "/etc/chrony.d", "/run/chrony-dhcp"),
    ),
)
DEBIAN = "/etc/chrony/chrony.conf"
FEDORA = "/etc/chrony.conf"
ASK = "chronyd running, but every time source it is given is on host hv1 itself ({})"
OWN = (
    "chronyd running, but its only time source is the host's own clock ({}): the clock runs "
    "free, steered by nothing outside the host"
)


def chrony_probe(tmp_path: Path, files: dict[str, str]) -> tuple[str, int, str]:
    """The chrony-conf probe as the real grep answers it over these files (written under a
    scratch root, whose prefix is then taken off the paths grep prints)."""
    root = tmp_path / "root"
    for path, text in files.items():
        (root / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        (root / path.lstrip("/")).write_text(text)
    argv = [a if not a.startswith("/") else f"{root}{a}" for a in CHRONY_ARGV]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    return done.stdout.replace(str(root), ""), done.returncode, done.stderr.replace(str(root), "")


def scan(host_scan, tmp_path: Path, files: dict[str, str], **more):
    # the files alone: no `chronyc -n tracking` answer (R21T-2 reads that one)
    return host_scan(
        {"chrony-tracking": None, "chrony-conf": chrony_probe(tmp_path, files), **more}
    )


# --- L19-1D: chronyd whose every source is on the host itself -----------------------------------


@pytest.mark.parametrize(
    ("files", "shown"),
    [
        ({DEBIAN: "server 0.0.0.0 iburst\n"}, f"{DEBIAN}: server 0.0.0.0"),
        ({FEDORA: "pool :: iburst maxsources 4\n"}, f"{FEDORA}: pool ::"),
        ({DEBIAN: "SERVER 0\n"}, f"{DEBIAN}: SERVER 0"),
        ({DEBIAN: "server 127.1 port 11123\n"}, f"{DEBIAN}: server 127.1"),
        ({DEBIAN: "peer ::1\n"}, f"{DEBIAN}: peer ::1"),
        (
            {
                DEBIAN: "confdir /etc/chrony/conf.d\nsourcedir /etc/chrony/sources.d\n",
                "/etc/chrony/sources.d/site.sources": "server 0.0.0.0 iburst\n",
            },
            "/etc/chrony/sources.d/site.sources: server 0.0.0.0",
        ),
        (
            {
                DEBIAN: "confdir /etc/chrony/conf.d\n",
                "/etc/chrony/conf.d/10-site.conf": "include /etc/chrony/site/*.conf\n",
                "/etc/chrony/site/a.conf": "pool localhost\n",
            },
            "/etc/chrony/site/a.conf: pool localhost",
        ),
        (
            {DEBIAN: "server ntp1.example.org iburst noselect\nserver ::\n"},
            f"{DEBIAN}: server ::",
        ),
        (
            {DEBIAN: "refclock PHC /dev/ptp0 poll 3 dpoll -2 offset -37\n"},
            f"{DEBIAN}: refclock PHC /dev/ptp0",
        ),
        ({DEBIAN: "refclock SHM 0 refid GPS\n"}, f"{DEBIAN}: refclock SHM 0"),
        (
            {DEBIAN: "refclock SOCK /run/chrony.ttyS0.sock\n"},
            f"{DEBIAN}: refclock SOCK /run/chrony.ttyS0.sock",
        ),
        (
            {DEBIAN: "refclock PPS /dev/pps0\nlocal stratum 10\n"},
            f"{DEBIAN}: refclock PPS /dev/pps0",
        ),
    ],
    ids=[
        "0.0.0.0",
        "pool-::",
        "0-upper-case",
        "127.1-port",
        "peer-::1",
        "sourcedir",
        "confdir-include",
        "remote-noselect",
        "phc",
        "shm",
        "sock",
        "pps-local",
    ],
)
def test_l19_1d_chronyd_sources_on_the_host_are_asked(host_scan, tmp_path, files, shown) -> None:
    """L19-1D: was pass "chronyd running" (chrony.conf was never read)."""
    a = scan(host_scan, tmp_path, files)
    assert outcomes(a, "HVA-202") == {"hv1": "manual"}, messages(a, "HVA-202")
    assert messages(a, "HVA-202") == {"hv1": ASK.format(shown)}
    q = next(r.outcome.question for r in a.results if r.check.id == "HVA-202")
    assert q.startswith("Does a source outside host hv1 steer the time sources chronyd reads")
    assert "Evidence: `chronyc -n sources -v`" in q and "; fail: nothing outside the host" in q


def test_l19_1d_chronyd_on_the_rtc_alone_fails(host_scan, tmp_path) -> None:
    """L19-1D: refclock RTC is the host's own hardware clock: a fail as R17H-5's ntpd LOCAL."""
    files = {FEDORA: "refclock RTC /dev/rtc0 utc\nrefclock PHC /dev/ptp1 noselect\n"}
    a = scan(host_scan, tmp_path, files)
    assert outcomes(a, "HVA-202") == {"hv1": "fail"}
    assert messages(a, "HVA-202") == {"hv1": OWN.format(f"{FEDORA}: refclock RTC /dev/rtc0")}


@pytest.mark.parametrize(
    "files",
    [
        {  # Ubuntu's layout: the pools in sources.d, /run/chrony-dhcp absent
            DEBIAN: "confdir /etc/chrony/conf.d\nsourcedir /run/chrony-dhcp\n"
            "sourcedir /etc/chrony/sources.d\nkeyfile /etc/chrony/chrony.keys\n",
            "/etc/chrony/sources.d/ubuntu-ntp-pools.sources": "pool ntp.ubuntu.com iburst maxsources 4\n",
            "/etc/chrony/chrony.keys": "1 SHA256 HEX:00\n",
        },
        # beside a source on the host, only `require` on the outside ones keeps the clock on
        # them (R30T-1: without it chronyd follows the on-host one while they are not reached)
        {FEDORA: "server 0.0.0.0\npool 2.fedora.pool.ntp.org iburst require\n"},
        {DEBIAN: "refclock PHC /dev/ptp0\nserver 10.0.0.1 iburst require\n"},
        {
            DEBIAN: "sourcedir /var/run/chrony-dhcp\n",
            "/run/chrony-dhcp/eth0.sources": "server 192.0.2.1 iburst\n",
        },
        {DEBIAN: "# server 0.0.0.0\n! pool ::\nserver ntp.example.org\n"},
    ],
    ids=[
        "ubuntu-sources.d",
        "remote-beside-0.0.0.0",
        "remote-beside-phc",
        "dhcp",
        "comments",
    ],
)
def test_l19_1d_held_an_outside_source_keeps_the_pass(host_scan, tmp_path, files) -> None:
    """Held: an outside NTP server anywhere chronyd reads it keeps the pass."""
    a = scan(host_scan, tmp_path, files)
    assert (outcomes(a, "HVA-202"), messages(a, "HVA-202")) == (
        {"hv1": "pass"},
        {"hv1": "chronyd running"},
    )


def test_l19_1d_held_unsynchronised_still_fails(host_scan, tmp_path) -> None:
    """Held: NTPSynchronized=no fails before the sources are judged (R10H-7)."""
    a = scan(
        host_scan, tmp_path, {DEBIAN: "server 0.0.0.0\n"}, **{"time-synchronized": ("no\n", 0)}
    )
    assert outcomes(a, "HVA-202") == {"hv1": "fail"}
    assert "NTPSynchronized=no" in messages(a, "HVA-202")["hv1"]


def test_l19_1d_held_an_unread_include_or_other_file_keeps_the_old_verdict(
    host_scan, tmp_path
) -> None:
    """Held (no new fail): an include outside the collected paths, or chronyd -f naming another
    file, leaves the sources unknown. It passed on the daemon here; since R21H-1
    (tests/test_redteam21_host_probes.py) the unknown sources are asked, not passed."""
    a = scan(host_scan, tmp_path, {DEBIAN: "server 0.0.0.0\ninclude /srv/chrony/extra.inc\n"})
    assert outcomes(a, "HVA-202") == {"hv1": "manual"}
    ps = str(HARDENED_HOST["processes"][0]).replace(
        "/usr/sbin/chronyd -F 1", "/usr/sbin/chronyd -F 1 -f /srv/c.conf"
    )
    a = scan(host_scan, tmp_path, {DEBIAN: "server 0.0.0.0\n"}, processes=(ps, 0))
    assert outcomes(a, "HVA-202") == {"hv1": "manual"}


def test_l19_1d_chronyd_reads_its_dash_f_file(host_scan, tmp_path) -> None:
    """L19-1D: chronyd -f FILE (chronyd(8), here in the -fFILE spelling) reads that file, not the
    default one: its own-address source is asked although the default file names a remote one."""
    ps = str(HARDENED_HOST["processes"][0]).replace(
        "/usr/sbin/chronyd -F 1", "/usr/sbin/chronyd -F 1 -f/etc/chrony.d/x.conf"
    )
    a = scan(
        host_scan,
        tmp_path,
        {DEBIAN: "server a.example\n", "/etc/chrony.d/x.conf": "server ::1\n"},
        processes=(ps, 0),
    )
    assert messages(a, "HVA-202") == {"hv1": ASK.format("/etc/chrony.d/x.conf: server ::1")}


# --- L19-2D: HVA-401 names the value VMware reads as FALSE ---------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("True ", 'isolation.tools.copy.disable = "True " (VMware reads it as FALSE)'),
        ("2", 'isolation.tools.copy.disable = "2" (VMware reads it as FALSE)'),
        ("off", 'isolation.tools.copy.disable = "off" (VMware reads it as FALSE)'),
    ],
    ids=["true-trailing-blank", "2", "off"],
)
def test_l19_2d_hva401_names_the_value_read_as_false(tmp_path, capsys, value, shown) -> None:
    """L19-2D (wording): HVA-401 failed `isolation.tools.copy.disable = "True "` (right:
    Dictionary_StringToBool, lib/dict/dictionary.c of VMware View Open Client 2.1.1, reads only
    "", true, t, yes, y, on and 1 as TRUE, and a quoted value keeps its blanks, parse.vmx
    VMX_TRUE; L19 lead 1 probed it) with "set to FALSE: isolation.tools.copy.disable", which
    reads as though the file said FALSE. Now the value is named where it is not "false"."""
    from test_redteam10_vmw_probes import WEB01, _vmx_scan

    vmx = WEB01.replace('copy.disable = "TRUE"', f'copy.disable = "{value}"')
    got = _vmx_scan(tmp_path, capsys, vmx)
    assert got[("HVA-401", "web-01")] == ("fail", f"set to FALSE: {shown}")


def test_l19_2d_held_false_written_out_is_named_plainly(tmp_path, capsys) -> None:
    """Held: a key written "FALSE" (any case) keeps the plain "set to FALSE: <key>"."""
    from test_redteam10_vmw_probes import WEB01, _vmx_scan

    vmx = WEB01.replace(
        'copy.disable = "TRUE"',
        'copy.disable = "False"\nisolation.tools.paste.disable = "True "',
    )
    got = _vmx_scan(tmp_path, capsys, vmx)
    assert got[("HVA-401", "web-01")] == (
        "fail",
        "set to FALSE: isolation.tools.copy.disable, "
        'isolation.tools.paste.disable = "True " (VMware reads it as FALSE)',
    )


# --- L19-3D: a vGPU is shown by its profile and asked about its card's mode ------------------------


def _vgpu_scan(tmp_path, devices):
    from pyVmomi import vim

    from hvaudit.collect.vsphere import render_vmx
    from test_redteam13_vmw_probes import _vsphere

    vmx = render_vmx(
        {"name": "vm-1", "runtime.powerState": "poweredOn", "config.hardware.device": devices},
        {},
    )
    host = {
        "product": "VMware ESXi 8.0.2",
        "pci_classes": {"0000:04:00.0": 0x200, "0000:3b:00.0": 0x30200},
        "pci_passthrough": [{"id": "0000:04:00.0", "active": True, "dependent": "0000:04:00.0"}],
    }
    a = _vsphere(tmp_path, host, vmx=vmx)
    assert vim  # pyVmomi is the device model the collector reads
    return {
        r.check.id: (r.status.value, r.outcome.message, r.outcome.question)
        for r in a.results
        if r.check.id in ("HVA-050", "HVA-192")
    }


def test_l19_3d_vgpu_is_named_by_profile_and_its_card_asked(tmp_path) -> None:
    """L19-3D (wording): a vGPU (VirtualPCIPassthroughVmiopBackingInfo, vSphere API reference
    read with `search`: "At present, this interface is only used to implement vGPU"; vgpu "The
    vGPU configuration type exposed by a VMIOP plugin") rendered pciPassthru0.id "?", and
    HVA-050 asked whether "?" is "marked Active for passthrough": a vGPU's card is in Shared
    Direct mode (HostGraphicsInfoGraphicsType: "sharedDirect: Shared direct graphics (ex. vGPU
    shared passthrough)", "direct: Direct graphics (ex. passthrough)"; vSphere Resource
    Management 6.7, "Configuring Graphics Devices": "Select Shared Direct for Vendor shared
    passthrough graphics"), not Active for DirectPath. Now the profile is rendered
    (pciPassthru0.vgpu), named ("vGPU grid_a100-8c"), and the question asks the card's mode
    (esxcli graphics device list / vm list); HVA-192 names it a GPU share. Both stay manual."""
    from pyVmomi import vim

    d = vim.vm.device.VirtualPCIPassthrough
    got = _vgpu_scan(tmp_path, [d(key=13000, backing=d.VmiopBackingInfo(vgpu="grid_a100-8c"))])
    status, message, question = got["HVA-050"]
    assert (status, message) == (
        "manual",
        "IOMMU active for pci vGPU grid_a100-8c; vGPU grid_a100-8c is a share of a physical "
        "GPU (Shared Direct), not a host function passed through",
    )
    assert question.startswith(
        "Is the physical GPU behind pci vGPU grid_a100-8c on ESXi host esx1 in Shared Direct "
        "mode and not marked Active for DirectPath passthrough? Evidence:"
    )
    assert "`esxcli graphics device list`" in question and "Active for passthrough" in question
    assert got["HVA-192"][0] == "manual"
    assert got["HVA-192"][1].startswith(
        "PCI function(s) vGPU grid_a100-8c (a share of a physical GPU: the card's PCI function "
        "is not named)"
    )


def test_l19_3d_held_vgpu_beside_directpath_keeps_the_passthrough_question(tmp_path) -> None:
    """Held: a vGPU beside a DirectPath function (id 0000:04:00.0, Active) keeps the
    passthrough question for the whole VM and names both devices."""
    from pyVmomi import vim

    d = vim.vm.device.VirtualPCIPassthrough
    got = _vgpu_scan(
        tmp_path,
        [
            d(key=13000, backing=d.VmiopBackingInfo(vgpu="grid_a100-8c")),
            d(key=13001, backing=d.DeviceBackingInfo(id="0000:04:00.0", deviceName="nic")),
        ],
    )
    status, message, question = got["HVA-050"]
    assert status == "manual"
    assert "vGPU grid_a100-8c is a share of a physical GPU (Shared Direct)" in message
    assert question.startswith("Is each of pci vGPU grid_a100-8c, pci 0000:04:00.0 marked Active")
