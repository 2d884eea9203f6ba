"""Session 19 VM leads (vmleads19): the leads test_vm_leads18.py and earlier rounds left on
KVM/libvirt VMs: network disks without TLS or authentication, clipboard sharing, guestfwd
`cmd:`, chardevs connecting to 0.0.0.0 or an empty host, HVA-050's one outcome per VM, VL16-5's
wording for readers, HVA-047's legacy list and HVA-092's iotune zero. Same harness as
test_vm_leads18: libvirt's test driver serves the domains on conftest's replayed hardened host,
assessed by the real collectors and engine; every fact a verdict rests on was read with the
`search` / `find_string` / `read_file` tools (or measured on this machine) and is cited in the
code or the test's docstring.

Findings (VL19-n): VL19-1 (false pass; no check owned it) a VM whose disk QEMU reads from a
server in cleartext (`<disk type='network'>` nbd without TLS, http/ftp/tftp, https with
`<ssl verify='no'/>`, iSCSI without CHAP, RBD without a Ceph user: libvirt then passes
auth_supported=none) passed every check (HVA-237 only asks per host); new check HVA-238 (Rev. 1
HY-SR-12, marked as interpretation: a network disk is an image fetched from a server block by
block) fails each, asks for an authenticated iSCSI/RBD, Gluster, NFS or a raw `-drive` /
`-blockdev` network disk (their clients have no TLS), passes nbd with tls='yes' or qemu.conf
nbd_tls = 1, verified https/ftps, ssh and a UNIX socket; qemu.conf's nbd_tls/vxhs_tls default
0 (qemu.conf.in commented). VL19-2 (false pass) HVA-033/HVA-210: a chardev connecting to
0.0.0.0 (formatdomain's own TCP example) or :: reaches the loopback listener on 127.0.0.1 /
::1 (Linux ip_route_output_key_hash_rcu; measured), but only 127/8, ::1 and localhost were
matched: now VL18-3's fails (libvirt chardevs and raw `-chardev`). VL19-3 (wording) HVA-046
showed only the first six raw words: a `-netdev user,guestfwd=...-cmd:COMMAND` later on was
never named; now its fail names the command run per guest connection (qemu-options.hx: "a
program executed by cmd:command which gets spawned for each connection"). VL19-4 (false pass)
HVA-050 returned the first branch's verdict: an isolated PCI passthrough passed beside a host
RNG source reading /dev/sda (VL18-7's question dropped), and a host console's fail behind an
unseen network came out as that network's question; now one outcome of the worst status names
every part (devices._with_extras). VL19-5 (wording) HVA-044: VL16-5's question ("meant for
both", pass "may read and write this VM's data") for a file some VMs only read now asks
whether it is meant to be shared as listed, pass/fail worded for readers (R17-1's prefix in
test_redteam17_vm_probes updated).

Held (kept as tests): VL19-1 nbd tls='yes', https (verified), an nbd UNIX socket pass, no
network disk is n/a, nbd without tls on a host with nbd_tls = 1 passes while tls='no' beside it
fails; VL19-2 a 0.0.0.0 dial does not reach a listener on 127.0.0.2, and an empty host
(`-serial tcp::6379`) is no dial (QEMU's getaddrinfo("", port) fails: glibc 2.36 "Name or
service not known", measured; util/qemu-sockets.c inet_parse_connect_saddr); VL19-4 a lone part
keeps its exact message (the passthrough pass, the RNG question without passthrough); VL19-5
two writers keep VL16-5's question (test_vm_leads16); HVA-092: an <iotune> of zeros is no limit
(formatdomain: "given with a value of 0 implies no limit") and fails.

Probed by script, not kept (the verdict was right): test_e2e_libvirtd's ssh-versus-local and
open-console tests failed once in a run beside other helpers' daemons (domain e2e-hardened
gone, listeners moved) and passed alone under the libvirtd lock, on old main and this branch.

Tally: 8 test functions, 26 cases: VL19-1 12 (6 fails, 1 question and 1 raw question pinned,
3 passes and 1 n/a held; plus nbd_tls 2 held), VL19-2 3 pinned (libvirt serial and channel,
raw -chardev) + 2 held, VL19-3 1, VL19-4 2 pinned + 2 held, VL19-5 1, HVA-092 1 held; each
pinned case failed on main before its fix (HVA-238 did not exist).

Leads left (not settled in the time): clipboard sharing (SPICE <clipboard copypaste>,
qemu-vdagent <clipboard copypaste='yes'/>, VNC clipboard through qemu-vdagent): formatdomain's
defaults not read yet; the owner would be a KVM counterpart of HVA-401 (guest-to-host data
channel), not started. HVA-047's list against QEMU's current "virtualization use case"
(docs/system/security.rst; the 2025 qemu-devel series marking devices secure) and e1000 /
usb-tablet on q35: not compared. HVA-092 "absurd" high iotune values (a rate of 10^15 B/s is a
limit in name only): no threshold chosen. HVA-238 reads no Proxmox storage (rbd/iscsi in
storage.cfg) and no <backingStore type='network'> layer; ssh disks pass on QEMU's default
known_hosts check without reading libvirt's <knownHosts>. UDP chardevs to 0.0.0.0 are matched
like TCP but not probed against a UDP listener; a VM's own gdb stub or VNC on loopback reached
by its own guest (R17-5's "gains nothing") not revisited.
"""

