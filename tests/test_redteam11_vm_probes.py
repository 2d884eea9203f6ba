"""Eleventh red-team review, VM side (rt11vm): probes of definition elements that say one thing
in more ways than one, which the ten earlier rounds did not try.

Same harness as tests/test_redteam3_vm_probes.py: libvirt's test driver serves the domains
(libvirt parses and re-formats every definition before hvaudit reads it) on the replayed
hardened host of conftest, or its SELinux variant (tests/test_redteam_probes.SELINUX_HOST),
changed only where a probe says so. Each probe asserts the verdict its cited source proves
right, with the message; every fact it rests on was read with the `search` / `find_string` /
`read_file` tools and is cited in its docstring. None repeats a probe of the ten earlier
rounds.

Findings (R11-n): R11-1 HVA-044 passed a VM that SELinux confines with its own (dynamic,
static relabelled, or the driver's default) label though a disk of it carries a
<seclabel model='selinux'> of its own on its <source>: libvirt then leaves that file's label
as it is (relabel='no') or applies the given label instead of the VM's image label, so the
disk no longer carries the VM's MCS categories (false pass; a question, or a fail where the
given label has no MCS category, which every VM's label dominates).

Tally: 7 probe cases (4 test functions). 5 cases pin R11-1 (each failed on main before its
fix); 2 found nothing, the verdict held: a disk with a DAC-only <seclabel relabel='no'> and a
disk without an override.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import build_bundle, domain_xml, run_assessment, write_node
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam_probes import SELINUX_HOST

# --- R11-1: HVA-044, a disk that keeps an SELinux label of its own ---------------------------

DYNAMIC = "<seclabel type='dynamic' model='selinux'/>"
STATIC = (
    "<seclabel type='static' model='selinux' relabel='yes'>"
    "<label>system_u:system_r:svirt_t:s0:c11,c21</label></seclabel>"
)


def _disk(name: str, seclabel: str) -> str:
    return (
        "<devices><disk type='file' device='disk'>"
        f"<source file='/var/lib/libvirt/images/{name}.qcow2'>{seclabel}</source>"
        "<target dev='vda' bus='virtio'/></disk></devices>"
    )


KEEP = "<seclabel model='selinux' relabel='no'/>"
OPEN = (
    "<seclabel model='selinux' relabel='yes'>"
    "<label>system_u:object_r:svirt_image_t:s0</label></seclabel>"
)
PAIRED = (
    "<seclabel model='selinux' relabel='yes'>"
    "<label>system_u:object_r:svirt_image_t:s0:c5,c6</label></seclabel>"
)


@pytest.fixture(scope="module")
def kept(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt11kept")
    doms = {
        "keeps": DYNAMIC + _disk("keeps", KEEP),
        "deflt": _disk("deflt", KEEP),
        "statkeep": STATIC + _disk("statkeep", KEEP),
        "opened": DYNAMIC + _disk("opened", OPEN),
        "paired": DYNAMIC + _disk("paired", PAIRED),
        "dacno": DYNAMIC + _disk("dacno", "<seclabel model='dac' relabel='no'/>"),
        "plain": DYNAMIC + _disk("plain", ""),
    }
    uri = write_node(tmp / "n.xml", [domain_xml(k, body=v) for k, v in doms.items()])
    return run_assessment(build_bundle(tmp, uri, SELINUX_HOST, name="b"))


def _question(vm: str, paths: str) -> str:
    return (
        f"Does each disk of VM {vm} on host hv1 whose own <seclabel> overrides libvirt's "
        f"labelling ({paths}) carry an SELinux label with the MCS categories of this VM alone? "
        f"Evidence: `ls -Z PATH` for each on hv1, and the VM's label while it runs (`virsh "
        f"dominfo {vm}`, Security label). Pass: yes, each carries exactly the VM's categories; "
        "fail: any carries s0 alone or categories another VM's label dominates, so that VM's "
        "QEMU may open the disk."
    )


@pytest.mark.parametrize(
    ("vm", "what"),
    [
        ("keeps", "dynamic selinux label (generated at every start)"),
        ("deflt", "no <seclabel>: driver default, a dynamic selinux label"),
        ("statkeep", "static selinux label system_u:system_r:svirt_t:s0:c11,c21"),
    ],
)
def test_disk_left_unlabelled_is_a_question(kept: Assessment, vm: str, what: str) -> None:
    """R11-1. formatdomain, "Security label" (libvirt docs/formatdomain.rst, read with
    `read_file`): "When relabeling is in effect, it is also possible to fine-tune the labeling
    done for specific source file names, by either disabling the labeling (useful if the file
    lives on NFS or other file system that lacks security labeling) or requesting an alternate
    label". libvirt's src/security/security_selinux.c virSecuritySELinuxSetImageLabelInternal
    (read with `read_file`): `if (disk_seclabel && (!disk_seclabel->relabel ||
    disk_seclabel->label)) { if (!disk_seclabel->relabel) return 0; ...`: the file keeps
    whatever label it has. sVirt's isolation of the disk is its label carrying the VM's MCS
    categories; this disk's label is not in the evidence (R9-9's question, for one disk). The
    VM's own label passed: "dynamic selinux label (generated at every start)", the driver
    default's pass, the relabelled static label's "unique on the host"."""
    path = f"/var/lib/libvirt/images/{vm}.qcow2"
    status, msg = verdict(kept, "HVA-044", vm)
    assert (status, msg) == (
        "manual",
        f"{what}, but disk(s) keep an SELinux label of their own (<seclabel> on the disk "
        f"source): {path} relabel='no' (libvirt leaves its label as it is)",
    )
    result = next(
        r for r in kept.results if r.check.id == "HVA-044" and r.outcome.subject.name == vm
    )
    assert result.outcome.question == _question(vm, path)


def test_disk_given_a_label_without_categories_fails(kept: Assessment) -> None:
    """R11-1. The same function applies a disk seclabel's <label> instead of the VM's image
    label (`use_label = disk_seclabel->label`); formatdomain: such a label is "useful when a
    management application creates a special label to allow sharing of some, but not all,
    resources between domains". svirt_image_t:s0 has no MCS category: "A process can access a
    file if the set of MCS categories for the file is equal-to *or* a subset-of, the set of MCS
    categories for the process" (security_selinux.c virSecuritySELinuxMCSFind, HVA-044's
    docstring), so every VM's QEMU may open this disk: a fail, as HVA-044 fails a static label
    with no category."""
    assert verdict(kept, "HVA-044", "opened") == (
        "fail",
        "dynamic selinux label (generated at every start), but disk "
        "/var/lib/libvirt/images/opened.qcow2 is given SELinux label "
        "system_u:object_r:svirt_image_t:s0 by its own <seclabel>: no MCS category, so every "
        "VM's label dominates it and any VM may open the disk",
    )


def test_disk_given_a_label_with_categories_is_a_question(kept: Assessment) -> None:
    """R11-1. A given label with categories (c5,c6) may be this VM's pair or another's: the
    VM's dynamic pair is chosen at every start (virSecuritySELinuxMCSFind), so whether c5,c6
    is only its own is the question, not a pass."""
    path = "/var/lib/libvirt/images/paired.qcow2"
    assert verdict(kept, "HVA-044", "paired") == (
        "manual",
        "dynamic selinux label (generated at every start), but disk(s) keep an SELinux label of "
        f"their own (<seclabel> on the disk source): {path} label "
        "system_u:object_r:svirt_image_t:s0:c5,c6 (applied instead of the VM's)",
    )


def test_dac_override_and_plain_disk_stay_a_pass(kept: Assessment) -> None:
    """Holds: a <seclabel model='dac' relabel='no'> leaves the file's owner alone
    (security_dac.c virSecurityDACSetImageLabel: `if (disk_seclabel && !disk_seclabel->relabel)
    return 0`), not its SELinux label, which libvirt still sets to the VM's categories; a disk
    without an override is labelled with them."""
    for vm in ("dacno", "plain"):
        assert verdict(kept, "HVA-044", vm) == (
            "pass",
            "dynamic selinux label (generated at every start)",
        )
