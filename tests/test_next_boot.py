"""A running VM is judged on what runs and on the persistent definition it starts from next.

`virsh define` (or `virsh edit`) on a running domain changes only its persistent definition: "If
domain is already running, the changes will take effect on the next boot" (virsh(1), read with
`search`). The collector reads that definition with VIR_DOMAIN_XML_INACTIVE; the engine runs every
check again on the deployment as it starts next and keeps, per subject, the worse verdict. libvirt's
test driver keeps the two definitions apart as the QEMU driver does (its newDef), so these tests
drive the real collector through a test-driver connection that was redefined after the open.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import HARDENED_HOST, build_bundle, domain_xml, messages, outcomes, write_node
from hvaudit.bundle import Bundle
from hvaudit.engine import assess
from hvaudit.parse import build_deployment
from hvaudit.profile import load_profile

CONFINED = "<seclabel type='dynamic' model='apparmor'/>"


def _scan(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    running: list[str],
    redefined: list[str],
    host: dict[str, Any] | None = HARDENED_HOST,
) -> tuple[Any, Path]:
    import libvirt

    uri = write_node(tmp_path / "n.xml", running)
    conn = libvirt.open(uri)
    for xml in redefined:
        conn.defineXML(xml)
    monkeypatch.setattr(libvirt, "open", lambda name=None: conn)
    monkeypatch.setattr(libvirt, "openReadOnly", lambda name=None: conn)
    bundle = build_bundle(tmp_path, uri, host)
    deployment, problems = build_deployment(Bundle.open(bundle))
    return assess(deployment, problems, load_profile()), bundle


def _index(bundle: Path) -> dict[str, dict[str, Any]]:
    data = json.loads((bundle / "libvirt/domains/index.json").read_text())
    return {d["uuid"]: d for d in data["domains"]}


def test_an_unconfined_definition_fails_though_the_running_process_is_confined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uuid

    # the running VMs' AppArmor profiles are loaded (a running VM without one fails: R19)
    profiles = HARDENED_HOST["/sys/kernel/security/apparmor/profiles"] + "".join(
        f"libvirt-{uuid.uuid5(uuid.NAMESPACE_DNS, n)} (enforce)\n" for n in ("drifted", "steady")
    )
    a, bundle = _scan(
        tmp_path,
        monkeypatch,
        [domain_xml("drifted", body=CONFINED), domain_xml("steady", body=CONFINED)],
        [domain_xml("drifted", body="<seclabel type='none'/>")],
        host=dict(HARDENED_HOST, **{"/sys/kernel/security/apparmor/profiles": profiles}),
    )
    assert outcomes(a, "HVA-044")["steady"] == "pass"
    assert outcomes(a, "HVA-044")["drifted"] == "fail"
    msg = messages(a, "HVA-044")["drifted"]
    assert msg.startswith(
        "at its next start (its persistent definition differs from the running VM)"
    )
    assert "none" in msg
    (result,) = [
        r for r in a.results if r.check.id == "HVA-044" and r.outcome.subject.name == "drifted"
    ]
    assert next(e.artefact for e in result.outcome.evidence).endswith(".next.xml")
    # Only the redefined domain's persistent definition is kept: the others equal what runs.
    kept = {u: d.get("next_boot") for u, d in _index(bundle).items()}
    assert sorted(v is not None for v in kept.values()) == [False, True]


def test_a_stronger_definition_does_not_lift_a_failing_running_vm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, _ = _scan(
        tmp_path,
        monkeypatch,
        [domain_xml("weak-now", body="<seclabel type='none'/>")],
        [domain_xml("weak-now", body=CONFINED)],
    )
    assert outcomes(a, "HVA-044")["weak-now"] == "fail"
    assert not messages(a, "HVA-044")["weak-now"].startswith("at its next start")


def test_a_host_verdict_resting_on_a_definition_names_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HVA-042 (QEMU processes do not run as root) reads each VM's DAC label: a definition
    saying `+0:+0` runs that VM's QEMU as root at its next start (formatdomain "Security label":
    the dac model's label is user:group)."""
    a, _ = _scan(
        tmp_path,
        monkeypatch,
        [domain_xml("dac-drift", body=CONFINED)],
        [
            domain_xml(
                "dac-drift",
                body=CONFINED
                + "<seclabel type='static' model='dac' relabel='yes'><label>+0:+0</label></seclabel>",
            )
        ],
    )
    assert outcomes(a, "HVA-042")["hv1"] == "fail"
    assert messages(a, "HVA-042")["hv1"].startswith("at the next start of dac-drift")