from __future__ import annotations

from pathlib import Path

from conftest import HARDENED_HOST, domain_xml, messages, outcomes, run_assessment
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on
from test_redteam17_vm_probes import chains  # noqa: F401 (fixture)
from test_vm_leads18 import _dial, _on_lo, _raw_on

# --- VL19-1: HVA-238 (new), network disks without TLS or authentication -----------------------


def _net_disk(proto: str, name: str, host: str, attrs: str = "", inner: str = "") -> str:
    return (
        "<devices><disk type='network' device='disk'><driver name='qemu' type='raw'/>"
        f"<source protocol='{proto}' name='{name}'{attrs}>{host}{inner}</source>"
        "<target dev='vda' bus='virtio'/></disk></devices>"
    )


NBD = "<host name='10.0.0.5' port='10809'/>"
WEB = "<host name='images.example' port='{port}'/>"
SAN = "<host name='10.0.0.6' port='3260'/>"
CEPH = "<host name='10.0.0.7' port='6789'/>"
LUN = "iqn.2013-07.com.example:pool/1"
CHAP = "<auth username='vm'><secret type='iscsi' usage='chap'/></auth>"


def test_network_disk_without_tls_or_authentication_fails(host_scan) -> None:
    """VL19-1, HVA-238 (false pass: no check owned it; round 15's and VL18's lead). A VM whose
    disk QEMU reads from a server in cleartext (`<disk type='network'>` over nbd without TLS,
    http, https with `<ssl verify='no'/>`, iSCSI without CHAP, RBD without a Ceph user) passed
    every check: HVA-237 asks only, per host, how images arrive. Rev. 1 HY-SR-12 ("Access to
    the image server only over a secure protocol such as TLS") is the recommendation: the disk
    is an image fetched from a server block by block for as long as the VM runs (marked as
    hvaudit's interpretation). Facts (read with `read_file` / `find_string`): formatdomain,
    "Hard drives, floppy disks, CDROMs", source, network: "TLS transport for NBD can be enabled
    by setting the tls attribute to yes. For the QEMU hypervisor, usage of a TLS environment
    can also be globally controlled on the host by the nbd_tls ... in /etc/libvirt/qemu.conf",
    whose qemu.conf.in line is commented (`#nbd_tls = 1`: off); `<ssl verify>` "allows to turn
    on or off SSL certificate validation" for https and ftps, on by default in QEMU's curl
    driver (block/curl.c CURL_BLOCK_OPT_SSLVERIFY_DEFAULT true); `<auth>` carries iSCSI CHAP
    or the Ceph user, and without it libvirt passes RBD `auth_supported=none`
    (qemu_command.c); `<host transport='unix'>` is a local socket. New check HVA-238: fails
    naming the disk and why; QEMU's iSCSI/RBD/Gluster/NFS clients have no TLS, so an
    authenticated one is one question (is the path encrypted beneath: Ceph ms_mode=secure,
    GlusterFS SSL, IPsec). Held: nbd tls='yes', https (verified), an nbd UNIX socket pass; a
    VM without network disks is n/a."""
    cases = {
        "nbd": (_net_disk("nbd", "exp", NBD), "fail"),
        "nbdno": (_net_disk("nbd", "exp", NBD, " tls='no'"), "fail"),
        "http": (_net_disk("http", "/img.iso", WEB.format(port=80)), "fail"),
        "noverify": (
            _net_disk("https", "/img.iso", WEB.format(port=443), inner="<ssl verify='no'/>"),
            "fail",
        ),
        "iscsi": (_net_disk("iscsi", LUN, SAN), "fail"),
        "rbd": (_net_disk("rbd", "pool/img", CEPH), "fail"),
        "chap": (_net_disk("iscsi", LUN, SAN, inner=CHAP), "manual"),
        "nbdtls": (_net_disk("nbd", "exp", NBD, " tls='yes'"), "pass"),
        "https": (_net_disk("https", "/img.iso", WEB.format(port=443)), "pass"),
        "nbdunix": (
            _net_disk("nbd", "exp", "<host transport='unix' socket='/run/nbd.sock'/>"),
            "pass",
        ),
        "local": ("", "not_applicable"),
    }
    a = host_scan(domains=[domain_xml(n, body=body) for n, (body, _) in cases.items()])
    got = {n: verdict(a, "HVA-238", n) for n in cases}
    assert {n: g[0] for n, g in got.items()} == {n: want for n, (_, want) in cases.items()}
    assert got["nbd"][1] == (
        "nbd disk exp (10.0.0.5:10809): no tls attribute, qemu.conf nbd_tls = 0: cleartext"
    )
    assert got["nbdno"][1] == "nbd disk exp (10.0.0.5:10809): tls='no'"
    assert got["http"][1] == "http disk /img.iso (images.example:80): cleartext, unauthenticated"
    assert got["noverify"][1] == (
        "https disk /img.iso (images.example:443): TLS without certificate verification "
        "(<ssl verify='no'>)"
    )
    assert got["iscsi"][1] == f"iscsi disk {LUN} (10.0.0.6:3260): no <auth> (no CHAP)"
    assert got["rbd"][1] == (
        "rbd disk pool/img (10.0.0.7:6789): no <auth>: libvirt passes auth_supported=none"
    )
    assert got["chap"][1] == f"iscsi disk {LUN} (10.0.0.6:3260): QEMU's iscsi client has no TLS"
    q = next(
        r.outcome.question
        for r in a.results
        if r.check.id == "HVA-238" and r.outcome.subject.name == "chap"
    )
    assert q is not None and q.startswith(
        f"Is the storage traffic of VM chap's network disk(s) (iscsi disk {LUN} (10.0.0.6:3260): "
        "QEMU's iscsi client has no TLS) encrypted and authenticated between this host and the "
        "storage server? Evidence: "
    )
    assert q.endswith("Pass: encrypted with the server authenticated; fail: cleartext on any path.")
    assert got["nbdtls"][1] == "nbd disk exp (10.0.0.5:10809): tls='yes'"
    assert got["https"][1] == "https disk /img.iso (images.example:443): TLS, certificate verified"
    assert got["nbdunix"][1] == "nbd disk exp (unix:/run/nbd.sock): a UNIX socket on the host"
    assert got["local"][1] == "no network disks"


