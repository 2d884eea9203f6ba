"""Twentieth red-team review, VM side, second team (rt20vm2): round 20's first VM team's leads
(tests/test_redteam20_vm_probes.py: the host-certificates smartcard's NSS database, mdev
host devices, VL16-5's wording for memory devices) and <features>, <vcpu>/<cputune>/<memtune>
edge values and XML oddities no earlier round probed.

Same harness as rounds 18 to 20 (tests/test_redteam19_vm_probes.py, the helpers of rounds 3,
13 and 15 it imports): libvirt's test driver serves the domains on conftest's replayed
SELinux host. Every fact a probe rests on was read with the `search` / `find_string` /
`read_file` tools and is cited in its docstring.

Findings (R20-n): R20-5 HVA-044 passed a VM with a host-certificates <smartcard> "dynamic
selinux label", though libvirt labels the card's NSS database directory (its <database>, else
the host's /etc/pki/nssdb) with the read-only content label at each start
(security_selinux.c virSecuritySELinuxSetSecuritySmartcardCallback), readable by every VM
(false pass; now R15-3's kind of question, naming the directory).

Held (kept as tests): a smartcard of mode 'host' (no database libvirt labels) keeps the pass.

Probed by script, not kept (the verdict was right): `<vcpu placement='auto' cpuset='2-3'>`:
libvirt drops the cpuset (the test driver's XMLDesc shows `<vcpu placement='auto'>`; numad
decides, formatdomain "CPU Allocation"), so HVA-090 sees no reservation, rightly; `<shares>+5`,
`<shares> 5 </shares>` and `<quota>0x100</quota>` are refused ("can't parse cputune shares
value"); `<hard_limit unit='P'>1</hard_limit>` and a soft_limit of 9007199254740991 KiB are
formatted in KiB, the unlimited one not at all (virMemoryLimitIsSet), so hvaudit, which reads
libvirt's own XMLDesc only, never sees the written units or spellings.

Tally: 4 probe cases (3 test functions): 3 pin R20-5, each failing on main before its fix; 1
held.

Leads left (not settled in the time): mdev host devices (HVA-050) and VL16-5's wording for
memory devices: not yet settled.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import build_bundle, domain_xml, run_assessment, write_node
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict
from test_redteam13_vm_probes import DYNAMIC

# --- R20-5: HVA-044, a host-certificates smartcard's NSS database ------------------------------

CARD = (
    "<devices><smartcard mode='host-certificates'><certificate>c1</certificate>"
    "<certificate>c2</certificate><certificate>c3</certificate>{db}</smartcard></devices>"
)
FWCFG = (
    "<sysinfo type='fwcfg'><entry name='opt/com.coreos/config' "
    "file='/var/lib/libvirt/images/ign.json'/></sysinfo>"
)
LABEL = "dynamic selinux label (generated at every start)"
CONTENT = (
    "get libvirt's read-only content label, with no MCS category: every VM's label dominates "
    "it, so any VM on the host may read them"
)


@pytest.fixture(scope="module")
def cards(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    from test_redteam_probes import SELINUX_HOST

    tmp: Path = tmp_path_factory.mktemp("rt20sc")
    doms = {
        "scdef": DYNAMIC + CARD.format(db=""),
        "scown": DYNAMIC + CARD.format(db="<database>/var/lib/libvirt/nss/scown</database>"),
        "scfw": DYNAMIC + FWCFG + CARD.format(db=""),
        "schost": DYNAMIC + "<devices><smartcard mode='host'/></devices>",
    }
    uri = write_node(tmp / "n.xml", [domain_xml(k, body=v) for k, v in doms.items()])
    return run_assessment(build_bundle(tmp, uri, SELINUX_HOST, name="b"))


def _question(a: Assessment, check: str, vm: str) -> str | None:
    return next(
        r.outcome.question
        for r in a.results
        if r.check.id == check and r.outcome.subject.name == vm
    )


@pytest.mark.parametrize(
    ("vm", "db"), [("scdef", "/etc/pki/nssdb"), ("scown", "/var/lib/libvirt/nss/scown")]
)
def test_host_certificates_smartcard_database_is_a_question(
    cards: Assessment, vm: str, db: str
) -> None:
    """R20-5 (false pass; round 20's lead). `<smartcard mode='host-certificates'>` has QEMU's
    emulated card (libcacard) read its three certificates, and the private keys it signs with,
    from an NSS database directory of the host: the card's <database>, else /etc/pki/nssdb,
    the host's system-wide one (domain_conf.h: `#define VIR_DOMAIN_SMARTCARD_DEFAULT_DATABASE
    "/etc/pki/nssdb"`; the test driver keeps the definition without a <database>). libvirt
    labels that directory at each start with the read-only content label:
    security_selinux.c virSecuritySELinuxSetSecuritySmartcardCallback, `case
    VIR_DOMAIN_SMARTCARD_TYPE_HOST_CERTIFICATES: database = dev->data.cert.database; if
    (!database) database = VIR_DOMAIN_SMARTCARD_DEFAULT_DATABASE; return
    virSecuritySELinuxSetFilecon(mgr, database, data->content_context, true);` (read with
    `find_string`), virt_content_t:s0 with no MCS category, which every VM's label dominates,
    as for R15-3's fw_cfg files. HVA-044 passed "dynamic selinux label"; now the question,
    naming the directory."""
    assert verdict(cards, "HVA-044", vm) == (
        "manual",
        f"{LABEL}, but the NSS database(s) {db} of its host-certificates smartcard {CONTENT}",
    )
    assert _question(cards, "HVA-044", vm) == (
        f"May every VM on host hv1 read the NSS database(s) {db} that VM {vm}'s "
        "host-certificates smartcard reads? Evidence: `ls -Zd DIR` and `ls -Z DIR` on hv1 (the "
        "directory is virt_content_t:s0 once the VM has started) and `certutil -K -d sql:DIR` "
        "(the private keys it holds). Pass: yes, a directory kept for this VM's card alone, "
        "holding nothing another VM must not read; fail: it holds keys another VM must not "
        "read, or it is the host's shared /etc/pki/nssdb (the default where the card names no "
        "<database>), which host services use."
    )


def test_smartcard_database_beside_a_fw_cfg_file_is_named_too(cards: Assessment) -> None:
    """R20-5 (false pass): a VM with a fw_cfg file (R15-3's question) and a host-certificates
    smartcard was asked about the fw_cfg file alone; both are named now, each question asked."""
    assert verdict(cards, "HVA-044", "scfw") == (
        "manual",
        f"{LABEL}, but fw_cfg file(s) /var/lib/libvirt/images/ign.json (<sysinfo "
        f"type='fwcfg'>) {CONTENT}; and the NSS database(s) /etc/pki/nssdb of its "
        f"host-certificates smartcard {CONTENT}",
    )
    q = _question(cards, "HVA-044", "scfw") or ""
    assert q.startswith("May every VM on host hv1 read the file(s) /var/lib/libvirt/images/")
    assert " May every VM on host hv1 read the NSS database(s) /etc/pki/nssdb that VM scfw's" in q


def test_host_smartcard_keeps_the_pass(cards: Assessment) -> None:
    """R20-5 held: a smartcard of mode 'host' hands QEMU the host's card reader through NSS
    without a database libvirt labels (virSecuritySELinuxSetSecuritySmartcardCallback: `case
    VIR_DOMAIN_SMARTCARD_TYPE_HOST: break;`)."""
    assert verdict(cards, "HVA-044", "schost") == ("pass", LABEL)