def test_nothing_redefined_means_nothing_judged_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, bundle = _scan(tmp_path, monkeypatch, [domain_xml("a", body=CONFINED), domain_xml("b")], [])
    assert a.deployment.next_boot == {}
    assert all("next_boot" not in d for d in _index(bundle).values())
    assert not any("next start" in r.outcome.message for r in a.results)


def test_proxmox_pending_values_and_deletions_make_the_next_start() -> None:
    """qemu-server keeps a running VM's changes that cannot be hot-plugged in [PENDING]; `delete:`
    lists keys to drop (a `!` forces it); vm_start applies both (PVE/QemuConfig.pm, read with
    `search`)."""
    from hvaudit.parse.proxmox import parse_qemu_config
    from hvaudit.parse.proxmox_model import _with_pending

    cfg = parse_qemu_config(
        "cores: 2\ntablet: 0\nargs: -nodefaults\n\n[PENDING]\ncores: 4\n"
        "delete: tablet,!args\nvga: std\n",
        "qemu-server/100.conf",
    )
    later = _with_pending(cfg)
    assert later.values == {"cores": "4", "vga": "std"}
    assert cfg.values == {"cores": "2", "tablet": "0", "args": "-nodefaults"}
    assert later.pending == {}


def _tpm(sock: str) -> str:
    return (
        "<devices><tpm model='tpm-crb'><backend type='external'>"
        f"<source type='unix' mode='connect' path='{sock}'/></backend></tpm></devices>"
    )


def test_one_vm_restarting_beside_the_others_still_running_is_judged_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rolling restart: virsh(1) "the changes will take effect on the next boot" of that
    domain only, the others keep running as they run. a uses swtpm socket s1 and b s2 now; both
    are redefined, a to s2 and b to s1. All now and all restarted: one socket each. a restarted
    while b still runs: both on s2, one TPM for two VMs (HVA-065: formatdomain's external backend
    connects to an swtpm started outside libvirt)."""
    a, _ = _scan(
        tmp_path,
        monkeypatch,
        [domain_xml("tpm-a", body=_tpm("/run/s1")), domain_xml("tpm-b", body=_tpm("/run/s2"))],
        [domain_xml("tpm-a", body=_tpm("/run/s2")), domain_xml("tpm-b", body=_tpm("/run/s1"))],
    )
    assert outcomes(a, "HVA-065") == {"tpm-a": "fail", "tpm-b": "fail"}
    got = messages(a, "HVA-065")
    # whichever VM's lone restart is judged first, each verdict names that rolling restart
    for mine, other in (("tpm-a", "tpm-b"), ("tpm-b", "tpm-a")):
        assert (
            " while the other VMs run as they run now (its persistent definition differs "
            in (got[mine])
        ), got[mine]
        assert f"is shared with {other}: one TPM for several VMs" in got[mine], got[mine]


def test_a_definition_differing_in_its_own_cpu_alone_gets_no_world_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A running KVM domain's live <cpu check='full'> lists the features QEMU gave it, so on a
    real host nearly every running VM has a differing persistent definition. Its CPU is read by
    its own HVA-049 verdict alone (OWN_ONLY_FIELDS), which the all-restarted world decides: a
    world per such VM would cost one more assessment per running VM for nothing. A VM whose
    definition differs in anything else gets its own world."""
    from hvaudit.checks.base import Context
    from hvaudit.engine import _next_worlds

    cpu = "<cpu mode='custom' match='exact'><model>Skylake-Client</model></cpu>"
    a, _ = _scan(
        tmp_path,
        monkeypatch,
        [domain_xml("c1", body=CONFINED), domain_xml("c2", body=CONFINED), domain_xml("m")],
        [
            domain_xml("c1", body=CONFINED + cpu),
            domain_xml("c2", body=CONFINED + cpu),
            domain_xml("m", memory_mib=2048),
        ],
    )
    assert sorted(v.name for v in a.deployment.next_boot.values()) == ["c1", "c2", "m"]
    worlds = _next_worlds(Context(a.deployment, load_profile()))
    assert [sorted(w.starting) == sorted(a.deployment.next_boot) for w in worlds] == [True, False]
    assert [v.name for v in a.deployment.vms if v.uuid in worlds[1].starting] == ["m"]
