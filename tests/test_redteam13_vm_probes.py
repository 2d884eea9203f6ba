"""Thirteenth red-team review, VM side (rt13vm): definition elements no earlier round probed.

Same harness as tests/test_redteam3_vm_probes.py: libvirt's test driver serves the domains
(libvirt parses and re-formats every definition before hvaudit reads it) on the replayed
hardened host of conftest, or its SELinux variant (tests/test_redteam_probes.SELINUX_HOST),
changed only where a probe says so. Every fact a probe rests on was read with the `search` /
`find_string` / `read_file` tools and is cited in its docstring. None repeats a probe of the
twelve earlier rounds, tests/test_rawnic_probes.py, tests/test_leads10.py or
tests/test_vm_leads.py.

Findings (R13-n): R13-1 HVA-044 passed an SELinux-confined VM whose serial, console,
parallel or channel <source> carries a <seclabel model='selinux'> of its own, which libvirt's
virSecuritySELinuxSetChardevLabel honours as it does a disk's (R11-1): relabel='no' leaves the
file's label as it is, a <label> replaces the VM's image label (false pass; a fail where the
label has no MCS category, else R11-1's question, naming the device).

Held: a unix channel QEMU binds (libvirt labels no listen socket), a DAC-only chardev
seclabel.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import build_bundle, domain_xml, run_assessment, write_node
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam_probes import SELINUX_HOST

DYNAMIC = "<seclabel type='dynamic' model='selinux'/>"
NO_MCS = (
    "<seclabel model='selinux' relabel='yes'>"
    "<label>system_u:object_r:svirt_image_t:s0</label></seclabel>"
)
KEEP = "<seclabel model='selinux' relabel='no'/>"


def _question(vm: str, paths: str) -> str:
    return (
        f"Does each disk or character device file of VM {vm} on host hv1 whose own <seclabel> "
        f"overrides libvirt's labelling ({paths}) carry an SELinux label with the MCS categories "
        f"of this VM alone? Evidence: `ls -Z PATH` for each on hv1, and the VM's label while it "
        f"runs (`virsh dominfo {vm}`, Security label). Pass: yes, each carries exactly the VM's "
        "categories; fail: any carries s0 alone or categories another VM's label dominates, so "
        "that VM's QEMU may open the file."
    )


# --- R13-1: HVA-044, a character device that keeps an SELinux label of its own ---------------


@pytest.fixture(scope="module")
def chardevs(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt13chr")
    doms = {
        "serlog": DYNAMIC + "<devices><serial type='file'><source path='/var/log/vm/serlog.log'>"
        f"{NO_MCS}</source><target port='0'/></serial></devices>",
        "kept": "<devices><parallel type='dev'><source path='/dev/parport0'>"
        f"{KEEP}</source></parallel><channel type='unix'>"
        f"<source mode='connect' path='/run/agent/kept.sock'>{KEEP}</source>"
        "<target type='virtio' name='org.example.agent.0'/></channel></devices>",
        "mixed": DYNAMIC + "<devices><disk type='file' device='disk'>"
        f"<source file='/var/lib/libvirt/images/mixed.qcow2'>{KEEP}</source>"
        "<target dev='vda' bus='virtio'/></disk><serial type='pipe'>"
        f"<source path='/run/vm/mixed.pipe'>{KEEP}</source><target port='0'/></serial>"
        "</devices>",
        "bindsock": DYNAMIC + "<devices><channel type='unix'>"
        f"<source mode='bind' path='/run/agent/bindsock.sock'>{KEEP}</source>"
        "<target type='virtio' name='org.example.agent.0'/></channel></devices>",
        "dacchr": DYNAMIC + "<devices><serial type='file'><source path='/var/log/vm/dac.log'>"
        "<seclabel model='dac' relabel='no'/></source><target port='0'/></serial></devices>",
    }
    uri = write_node(tmp / "n.xml", [domain_xml(k, body=v) for k, v in doms.items()])
    return run_assessment(build_bundle(tmp, uri, SELINUX_HOST, name="b"))


def test_serial_file_given_a_label_without_categories_fails(chardevs: Assessment) -> None:
    """R13-1. formatdomain, "Security label": the per-source <seclabel> that R11-1 read on a
    disk is allowed on a character device's <source> too, and libvirt 9.0.0's test driver keeps
    it on a serial, parallel, console and channel (run here: it drops it on a smartcard, a
    redirdev and an EGD rng). libvirt src/security/security_selinux.c
    virSecuritySELinuxSetChardevLabel (read with `find_string`): `if (chr_seclabel &&
    !chr_seclabel->relabel) return 0;` then `if (chr_seclabel) imagelabel =
    chr_seclabel->label; if (!imagelabel) imagelabel = seclabel->imagelabel;`, set on the path of
    a file or dev source (and PATH.in/PATH.out of a pipe, a unix socket QEMU connects to). So
    the serial log of this VM is labelled svirt_image_t:s0, with no MCS category, which every
    VM's label dominates (virSecuritySELinuxMCSFind, HVA-044's docstring): any VM's QEMU may
    open the file. HVA-044 passed "dynamic selinux label (generated at every start)" (false
    pass); a fail, as for such a disk (R11-1)."""
    assert verdict(chardevs, "HVA-044", "serlog") == (
        "fail",
        "dynamic selinux label (generated at every start), but serial /var/log/vm/serlog.log is "
        "given SELinux label system_u:object_r:svirt_image_t:s0 by its own <seclabel>: no MCS "
        "category, so every VM's label dominates it and any VM may open the device",
    )


@pytest.mark.parametrize(
    ("vm", "what", "listed", "paths"),
    [
        (
            "kept",
            "no <seclabel>: driver default, a dynamic selinux label, but character device(s)",
            "parallel /dev/parport0 relabel='no' (libvirt leaves its label as it is); channel "
            "/run/agent/kept.sock relabel='no' (libvirt leaves its label as it is)",
            "/dev/parport0, /run/agent/kept.sock",
        ),
        (
            "mixed",
            "dynamic selinux label (generated at every start), but disk(s) and character device(s)",
            "disk /var/lib/libvirt/images/mixed.qcow2 relabel='no' (libvirt leaves its label as "
            "it is); serial /run/vm/mixed.pipe relabel='no' (libvirt leaves its label as it is)",
            "/var/lib/libvirt/images/mixed.qcow2, /run/vm/mixed.pipe",
        ),
    ],
)
def test_character_device_left_unlabelled_is_a_question(
    chardevs: Assessment, vm: str, what: str, listed: str, paths: str
) -> None:
    """R13-1. relabel='no' on a character device's source: virSecuritySELinuxSetChardevLabel
    returns before labelling (above), so the host device /dev/parport0 and the socket QEMU
    connects to keep whatever label they have; whether it carries this VM's categories is not
    in the evidence: R11-1's question, for these files. HVA-044 passed both VMs (the driver
    default's pass; "dynamic selinux label (generated at every start)" for the VM whose disk
    alone R11-1 already asked about, the pipe unnamed)."""
    status, msg = verdict(chardevs, "HVA-044", vm)
    assert (status, msg) == (
        "manual",
        f"{what} keep an SELinux label of their own (<seclabel> on the device source): {listed}",
    )
    result = next(
        r for r in chardevs.results if r.check.id == "HVA-044" and r.outcome.subject.name == vm
    )
    assert result.outcome.question == _question(vm, paths)


@pytest.mark.parametrize("vm", ["bindsock", "dacchr"])
def test_listen_socket_and_dac_override_keep_the_pass(chardevs: Assessment, vm: str) -> None:
    """Holds. A unix channel in mode='bind' is a socket QEMU creates itself: libvirt 9.0's
    virSecuritySELinuxSetChardevLabel labels a unix source only `if
    (!dev_source->data.nix.listen)` (read with `find_string`), so its <seclabel> changes no
    label. A DAC-only <seclabel model='dac' relabel='no'> is virSecurityDACSetChardevLabel's
    (ownership), not SELinux's: the VM's MCS isolation of the file stands."""
    assert verdict(chardevs, "HVA-044", vm) == (
        "pass",
        "dynamic selinux label (generated at every start)",
    )