def test_nbd_tls_from_qemu_conf_passes(host_scan) -> None:
    """VL19-1 held edge: an nbd disk without a tls attribute takes qemu.conf's nbd_tls
    (formatdomain: "globally controlled on the host by the nbd_tls"); nbd_tls = 1 passes, and
    the disk's own tls='no' still fails beside it."""
    conf = HARDENED_HOST["/etc/libvirt/qemu.conf"] + "\nnbd_tls = 1\n"
    a = host_scan(
        overrides={"/etc/libvirt/qemu.conf": conf},
        domains=[
            domain_xml("nbd", body=_net_disk("nbd", "exp", NBD)),
            domain_xml("nbdno", body=_net_disk("nbd", "exp", NBD, " tls='no'")),
        ],
    )
    assert verdict(a, "HVA-238", "nbd") == (
        "pass",
        "nbd disk exp (10.0.0.5:10809): no tls attribute, qemu.conf nbd_tls = 1",
    )
    assert verdict(a, "HVA-238", "nbdno")[0] == "fail"


def test_raw_network_disk_asks(tmp_path: Path) -> None:
    """VL19-1 edge: a network disk raw QEMU arguments open (`-drive file=nbd:H:P`,
    `-blockdev driver=http`) is not in the definition's <disk> list: asked (its TLS is in
    options hvaudit does not judge), never "no network disks"."""
    raw = {
        "raw": _raw_cpu_domain(
            "raw",
            "",
            "-drive",
            "file=nbd:10.0.0.5:10809,if=virtio",
            "-blockdev",
            "driver=http,node-name=h0,url=http://images.example/a.iso",
        )
    }
    a = run_assessment(_replayed_on(tmp_path, HARDENED_HOST, raw))
    assert verdict(a, "HVA-238", "raw") == (
        "manual",
        "raw QEMU argument -drive file=nbd:10.0.0.5:10809,if=virtio; raw QEMU argument "
        "-blockdev driver=http,node-name=h0,url=http://images.example/a.iso",
    )


