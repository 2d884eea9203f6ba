"""Red team 12, Proxmox VE: the leads of round 11 settled, and new probes (no false pass).

Findings (each pinned below):

- P12-1 (false pass through the question, and a wrong message): HVA-066 asked whether the
  variable store holds enrolled keys with Secure Boot on (pass: enabled with the template's keys)
  of every `bios: ovmf` VM with `efidisk0: ...,efitype=4m,pre-enrolled-keys=1`. qemu-server
  picks the code image by machine and amd-sev (OVMF.pm get_ovmf_files, `$smm` =
  machine_type_is_q35, github:proxmox/qemu-server): an i440FX VM gets `4m-no-smm-ms`,
  OVMF_CODE_4M.fd, which pve-edk2-firmware builds without SMM_REQUIRE (debian/rules
  OVMF_4M_FLAGS; only OVMF_CODE_4M.secboot.fd has -DSMM_REQUIRE=TRUE, github:proxmox/
  pve-edk2-firmware), so the guest OS writes the variable flash and turns Secure Boot off at
  will, and the answer "enabled" passed it; amd-sev std/es get `4m-sev` (OVMF_SEV_CODE_4M.fd,
  no SMM, vars template OVMF_SEV_VARS_4M.fd without keys), and snp boots `-bios OVMF_SEV_4M.fd`
  ignoring the efidisk (print_ovmf_commandline: "EFI disks are not supported with Confidential
  Virtual Machines"): no store with keys at all. Each fails now, naming the image.
- P12-2 (other: a question about the wrong object): HVA-100's Ceph question for an rbd storage
  with `monhost` on the node asked about "libvirt pool NAME" and its <source><name>; a Proxmox
  VE storage's Ceph pool is storage.cfg's `pool` (pve-storage RBDPlugin). It is worded for the
  storage now, as P11-7's question is.
- P12-3 (other: wrong reason): HVA-046 passed a Proxmox VE VM with "no qemu:commandline,
  qemu:capabilities or qemu:override", libvirt's elements; qm.conf's raw arguments are `args:`
  (QemuServer.pm confdesc: "Arbitrary arguments passed to kvm"), which the pass names now.
- P12-4 (wrong fail, and a question about an ignored store): an `intel-tdx: type=tdx` VM
  boots `-bios OVMF_TDX_4M.ms.fd` (get_ovmf_files `4m-tdx`; pve-edk2-firmware debian/rules
  OVMF_TDX_PREENROLLED_IMAGES: the keys enrolled into the image at build), the efidisk ignored
  (print_ovmf_commandline). Without an efidisk HVA-066 failed it "a temporary variable store
  without keys"; with one it asked about that disk. It is the question about what the guest
  sees now (mokutil), naming the image; amd-sev wins over intel-tdx (CPUConfig.pm
  get_cvm_type), as in the parser.
- P12-5 (other: a mediated device judged as a whole function; a possible wrong fail with host
  facts): `hostpciN: ADDR,mdev=TYPE` makes qemu-server create an mdev instance on the function
  (PCI.pm prepare_pci_device pci_create_mdev_device, the function left with its host driver) and
  give QEMU `/sys/bus/mdev/devices/<uuid>`; hvaudit judged the whole function (HVA-050's IOMMU
  group question, where the parent's host driver would fail it; HVA-193/194's VF questions). It
  is an `mdev` passthrough now, as libvirt's <hostdev type='mdev'>; an `nvidia-NN` type stays a
  function (parse_hostpci_devices makes it a whole VF on an NVIDIA function).

Probes that held (pinned below where marked): a VM whose <vmid>.fw lacks `enable`, sets it 0, or
writes `enable: 01` (parse_vmfw_option takes `(0|1)` only; the tap chain gets the VM's rules and
policy only `if ($options->{enable})`, else ACCEPT, Firewall.pm generate_tap_rules_direction)
fails HVA-303 (pinned) and HVA-191 "the VM firewall is off", whatever the NIC's firewall=1; a q35
VM (`4m-ms`, OVMF_CODE_4M.secboot.fd with SMM) stays the store question (pinned); amd-sev's
`no-debug` default 0 sets policy bit 0 off (CPUConfig.pm `$policy |= 1 << 0 if no-debug`;
cfg2cmd sev-std `policy=0x8`), so HVA-067's debug note holds; a host.fw rule admitting tcp
8006 from a cluster IP set of /1 entries, named `+wide`, `+dc/wide` or through a cluster alias,
fails HVA-313 (pinned; a /0 entry is refused by pve-firewall itself, Firewall.pm
generic_fw_config_parser "a zero prefix is not allowed in ipset entries", as the parser does). Run, not
pinned: 200.fw without `macfilter` keeps the MAC filter (Firewall.pm vm option macfilter
`default => 1`; HVA-191 unchanged), `macfilter: 0` fails HVA-191 for MAC spoofing, and without
`ipfilter: 1` the existing `[IPSET ipfilter-net0]` still filters (generate_tap_rules_direction
uses the set when it exists): HVA-191 unchanged.

Decided, not changed: `policy_in: ACCEPT` on a VM stays with HVA-303 passing "behind the VM
firewall": VM-FW-R2/R3 ask where the firewall is (kernel-based, managed with the platform), not
what it admits; what a VM's own rules admit is a new check (new issue). A `hookscript:` (run as
root at pre-start/post-start/pre-stop/post-stop, GuestHelpers exec_hookscript; at pre-start the
configuration is already loaded, so it cannot add `args:` to that start) is not HVA-046's raw
QEMU arguments: a new check (new issue). `vga: virtio-gl` has no libvirt counterpart check either
(accel3d/virgl are judged nowhere): a new issue for both platforms.

Left undone (leads): /etc/pve/replication.cfg, /etc/pve/jobs.cfg and vzdump.cron are not
collected (replication targets and backup storages are judged nowhere: new issue); an aarch64 VM's Secure Boot (AAVMF `ms` with pre-enrolled-keys whatever efitype)
is still failed for efitype 2m (a possible wrong fail on aarch64 nodes).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_redteam2_probes import PVE_HARDENED, pve_result
from test_redteam2_probes import pve_scan as dir_scan

VM200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()


def _vm(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> dict:
    return dir_scan(tmp_path, capsys, {"etc/pve/qemu-server/200.conf": text})


# --- P12-1: the OVMF image qemu-server picks ------------------------------------------------------


@pytest.mark.parametrize("machine", ["", "machine: pc-i440fx-8.1\n", "machine: pc\n"])
def test_p12_1_i440fx_secure_boot_without_smm_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], machine: str
) -> None:
    """Was manual (pass on "Secure Boot enabled"). get_ovmf_files: `$type = $smm ? "4m" :
    "4m-no-smm"; $type .= '-ms' if $efidisk->{'pre-enrolled-keys'}`; `4m-no-smm-ms` is
    OVMF_CODE_4M.fd, built from OVMF_4M_FLAGS (no -DSMM_REQUIRE=TRUE)."""
    assert "machine: q35\n" in VM200
    report = _vm(tmp_path, capsys, VM200.replace("machine: q35\n", machine))
    assert pve_result(report, "HVA-066", "web-10") == (
        "fail",
        "UEFI OVMF_CODE_4M.fd on an i440FX machine (no SMM): the guest OS can rewrite the "
        "variable store, so Secure Boot is not protected",
    )


@pytest.mark.parametrize("sev", ["std", "es"])
def test_p12_1_amd_sev_boots_the_sev_image_without_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sev: str
) -> None:
    """Was manual. get_ovmf_files: `elsif ($cvm_type && ($cvm_type eq 'std' || $cvm_type eq
    'es')) { $type = "4m-sev"; }` before any efitype test: OVMF_SEV_CODE_4M.fd and
    OVMF_SEV_VARS_4M.fd (debian/rules build-ovmf-sev: OVMF_SEV_4M_FLAGS = OVMF_4M_FLAGS, the
    plain OVMF_VARS.fd, no enrolment)."""
    report = _vm(tmp_path, capsys, VM200 + f"amd-sev: type={sev}\n")
    assert pve_result(report, "HVA-066", "web-10") == (
        "fail",
        f"UEFI OVMF_SEV_CODE_4M.fd (amd-sev type={sev}): built without SMM, vars template "
        "OVMF_SEV_VARS_4M.fd without keys",
    )


def test_p12_1_amd_sev_snp_ignores_the_efidisk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was manual. print_ovmf_commandline: snp/tdx `push $cmd->@*, '-bios', get_ovmf_files(...)`
    after warning that EFI disks are ignored; `4m-snp` is OVMF_SEV_4M.fd alone."""
    report = _vm(tmp_path, capsys, VM200 + "amd-sev: snp\n")
    assert pve_result(report, "HVA-066", "web-10") == (
        "fail",
        "UEFI OVMF_SEV_4M.fd (amd-sev type=snp, -bios): no persistent keys enrolled",
    )


