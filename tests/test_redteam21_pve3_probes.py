r"""Red team 21 (third), Proxmox VE: hostpciN `mapping=` resolved against /etc/pve/mapping/pci.cfg,
raw `lxc.*` lines pve-container does not apply as raw keys.

Harness: the hardened node's tree (tests/fixtures/proxmox-hardened) scanned as a live node with
its commands replayed (test_redteam3_host_probes.pve_scan: conftest's HARDENED_HOST, whose IOMMU
groups put 0000:65:00.0 alone under vfio-pci and 0000:00:1f.3 beside 0000:00:1f.0 held by
lpc_ich; the tree gets /sys/kernel/iommu_groups so that the IOMMU is active), as a copied tree
(test_redteam2_probes.pve_scan), or through fakepve (test_redteam8_pve_probes._api), files
replaced. Sources read with `fetch`: github:proxmox/qemu-server e6352be, pve-guest-common
4a8f6cb, pve-common f665029, pve-container 94f5585, pve-access-control 5ccd07d; pve-manager
API2/Cluster/Mapping/PCI.pm with `find_string`.

Findings (each pinned below):

- P21C-1 (a question where the evidence settles the verdict, both ways): HVA-050 (and HVA-211,
  the storage-controller check) read a hostpciN `mapping=<id>` as "of cluster mapping <id>":
  /etc/pve/mapping/pci.cfg was not collected, so every mapped device was the IOMMU question.
  qemu-server PCI.pm parse_hostpci: PVE::Mapping::PCI::find_on_current_node (pve-guest-common
  Mapping/PCI.pm get_node_mapping: the `map` entries whose `node` is the node's name, compared
  exactly), "PCI device mapping not found" without one; each entry's `path` (`;`-joined
  functions with their domain, $PCI_RE lower case) is one alternative and choose_hostpci_devices
  takes the first free one. pci.cfg is a SectionConfig (header `m/^(\S+)\s*$/`, id a
  pve-configid, options to the first empty line, a `map` item $map_fmt refuses dropped, a
  section without `map` no mapping). The files collector reads pci.cfg now, the API path GET
  /cluster/mapping/pci; the model gives the node's functions (every alternative judged), so a
  mapped function sharing its group with a host device fails, an isolated one passes. A
  mapping with no entry the node keeps stays the question (the VM cannot start with it; a
  running VM was started with an earlier mapping).
- P21C-2 (wrong fail): HVA-314 failed "raw LXC keys" for `lxc.environment.runtime: X=Y`, which
  pve-container's parse_pct_config files as the `env` option (LXC.pm update_lxc_config writes it
  back from `env`), and for a raw key is_valid_lxc_conf_key refuses (`lxc.rootfs.path` "is auto
  generated from rootfs", any key outside $valid_lxc_conf_keys, its deprecated names and the
  lxc.cgroup2./cgroup./prlimit./net./limit. prefixes), which parse_pct_config skips with a
  warning: never written to the container's LXC configuration. Such a line is now a note
  (hvaudit.parse.proxmox.lxc_key_refused).
- P21C-3 (wrong fail): HVA-050 failed a hostpciN qemu-server's schema refuses as a device
  passed through: parse_vm_config's check_type drops `hostpci16` (no $confdesc key past
  $MAX_HOSTPCI_DEVICES 16: "unknown setting") and a value PCI.pm $hostpci_fmt refuses (a key it
  lacks, ` pcie` with its blank included; `pcie=2`; a `host` off $PCIRE's lower-case hex; a
  `driver` outside vfio/keep), so the VM gets no device; hostpci0..15 are in
  hvaudit.parse.proxmox._QM_FORMATS now and the value is dropped with a note.

Held (kept as tests): P21C-1: no pci.cfg, only another node's entry, an entry without `id`, an
upper-case path or node name, an entry after an empty line, a section id that is no configid:
the question stays. P21C-3: hostpci15 with every other key of $hostpci_fmt at a
value it takes still fails. P21C-2: a deprecated raw name (`lxc.aa_profile`, kept by pve-container),
`lxc.cgroup2.devices.allow: a`, `lxc.cap.drop:` cleared still fail.

Probed by script, not kept (the verdict was right, or only the fail side): lead 2, netN / usbN /
serialN values the schema refuses were read, not probed: each removes a device hvaudit still
judges, so no case turns into a pass; `hostpci0: mapping=x,host=...` dies "Cannot set both" in
parse_hostpci (the VM does not start: the fail side). Lead 4, user.cfg: pve-access-control parse_user_config
skips a `user:` line, a group member and an ACL member verify_username refuses by the same test,
so a name refused on its user line is refused everywhere: hvaudit keeping it is the fail side
only. LXC: `unprivileged: 0`, `lxc.apparmor.profile: unconfined`, `lxc.cap.drop:` cleared,
`features: nesting=1`, `mp0: /host/path`, `lxc.cgroup2.devices.allow: a` all fail HVA-314;
`features: nesting=off` / `nesting=No` read as off (parse_boolean).

Tally: 24 cases; P21C-1: 5 failed on main 6ecd422 (4 live, 1 API), 7 held; P21C-2: 3 failed on
main 6ecd422, 3 held; P21C-3: 5 failed on main c14ba75, 1 held.

Leads left (not settled in the time):
- HVA-060 counts VMs only: a container's `memory` (pve-container writes it as the cgroup's
  memory.max) competes for the same RAM, and a node whose onboot containers promise more than
  its RAM passes (`memory: 180000` on the 125.8 GiB fixture: ratio 0.06). Whether containers
  belong in HY-SR-6's "combined virtual RAM" is a team decision; their run state is not
  collected on the files path (the process list is read for QEMU's `-id` only).
- Container `cpuunits` / `cpulimit` / `cores` are read by no check (no verdict to be wrong).
- P21C-1: Mapping/PCI.pm assert_valid refuses to start a VM whose mapped device's vendor:device,
  subsystem id or IOMMU group differs from the entry (hardware changed): not modelled (the
  device is judged by the node's groups, the fail side at worst). /etc/pve/mapping/usb.cfg is not
  collected (HVA-050 judges USB as host-mediated whatever the device); dir.cfg (virtiofs) stays
  the existing question. The API lists only the mappings the token may see (Mapping.Audit,
  .Use or .Modify on /mapping/pci/<id>): a hidden one stays the question.
- netN, usbN, serialN and parallelN values qemu-server's schema refuses, and indexes past their
  limits (MAX_NETS 32, usb 14, serial 4, parallel 3), are still read as devices: wrong fails.
- pve-container's deprecated raw names (`lxc.aa_profile`, ...) are kept untranslated and LXC 3+
  does not know them (the container may not start): still failed as raw keys.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from test_proxmox_api import seeded  # noqa: F401 - a fixture
from test_redteam2_probes import PVE_HARDENED
from test_redteam8_pve_probes import _api

VM200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()
CONF200 = "etc/pve/qemu-server/200.conf"
PCI_CFG = "etc/pve/mapping/pci.cfg"


def _live(tmp_path: Path, files: dict[str, str], check: str = "HVA-050", subject: str = "web-10"):
    """(status, message) of `check` for `subject` on the hardened node run live, files replaced."""
    from test_redteam3_host_probes import pve_scan as live_scan

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    for group in "0123":
        (tree / "sys/kernel/iommu_groups" / group).mkdir(parents=True)
    for rel, text in files.items():
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text(text)
    a = live_scan(tmp_path, {}, tree)
    r = next(r for r in a.results if (r.check.id, r.outcome.subject.name) == (check, subject))
    return r.status.value, r.outcome.message


# --- P21C-1: hostpciN mapping= is the node's entries of /etc/pve/mapping/pci.cfg ----------------

ISOLATED = "map node=pve-h1,path=0000:65:00.0,id=10de:1db6,iommugroup=2"
SHARED = "map node=pve-h1,path=0000:00:1f.3,id=8086:a170,iommugroup=3"
OTHER_NODE = "map node=pve-h2,path=0000:00:1f.3,id=8086:a170,iommugroup=3"
FAIL_1F3 = (
    "fail",
    "0000:00:1f.3 shares IOMMU group 3 with 0000:00:1f.0 (driver lpc_ich), left to the host",
)
PASS_65 = (
    "pass",
    "IOMMU active; each IOMMU group of pci 0000:65:00.0 goes wholly to this VM or is unused",
)


@pytest.mark.parametrize(
    ("maps", "expected"),
    [
        ([SHARED], FAIL_1F3),
        ([OTHER_NODE.replace("0000:00:1f.3", "0000:65:00.0"), SHARED], FAIL_1F3),
        ([ISOLATED, SHARED], FAIL_1F3),
        ([ISOLATED, OTHER_NODE], PASS_65),
    ],
    ids=["shared-group", "other-node-isolated", "alternative-shared", "this-node-isolated"],
)
def test_p21c_1_mapping_is_this_nodes_functions(
    tmp_path: Path, maps: list[str], expected: tuple[str, str]
) -> None:
    """qemu-server PCI.pm parse_hostpci: find_on_current_node (pve-guest-common Mapping/PCI.pm
    get_node_mapping: the `map` entries whose `node` is the node's name), each entry's path one
    alternative choose_hostpci_devices may take. Was the question "of cluster mapping gpu ... is
    in no IOMMU group on this host" where pci.cfg names the function."""
    cfg = "gpu\n" + "".join(f"\t{m}\n" for m in maps)
    files = {CONF200: VM200 + "hostpci0: mapping=gpu,pcie=1\n", PCI_CFG: cfg}
    assert _live(tmp_path, files) == expected


@pytest.mark.parametrize(
    "cfg",
    [
        None,
        f"gpu\n\t{OTHER_NODE}\n",
        "gpu\n\tmap node=pve-h1,path=0000:00:1f.3\n",  # no id: $map_fmt refuses the entry
        "gpu\n\tmap node=pve-h1,path=0000:00:1F.3,id=8086:a170\n",  # $PCI_RE is lower case
        "gpu\n\tmap node=PVE-H1,path=0000:00:1f.3,id=8086:a170\n",  # node names compare exactly
        "gpu\n\n\tmap node=pve-h1,path=0000:00:1f.3,id=8086:a170\n",  # an empty line ends it
        "1gpu\n\tmap node=pve-h1,path=0000:00:1f.3,id=8086:a170\n",  # no pve-configid
    ],
    ids=["no-file", "other-node", "no-id", "upper-case", "node-case", "blank-line", "bad-id"],
)
def test_p21c_1_held_unresolved_mapping_asks(tmp_path: Path, cfg: str | None) -> None:
    """Held: a mapping with no entry pve-guest-common keeps for this node stops the VM's start
    ("PCI device mapping not found"); a VM running was started with an earlier mapping: the
    question stays."""
    files = {CONF200: VM200 + "hostpci0: mapping=gpu\n"}
    if cfg is not None:
        files[PCI_CFG] = cfg
    status, message = _live(tmp_path, files)
    assert status == "manual", message
    assert "of cluster mapping gpu (/etc/pve/mapping/pci.cfg)" in message, message


def test_p21c_1_api_path_reads_the_mappings(
    seeded: str,  # noqa: F811
    fakepve: Any,
    fakepve_cafile: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The API path reads GET /cluster/mapping/pci (pve-manager API2/Cluster/Mapping/PCI.pm
    index: each mapping as pci.cfg holds it, `map` a list of its entries): the API path reads
    no IOMMU groups, so HVA-050 asks, of the function this node's entry names (was "of cluster
    mapping gpu")."""
    fakepve.add_vm(
        102, "gpu-vm", status="running", config={"name": "gpu-vm", "hostpci0": "mapping=gpu"}
    )
    canned = {
        "/cluster/mapping/pci": [
            {
                "id": "gpu",
                "map": [
                    "node=elsewhere,path=0000:00:1f.3,id=8086:a170",
                    "node=pve1,path=0000:65:00.0,id=10de:1db6",
                ],
            }
        ]
    }
    got, msg = _api(fakepve, fakepve_cafile, seeded, capsys, monkeypatch, canned=canned)
    assert got[("HVA-050", "gpu-vm")] == "manual", msg[("HVA-050", "gpu-vm")]
    assert "pci 0000:65:00.0" in msg[("HVA-050", "gpu-vm")], msg[("HVA-050", "gpu-vm")]
    assert "1f.3" not in msg[("HVA-050", "gpu-vm")]


# --- P21C-2: raw lxc.* lines pve-container does not apply as raw keys -------------------------

CT300 = (PVE_HARDENED / "etc/pve/lxc/300.conf").read_text()
CONF300 = "etc/pve/lxc/300.conf"


@pytest.mark.parametrize(
    "line",
    ["lxc.environment.runtime: TZ=UTC", "lxc.rootfs.path: /", "lxc.foo.bar = 1"],
    ids=["env", "rootfs-path", "unknown-key"],
)
def test_p21c_2_lines_pve_container_does_not_apply_raw(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str
) -> None:
    """pve-container 94f5585 LXC/Config.pm parse_pct_config files `lxc.environment.runtime` as
    the `env` option (LXC.pm update_lxc_config writes it back from `env`), and skips a raw key
    is_valid_lxc_conf_key refuses (not in $valid_lxc_conf_keys nor its deprecated names, nor
    under lxc.cgroup2./lxc.cgroup./lxc.prlimit./lxc.net./lxc.limit.; lxc.rootfs.path "is auto
    generated from rootfs"). Was fail "raw LXC keys: ..." on a hardened container."""
    from test_redteam2_probes import pve_result, pve_scan

    report = pve_scan(tmp_path, capsys, {CONF300: CT300 + line + "\n"})
    assert pve_result(report, "HVA-314", "dns-01")[0] == "manual"  # R27P-2: AppArmor unread


@pytest.mark.parametrize(
    "line",
    ["lxc.aa_profile: unconfined", "lxc.cgroup2.devices.allow: a", "lxc.cap.drop:"],
    ids=["deprecated-name", "cgroup2", "cap-drop"],
)
def test_p21c_2_held_raw_keys_pve_container_takes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str
) -> None:
    """Held: a deprecated name (is_valid_lxc_conf_key: "is deprecated and was renamed", kept),
    a lxc.cgroup2.* key and lxc.cap.drop cleared still fail."""
    from test_redteam2_probes import pve_result, pve_scan

    report = pve_scan(tmp_path, capsys, {CONF300: CT300 + line + "\n"})
    assert pve_result(report, "HVA-314", "dns-01")[0] == "fail"


# --- P21C-3: a hostpciN value qemu-server refuses passes nothing through -------------------------


@pytest.mark.parametrize(
    "line",
    [
        "hostpci16: 0000:00:1f.3",
        "hostpci0: 0000:00:1f.3, pcie=1",
        "hostpci0: 0000:00:1f.3,pcie=2",
        "hostpci0: 0000:00:1F.3",
        "hostpci0: 0000:00:1f.3,driver=stub",
    ],
    ids=["index-16", "blank-key", "pcie-2", "upper-case", "driver"],
)
def test_p21c_3_refused_hostpci_is_no_device(tmp_path: Path, line: str) -> None:
    """qemu-server e6352be parse_vm_config -> check_type: hostpci16 is no $confdesc key
    ("unknown setting", $MAX_HOSTPCI_DEVICES 16), and PCI.pm $hostpci_fmt refuses a key it
    lacks (` pcie`), a boolean other than parse_boolean's words, a `host` off $PCIRE (lower-case
    hex) and a `driver` outside vfio/keep: the value is dropped, the VM gets no device. Was fail
    "0000:00:1f.3 shares IOMMU group 3 ..."."""
    assert _live(tmp_path, {CONF200: VM200 + line + "\n"}) == (
        "not_applicable",
        "no device passthrough",
    )


def test_p21c_3_held_valid_hostpci(tmp_path: Path) -> None:
    """Held: every other key with a value $hostpci_fmt takes keeps the device (fail)."""
    line = (
        "hostpci15: 00:1f.3,pcie=on,rombar=0,x-vga=1,romfile=vbios.bin,vendor-id=0x8086,"
        "device-id=0xa170,sub-vendor-id=0x1234,sub-device-id=0xABCD,driver=keep,legacy-igd=0"
    )
    assert _live(tmp_path, {CONF200: VM200 + line + "\n"}) == FAIL_1F3