# --- VL19-2: HVA-033 / HVA-210, a character device connecting to 0.0.0.0 or :: --------------


def test_device_connecting_to_the_unspecified_address_reaches_loopback(
    host_scan, tmp_path: Path
) -> None:
    """VL19-2, HVA-033 and HVA-210 (false passes; VL18's lead). VL18-3/4 counted a character
    device connecting to 127/8, ::1 or localhost as reaching a loopback listener, but not one
    connecting to 0.0.0.0 (formatdomain's own TCP chardev example's host) or ::. Linux routes
    a connect to INADDR_ANY to the loopback device as 127.0.0.1 (net/ipv4/route.c
    ip_route_output_key_hash_rcu: `if (!fl4->daddr) { fl4->daddr = fl4->saddr; if
    (!fl4->daddr) fl4->daddr = fl4->saddr = htonl(INADDR_LOOPBACK); dev_out =
    net->loopback_dev; ...}`, read with `find_string`), and a connect to :: arrives at ::1
    (measured on this machine: sockets connected to ("0.0.0.0", P) and ("::", P) had the
    peers 127.0.0.1 and ::1). The unapproved redis-server on 127.0.0.1 and libvirtd's TCP
    socket passed as loopback only; now VL18-3's fails, for libvirt's chardevs and raw
    `-chardev socket,host=0.0.0.0` alike. Held: an empty host (`-serial tcp::6379`) is no
    dial: QEMU resolves it with getaddrinfo("", port) (util/qemu-sockets.c
    inet_parse_connect_saddr, read with `find_string`), which glibc 2.36 refuses ("Name or
    service not known", measured), so the device never connects; 0.0.0.0 reaches 127.0.0.1
    only, not a listener on 127.0.0.2."""
    a = host_scan(
        {"listeners": _on_lo("127.0.0.1", 6379, "redis-server", 900)},
        domains=[domain_xml("dial", body=_dial("serial", "0.0.0.0", 6379))],
    )
    assert verdict(a, "HVA-033", "hv1") == (
        "fail",
        "unapproved listeners: redis-server (tcp/6379) (reached from guests by character "
        "devices: redis-server on 127.0.0.1:6379 by VM dial (<serial type='tcp'> connecting "
        "to 0.0.0.0:6379))",
    )
    b = host_scan(
        {"listeners": _on_lo("127.0.0.1", 16509, "libvirtd", 700)},
        domains=[domain_xml("dial", body=_dial("channel", "0", 16509))],
    )
    assert verdict(b, "HVA-210", "hv1") == (
        "fail",
        "on the loopback, but relayed to a guest by its character device: libvirtd "
        "(tcp/16509) on 127.0.0.1 by VM dial (<channel type='tcp'> connecting to 0:16509)",
    )
    c = _raw_on(
        tmp_path,
        "raw",
        _on_lo("127.0.0.1", 6379, "redis-server", 900),
        "-chardev",
        "socket,id=c0,host=0.0.0.0,port=6379",
        "-device",
        "virtserialport,chardev=c0",
    )
    assert verdict(c, "HVA-033", "hv1")[0] == "fail"
    assert "-chardev socket,id=c0,host=0.0.0.0,port=6379" in verdict(c, "HVA-033", "hv1")[1]
    held = host_scan(
        {"listeners": _on_lo("127.0.0.2", 6379, "redis-server", 900)},
        domains=[domain_xml("dial", body=_dial("serial", "0.0.0.0", 6379))],
    )
    assert outcomes(held, "HVA-033")["hv1"] == "pass", messages(held, "HVA-033")
    empty = _raw_on(
        tmp_path,
        "empty",
        _on_lo("127.0.0.1", 6379, "redis-server", 900),
        "-serial",
        "tcp::6379",
    )
    assert outcomes(empty, "HVA-033")["hv1"] == "pass", messages(empty, "HVA-033")