def test_p12_1_held_q35_is_the_store_question(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: q35 gets `4m-ms` (OVMF_CODE_4M.secboot.fd, SMM): the store decides, once `args:`
    turns on the flash protection qemu-server does not (P23C-1)."""
    secure = "args: -global driver=cfi.pflash01,property=secure,value=on\n"
    report = _vm(tmp_path, capsys, VM200 + secure)
    status, message = pve_result(report, "HVA-066", "web-10")
    assert (status, message.split(";")[0]) == (
        "manual",
        "UEFI Secure Boot with enrolled keys: OVMF efidisk0 efitype=4m, pre-enrolled-keys=1",
    )


# --- P12-2: the Ceph question names a Proxmox VE storage -------------------------------------------

STORAGE = (PVE_HARDENED / "etc/pve/storage.cfg").read_text()


def test_p12_2_ceph_question_names_the_storage_not_a_libvirt_pool(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was a question about "libvirt pool ceph-local" and its <source><name>: an rbd storage
    whose monhost is the node itself (a monitor here, OSDs unknown in a copied /etc) is asked
    about by storage.cfg's `pool` (pve-storage RBDPlugin properties `pool`, `monhost`). An rbd
    storage holds no ISO image (RBDPlugin content `images`, `rootdir`; P16-4): a template's disk
    makes it a library."""
    from test_redteam11_pve_probes import _template

    stanza = "rbd: ceph-local\n\tpool vm\n\tmonhost 127.0.0.1\n\tcontent images\n"
    report = dir_scan(
        tmp_path,
        capsys,
        {"etc/pve/storage.cfg": STORAGE + "\n" + stanza, **_template("ceph-local")},
    )
    r = next(
        r
        for r in report["results"]
        if (r["check_id"], r["subject"]["name"]) == ("HVA-100", "ceph-local")
    )
    assert (r["status"], r["question"]) == (
        "manual",
        "Are the Ceph OSDs that hold placement groups of the Ceph pool behind storage "
        "ceph-local all on nodes other than pve-h1? Evidence: `ceph pg ls-by-pool POOL` (POOL is the storage's `pool` in "
        "/etc/pve/storage.cfg, or the CephFS data pool) and `ceph osd tree` (the host of each "
        "OSD). Pass: yes, none of them is on pve-h1; fail: no, one is, so images are stored on the "
        "hypervisor's own disks.",
    )


# --- P12-3: HVA-046's pass on Proxmox VE names args:, not libvirt's elements -----------------------


def test_p12_3_raw_arguments_pass_names_the_qm_conf_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was "no qemu:commandline, qemu:capabilities or qemu:override" (libvirt's namespace) of a
    qm.conf VM; QemuServer.pm confdesc `args`: "Arbitrary arguments passed to kvm"."""
    report = _vm(tmp_path, capsys, VM200)
    assert pve_result(report, "HVA-046", "web-10") == (
        "pass",
        "no args: (raw arguments passed to kvm) in the VM's configuration",
    )


# --- Probes that held -------------------------------------------------------------------------------

FW200 = (PVE_HARDENED / "etc/pve/firewall/200.fw").read_text()


@pytest.mark.parametrize(
    "fw",
    [
        FW200.replace("enable: 1\n", ""),
        FW200.replace("enable: 1\n", "enable: 0\n"),
        FW200.replace("enable: 1\n", "enable: 01\n"),
    ],
    ids=["unset", "zero", "leading-zero"],
)
def test_held_vm_firewall_off_with_nic_firewall_1_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fw: str
) -> None:
    """Held. pve-firewall Firewall.pm: the VM's tap chain gets its rules and policy only `if
    ($options->{enable})`, else `ACCEPT` (generate_tap_rules_direction); parse_vmfw_option takes
    `enable` only as `(0|1)` (`01` dies "can't parse option", the line skipped): off each time,
    whatever the NIC's firewall=1."""
    report = dir_scan(tmp_path, capsys, {"etc/pve/firewall/200.fw": fw})
    assert pve_result(report, "HVA-303", "web-10") == (
        "fail",
        "BC:24:11:00:00:20: the VM firewall is off",
    )


# --- P12-4: intel-tdx boots the TDX image with its own keys ------------------------------------------


@pytest.mark.parametrize("efidisk", [True, False], ids=["efidisk-ignored", "no-efidisk"])
def test_p12_4_intel_tdx_is_the_question_about_the_image(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], efidisk: bool
) -> None:
    """Was fail "OVMF without efidisk0: a temporary variable store without keys" (no efidisk),
    or the question about an efidisk qemu-server ignores. get_ovmf_files `4m-tdx` ->
    OVMF_TDX_4M.ms.fd (pve-edk2-firmware debian/rules OVMF_TDX_PREENROLLED_IMAGES, the keys
    enrolled at build), started with `-bios` (print_ovmf_commandline). `attestation=1` as
    pve-manager's TdxEdit.js writes it: CPUConfig.pm's $tdx_fmt requires the key (P20-1)."""
    text = VM200 + "intel-tdx: type=tdx,attestation=1\n"
    if not efidisk:
        text = "".join(line for line in text.splitlines(True) if not line.startswith("efidisk0"))
    report = _vm(tmp_path, capsys, text)
    status, message = pve_result(report, "HVA-066", "web-10")
    assert (status, message.split(";")[0]) == (
        "manual",
        "UEFI Secure Boot with enrolled keys: OVMF_TDX_4M.ms.fd (intel-tdx, -bios, keys in the "
        "image, efidisk0 ignored)",
    )


# --- P12-5: hostpciN mdev=TYPE is a mediated device ------------------------------------------------


def test_p12_5_hostpci_mdev_is_a_mediated_device(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was the IOMMU-group question of the whole function 0000:00:02.0 (HVA-050) and the
    SR-IOV VF questions (HVA-193/194). qemu-server PCI.pm prepare_pci_device:
    `pci_create_mdev_device($pciid, $uuid, $mdev)`, the function not bound to vfio; print_
    hostpci_devices: `$sysfspath = "/sys/bus/mdev/devices/$uuid"`."""
    report = _vm(tmp_path, capsys, VM200 + "hostpci0: 0000:00:02.0,mdev=i915-GVTg_V5_4\n")
    assert pve_result(report, "HVA-050", "web-10") == (
        "not_applicable",
        "no DMA-capable (PCI) passthrough: mdev devices stay host-mediated",
    )
    assert pve_result(report, "HVA-194", "web-10")[0] == "not_applicable"


def test_p12_5_held_nvidia_type_is_still_a_function(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held on purpose: parse_hostpci_devices turns `mdev=nvidia-NN` on an NVIDIA function into
    a whole VF (`$res->{nvidia} = $1; delete $res->{mdev}`), which the copied tree cannot tell."""
    report = _vm(tmp_path, capsys, VM200 + "hostpci0: 0000:01:00.0,mdev=nvidia-63\n")
    assert pve_result(report, "HVA-050", "web-10")[0] == "manual"


CLUSTER_FW = (PVE_HARDENED / "etc/pve/firewall/cluster.fw").read_text()
HOST_FW = (PVE_HARDENED / "etc/pve/nodes/pve-h1/host.fw").read_text()


@pytest.mark.parametrize("source", ["+dc/wide", "+wide", "+viaalias"])
def test_held_host_rule_naming_a_cluster_ip_set_is_as_wide_as_the_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source: str
) -> None:
    """Held. A host.fw rule's `+name` is the cluster's IP set (host.fw has no [IPSET] section;
    `dc/` names the datacenter scope), an entry may be a cluster alias; pve-firewall refuses a
    zero prefix in a set ("a zero prefix is not allowed in ipset entries", Firewall.pm
    generic_fw_config_parser), so /1 entries are the widest a set admits."""
    cluster = (
        CLUSTER_FW.replace("vpn-pool 10.0.8.0/24", "vpn-pool 10.0.8.0/24\nhalf 0.0.0.0/1")
        + "\n[IPSET wide]\n0.0.0.0/1\n128.0.0.0/1\n\n[IPSET viaalias]\nhalf\n"
    )
    host = HOST_FW + f"IN ACCEPT -source {source} -p tcp -dport 8006\n"
    report = dir_scan(
        tmp_path,
        capsys,
        {"etc/pve/firewall/cluster.fw": cluster, "etc/pve/nodes/pve-h1/host.fw": host},
    )
    assert pve_result(report, "HVA-313", "pve-h1") == (
        "fail",
        f"host.fw:9 accepts management ports from {source}",
    )