# --- VL19-3: HVA-046, a guestfwd `cmd:` runs a host command per guest connection -------------


def test_guestfwd_command_is_named(tmp_path: Path) -> None:
    """VL19-3, HVA-046 (wording; VL18's lead: "a guestfwd `cmd:` runs a host command per guest
    connection; HVA-046 fails raw arguments; no check names it"). `-netdev
    user,guestfwd=tcp:10.0.2.100:1234-cmd:nc 127.0.0.1 22` forwards each TCP connection the
    guest opens to 10.0.2.100:1234 "to a program executed by cmd:command which gets spawned for
    each connection" (qemu-options.hx, read with `find_string`): a host program, run as QEMU's
    user, with the guest on its input and output. HVA-046 fails any raw argument, but showed
    only the first six words, cut at 200 characters, so a `cmd:` later in the arguments was
    never named; now its fail names the command and the forwarded address wherever it stands
    (hvaudit.parse.qemu_args.raw_guestfwd_commands). The verdict (fail) was already right."""
    filler = ("-device", "virtio-rng-pci", "-device", "virtio-balloon-pci", "-msg", "timestamp=on")
    raw = {
        "fwd": _raw_cpu_domain(
            "fwd",
            "",
            *filler,
            "-netdev",
            "user,id=u0,restrict=on,guestfwd=tcp:10.0.2.100:1234-cmd:nc 127.0.0.1 22",
            "-device",
            "virtio-net-pci,netdev=u0",
        )
    }
    a = run_assessment(_replayed_on(tmp_path, HARDENED_HOST, raw))
    status, message = verdict(a, "HVA-046", "fwd")
    assert status == "fail"
    assert message.endswith(
        "; every connection the guest opens to 10.0.2.100:1234 runs host command `nc 127.0.0.1 "
        "22` as QEMU's user (-netdev user,...,guestfwd=tcp:10.0.2.100:1234-cmd:nc 127.0.0.1 22)"
    )


# --- VL19-4: HVA-050, one outcome per VM names every issue --------------------------------------


def test_passthrough_verdict_names_the_rng_and_host_line_beside_it(host_scan) -> None:
    """VL19-4, HVA-050 (false pass; VL18's lead "HVA-050 gives one outcome: a VM with DMA
    passthrough or a host tty beside a host RNG source names only the first"). HVA-050 yields
    one outcome per VM, and its branches returned the first they met: a VM whose PCI device is
    isolated (IOMMU active, its group wholly the VM's: test_iommu_groups' "bridged") passed
    although its `<rng><backend model='random'>/dev/sda</backend>` hands the guest a host
    disk's bytes (VL18-7's question, skipped when the VM had DMA passthrough); and a host
    console line (`<serial type='dev'><source path='/dev/tty2'>`, R17-2's fail) beside an
    interface on a network whose definition the evidence lacks (R16-3's question) came out as
    that question: the fail hidden behind a manual item. Now the passthrough verdict and the
    host-line and RNG verdicts are one outcome of the worst status naming each part, fails
    first, a question asking each part's question in turn (devices._with_extras). Held: a lone
    part keeps its exact message (the pass, and the RNG question of a VM without
    passthrough)."""
    from test_iommu_groups import CLASSES, HOST, KEPT, PCI
    from test_vm_leads18 import _rng

    pci = PCI.format(bus="03", slot="00", fn="0")
    rng = _rng("/dev/sda")
    both = pci.replace("</devices>", rng.removeprefix("<devices>"))
    tty = "<devices><serial type='dev'><source path='/dev/tty2'/><target port='0'/></serial>"
    lost = tty + "<interface type='network'><source network='elsewhere'/></interface></devices>"
    a = host_scan(
        HOST | {"pci-classes": (CLASSES, 0)},
        domains=[
            domain_xml("bridged", pci),
            domain_xml("both", both),
            domain_xml("lost", lost),
            domain_xml("rngonly", rng),
        ],
    )
    passing = (
        "IOMMU active; each IOMMU group of pci 0000:03:00.0 goes wholly to this VM or is "
        f"unused; bridge(s) 0000:00:1c.0 (pcieport) {KEPT}"
    )
    rng_msg = (
        "random-number device reading host source(s) /dev/sda for the guest: no DMA, but the "
        "guest reads a device or file of the host (only /dev/random and /dev/urandom are the "
        "kernel's shared pools)"
    )
    assert verdict(a, "HVA-050", "bridged") == ("pass", passing)
    assert verdict(a, "HVA-050", "both") == ("manual", f"{rng_msg}; {passing}")
    q = next(
        r.outcome.question
        for r in a.results
        if r.check.id == "HVA-050" and r.outcome.subject.name == "both"
    )
    assert q is not None and q.startswith(
        "Is each source VM both's random-number device reads on host hv1 (/dev/sda) the host's "
        "hardware RNG, with the guest's reads bounded?"
    )
    status, message = verdict(a, "HVA-050", "lost")
    assert status == "fail"
    assert message.startswith(
        "host character device(s) /dev/tty2 given to the guest: the host's own console"
    )
    assert "; interface(s) on network(s) elsewhere, whose definition is not in the evidence" in (
        message
    )
    assert verdict(a, "HVA-050", "rngonly") == ("manual", rng_msg)


# --- VL19-5: HVA-044, VL16-5's question for a VM that only reads the shared file ----------------


def test_shared_disk_question_fits_a_reader(chains) -> None:  # noqa: F811 (the fixture)
    """VL19-5, HVA-044 (wording; R19-10's lead). VL16-5's question asked whether a disk two VMs
    share is "meant for both", its pass "a documented standby or rescue definition whose guest
    may read and write this VM's data", also where one of them only reads the file (R17-1's
    reader, whose qcow2 overlay has VM writer's live disk as its backing file; R19-10's message
    already says who writes and who only reads). For a reader that pass and its fail ("that
    VM's guest reads and writes this VM's disk") are wrong. Where some VM only reads the file,
    the question now asks whether it is meant to be shared as listed (written by the writers,
    read by the readers), its pass that each reader may see what the writers wrote, its fail
    that a reader reads another VM's data. Held: two VMs that both write the file keep
    VL16-5's question word for word (tests/test_vm_leads16.py)."""
    from test_redteam17_vm_probes import IMAGES

    q = next(
        r.outcome.question
        for r in chains.results
        if r.check.id == "HVA-044" and r.outcome.subject.name == "reader"
    )
    assert q == (
        f"Is each disk VM reader shares with another VM on host hv1 ({IMAGES}/writer.qcow2 (its "
        "backing file) (written by VM(s) writer; read only by this VM)) meant to be shared so, "
        "written by the VMs listed as writing it and read by those listed as reading it? "
        "Evidence: `virsh domblklist` and `virsh dumpxml` of each VM named, and the purpose of "
        "each definition (a clone still on its template's live disk, a rescue VM, a kernel or "
        "firmware kept on another VM's disk). Pass: yes, documented: each VM that reads the "
        "file may see what the VMs that write it wrote there; fail: no, so a guest that reads "
        "the file reads another VM's data (and a guest that writes it hands its data to the "
        "readers) whenever they start."
    )
    assert "meant for both" not in q


# --- held: HVA-092, an <iotune> of zeros limits nothing ------------------------------------------


def test_iotune_of_zeros_is_no_limit(host_scan) -> None:
    """Held (lead 7): formatdomain, iotune: "any sub-element not specified or given with a
    value of 0 implies no limit" (read with `read_file`), so `<iotune>` whose rates are all 0
    leaves the disk unlimited: HVA-092 must not count it as a limit, and it does not (the
    parser counts rates above 0 only)."""
    zeros = (
        "<devices><disk type='file' device='disk'><source file='/var/lib/libvirt/images/z.qcow2'/>"
        "<target dev='vda' bus='virtio'/><iotune><total_bytes_sec>0</total_bytes_sec>"
        "<total_iops_sec>0</total_iops_sec></iotune></disk></devices>"
    )
    a = host_scan(domains=[domain_xml("zeros", body=zeros)])
    assert verdict(a, "HVA-092", "zeros")[0] == "fail"
    assert verdict(a, "HVA-092", "zeros")[1].startswith(
        "1 of 1 disk(s) without <iotune> rate limits"
    )
