"""Red team 21, Proxmox VE: qm.conf `cpu` and `rng0` as qemu-server's schema reads them, corosync.conf
files corosync refuses, a token's Sys.Console on `/`.

Harness: the hardened node's tree (tests/fixtures/proxmox-hardened) scanned as a copied tree
(pve+dir://, test_redteam2_probes.pve_scan) or as a live node with its commands replayed
(test_redteam3_host_probes.pve_scan, AMD_NESTING_HOST's kvm_amd nested=1), files replaced.
Sources read with `fetch`: github:proxmox/qemu-server e6352be, pve-common f665029, pve-manager
14a22df3, pve-access-control 5ccd07d; corosync exec/coroparse.c and exec/totemconfig.c with
`find_string`/`read_file`.

Findings (each pinned below):

- P21-1 (false pass, and a wrong fail): HVA-049 read qm.conf `cpu` without its schema. The key
  is `format => 'pve-vm-cpu-conf'` (QemuServer.pm $confdesc), so parse_vm_config's check_type
  runs pve-common check_format -> parse_property_string with CPUConfig.pm $cpu_fmt (a key it
  lacks, a second default value, `hidden` no boolean, `hv-vendor-id` not `[a-zA-Z0-9]{1,12}`,
  `flags` not `[+-]name(;[+-]name)*`, guest-phys-bits outside 32..64, `phys-bits` not
  parse_phys_bits's `host|\\d{1,2}` in 8..64, `level` outside 0..2^32-1) and then the format's
  validator validate_vm_cpu_conf: no cputype, a flag outside CPUFlags.pm's VM-specific set
  (nested-virt, md-clear, pcid, spec-ctrl, ssbd, ibpb, virt-ssbd, amd-ssbd, amd-no-ssb, pdpe1gb,
  hv-tlbflush, hv-evmcs, aes: `+vmx`, `+svm` are refused) or any `reported-model`. A refused
  value is dropped ("unable to parse value of 'cpu'") and get_cpu_options starts the default,
  get_default_cpu_type: kvm64, qemu64 with `kvm: 0`. Under TCG qemu64 keeps svm, so `kvm: 0`
  with `cpu: Haswell,flags=+vmx` (or `hidden=2`, ` flags=+aes`, `bogus=1`, `phys-bits=7`) passed
  "a named model" where the guest can run a hypervisor (now fail); `cpu: host,flags=+vmx`
  beside kvm_amd nested=1 failed "passes the host's vmx/svm through" where the VM runs kvm64
  (now pass). parse_qemu_config refuses such values as qemu-server does
  (hvaudit.parse.proxmox._QM_FORMATS["cpu"], _vm_cpu_error) with a note.
- P21-2 (false pass): under TCG a cputype hvaudit does not know passed as "a named model".
  validate_vm_cpu_conf refuses a cputype missing from the node's model list
  (/usr/share/kvm/cpu-models-x86_64.json, QEMU's names, case-sensitive: `haswell` is none)
  ("Built-in cputype ... is not defined"), and the VM runs qemu64 with svm; the list is not in
  the evidence, so such a model under `kvm: 0` is now the question of what `qm showcmd` gives.

- P21-3 (false pass, and a wrong fail): HVA-309 judged corosync.conf files corosync refuses.
  corosync exec/coroparse.c main_config_parser_cb (read with `find_string`/`read_file`) refuses
  the whole file for a totem ip_version other than ipv4/ipv6/ipv6-4/ipv4-6 ("Invalid ip_version
  type") and a totem uint32 key (netmtu, consensus, join, ...) safe_atoq does not read (strtoll
  base 10 over the whole value, 0..UINT32_MAX: `1500b`, `-1`, `3600 # ms`); totemconfig.c
  totem_get_crypto refuses a crypto_model other than nss/openssl and a cipher (set, or secauth:
  on's aes256) with crypto_hash none ("crypto_cipher requires crypto_hash with value other than
  none"). The first kind passed "crypto_cipher aes256, crypto_hash sha256", the cipher without
  a hash failed "unencrypted"; both are now the question of what corosync runs (P8-11's
  "refused" reading, extended: checks.proxmox._corosync_refuses, COROSYNC_UINT32).
  test_proxmox_checks' `secauth: on` + `crypto_hash: none` case follows (was fail).

- P21-4 (wrong fail, and a wrong n/a): rng0 was read without RNG.pm's $rng_fmt (`format =>
  $rng_fmt`, so check_type -> parse_property_string drops a value it refuses: keys untrimmed,
  no unknown key, `source` required, integers pve-common's is_integer `[+-]?[0-9]+`).
  `rng0: source=/dev/hwrng, max_bytes=0` (key ` max_bytes`) and `...,bogus=1,max_bytes=0`
  failed HVA-050 "without a bound" where the VM has no RNG device (now n/a with a note);
  `max_bytes=+5` or `period=+100` was n/a "no device passthrough" for a VM reading the node's
  hardware RNG at a bound (now pass naming the rate). rng0 is in _QM_FORMATS now; _hwrng reads
  what the schema took.
- P21-5 (wrong fail): HVA-311 counted a privsep 1 token's Sys.Console on `/` (PVESysAdmin, or a
  role of Sys.Console alone) as administering the cluster, as L19-30P had stopped doing on a
  node: vncshell/termproxy/spiceshell (pve-manager API2/Nodes.pm) call verify_username on the
  caller, whose realm_regex refuses a token id's `!`. Such a role no longer counts on the
  token's side (checks.proxmox._token_administers); one with another admin privilege does.

Held (kept as tests): `cpu: Haswell,flags=+md-clear;+pcid` and a cpu with every other key
valid (hidden, hv-vendor-id, phys-bits=host, level, guest-phys-bits) keep "a named model" under
TCG; `cpu: host,flags=+nested-virt` still fails; HVA-309: crypto_model openssl, `netmtu: +1400`
(strtoll takes the sign) and a `token:` value (redacted by the collector, not judged) pass;
rng0 `max_bytes=0` still fails; a token role of Sys.Console with Sys.Modify on `/` still fails.

Probed by script, not kept (the verdict was right): `cpu: Haswell-v2` under TCG (a versioned
Intel model, pass); `cpu: x86-64-v2-AES` under TCG (reports qemu64: fail, as before); rng0
`source=/dev/urandom,max_bytes=0` (no hardware RNG: n/a). Read, not probed further (the verdict
holds): a token's Permissions.Modify on /vms/<id> or /pool/<pool> grants roles on that path
only (a pool's ACL reaches its members; adding a VM to a pool needs VM.Allocate on it, pve-
access-control API2/Pool.pm), so HVA-311 keeps it as the scoped grant (pass).

Tally: P21-1: 10 cases failed on main 14a2017, 2 held; P21-2: 2 cases failed on main 14a2017;
P21-3: 7 cases failed on main 14a2017 (2 wrong fails, 5 false passes), 1 held; P21-4: 5 cases
failed on main fa3db4c, 1 held; P21-5: 2 cases failed on main fa3db4c, 1 held.

Leads left (not settled in the time): the VM-specific flag set and $cpu_fmt's keys are
e6352be's: `nested-virt` came with qemu-server 9e319737 (2025-11-14), `level` with 82f0c412
(2026-05-18), so an older node refuses values hvaudit takes (under TCG a named Intel model that
is really qemu64 there: a false pass only on such a node); a versioned model the node's QEMU
lacks (`Haswell-v9`) is read by its base name. HVA-309: parse_corosync keeps the last of a
key repeated inside one block, so a refused earlier value there (`ip_version: ipv5` then
`ip_version: ipv4`) is not seen; coroparse.c's other refusals (knet_compression_model,
knet_compression_level, quorum and nodelist numbers, an unknown section line) are not modelled;
`token*` values are redacted before the check sees them. rng0 `max_bytes=+0`/`-5`: qemu-server
writes `max-bytes=+0` (Perl-true), read as a bound; whether QEMU's uint64 property parser takes
a sign (else the VM does not start) was not read. Sys.Console for a non-root USER (not a token)
opens only `/bin/login` (Nodes.pm get_shell_command: "non-root must always login"), yet
ADMIN_PRIVILEGES counts it for users on `/` (HVA-306/307/311/312's privileged users): a team
decision (it also gates a VM's host cdrom, qemu-server API2/Qemu.pm `check($authuser, "/",
['Sys.Console'])`). hostpciN `mapping=` is not resolved against /etc/pve/mapping/pci.cfg (not
collected): the device stays "of cluster mapping X"; a netN/hostpciN/usbN value the schema
refuses is still read (a device that is not there: the fail side).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from test_redteam2_probes import AMD_NESTING_HOST, PVE_HARDENED, pve_result, pve_scan

VM200 = (PVE_HARDENED / "etc/pve/qemu-server/200.conf").read_text()
CONF200 = "etc/pve/qemu-server/200.conf"
DEFAULT_CPU = "cpu: x86-64-v2-AES"


def _cpu(cpu: str, extra: str = "") -> dict[str, str]:
    return {CONF200: VM200.replace(DEFAULT_CPU, f"cpu: {cpu}") + extra}


def _live_nesting(tmp_path: Path, cpu: str) -> tuple[str, str]:
    """HVA-049 of web-10 on a live node (replayed) whose kvm_amd nests."""
    from test_redteam3_host_probes import pve_scan as live_scan

    tree = Path(shutil.copytree(PVE_HARDENED, tmp_path / "tree"))
    (tree / CONF200).write_text(VM200.replace(DEFAULT_CPU, f"cpu: {cpu}"))
    a = live_scan(tmp_path, AMD_NESTING_HOST, tree)
    r = next(r for r in a.results if (r.check.id, r.outcome.subject.name) == ("HVA-049", "web-10"))
    return r.status.value, r.outcome.message


# --- P21-1: a `cpu` value qemu-server's schema refuses is dropped -------------------------------


@pytest.mark.parametrize(
    "cpu",
    [
        "Haswell,flags=+vmx",
        "Haswell,hidden=2",
        "Haswell,reported-model=Haswell",
        "Haswell, flags=+aes",
        "Haswell,bogus=1",
        "Haswell,phys-bits=7",
        "Haswell,hv-vendor-id=toolongvendorid",
    ],
    ids=["vmx-flag", "hidden", "reported-model", "blank-key", "unknown-key", "phys-bits", "vendor"],
)
def test_p21_1_refused_cpu_under_tcg_runs_qemu64_with_svm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cpu: str
) -> None:
    """parse_vm_config drops the refused `cpu`; CPUConfig.pm get_default_cpu_type($arch, 0) is
    qemu64, which keeps svm under TCG. Was pass "cpu: Haswell (a named model ...)"."""
    report = pve_scan(tmp_path, capsys, _cpu(cpu, "kvm: 0\n"))
    assert pve_result(report, "HVA-049", "web-10") == (
        "fail",
        "kvm: 0 runs the VM under TCG, and cpu qemu64 carries svm there: the guest can run a "
        "hypervisor",
    )
    assert any(
        "200.conf" in n and "cpu:" in n and "refused by qemu-server's schema" in n
        for n in report["notes"]
    ), report["notes"]


@pytest.mark.parametrize("cpu", ["host,flags=+vmx", "max,flags=+svm", "host,bogus=1"])
def test_p21_1_refused_host_cpu_runs_kvm64(tmp_path: Path, cpu: str) -> None:
    """validate_vm_cpu_conf: "VM-specific CPU flags must be a subset of: ..." (`+vmx`/`+svm` are
    no VM flags; `nested-virt` is), and parse_property_string refuses a key $cpu_fmt lacks: the
    VM runs kvm64, a named model whose svm QEMU turns off under KVM. Was fail "cpu: host passes
    the host's vmx/svm through when KVM nests, and the node's KVM has nested on"."""
    assert _live_nesting(tmp_path, cpu) == (
        "pass",
        "cpu: kvm64 (a named model; QEMU turns svm off on named models under KVM, and none "
        "carries vmx)",
    )


def test_p21_1_held_valid_cpu_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Held: VM-specific flags from the set and every other key of $cpu_fmt with a value it takes
    keep the named model (Intel: no svm under TCG)."""
    for n, cpu in enumerate(
        [
            "Haswell,flags=+md-clear;+pcid",
            "Haswell,hidden=1,hv-vendor-id=abc,phys-bits=host,level=+30,guest-phys-bits=40",
        ]
    ):
        report = pve_scan(tmp_path / str(n), capsys, _cpu(cpu, "kvm: 0\n"))
        assert pve_result(report, "HVA-049", "web-10") == (
            "pass",
            "cpu: Haswell (a named model; QEMU turns svm off on named models under KVM, and none "
            "carries vmx)",
        )


def test_p21_1_held_nested_virt_flag(tmp_path: Path) -> None:
    """Held: `+nested-virt` is in the VM-specific set: the host vendor's flag, a fail."""
    assert _live_nesting(tmp_path, "host,flags=+nested-virt")[0] == "fail"


# --- P21-2: an unknown cputype under TCG may be refused, leaving qemu64 ----------------------------


@pytest.mark.parametrize("cpu", ["haswell", "Foo-Server"])
def test_p21_2_unknown_model_under_tcg_asks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cpu: str
) -> None:
    """validate_vm_cpu_conf: "Built-in cputype '$cputype' is not defined" for a model the node's
    list lacks (model names are hash keys: case-sensitive); the default qemu64 keeps svm under
    TCG. Was pass "a named model"."""
    report = pve_scan(tmp_path, capsys, _cpu(cpu, "kvm: 0\n"))
    status, message = pve_result(report, "HVA-049", "web-10")
    assert (status, message) == (
        "manual",
        f"kvm: 0 runs the VM under TCG, and cpu {cpu} is no QEMU x86 model hvaudit knows: if "
        "the node's QEMU lacks it, qemu-server drops `cpu` and runs qemu64, which carries svm "
        "under TCG; a model it has may carry svm itself",
    )
    r = next(
        r
        for r in report["results"]
        if (r["check_id"], r["subject"]["name"]) == ("HVA-049", "web-10")
    )
    assert "qm showcmd 200" in r["question"], r["question"]


# --- P21-3: HVA-309, a corosync.conf corosync refuses is not what runs -------------------------

COROSYNC = (PVE_HARDENED / "etc/pve/corosync.conf").read_text()
REFUSED = "this file is not what corosync runs, an earlier configuration or none is"


def _corosync(tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str) -> dict:
    """Both copies (/etc/pve's and the node's /etc/corosync) edited alike."""
    assert old in COROSYNC
    text = COROSYNC.replace(old, new)
    return pve_scan(
        tmp_path,
        capsys,
        {"etc/pve/corosync.conf": text, "etc/corosync/corosync.conf": text},
    )


@pytest.mark.parametrize(
    ("old", "new", "why"),
    [
        (
            "crypto_hash: sha256",
            "crypto_hash: none",
            'crypto_cipher aes256, crypto_hash none: totemconfig.c "crypto_cipher requires '
            'crypto_hash with value other than none"',
        ),
        (
            "crypto_cipher: aes256\n  crypto_hash: sha256",
            "crypto_hash: none",
            "crypto_cipher aes256, crypto_hash none, implied by secauth: on: totemconfig.c "
            '"crypto_cipher requires crypto_hash with value other than none"',
        ),
    ],
    ids=["cipher-without-hash", "secauth-without-hash"],
)
def test_p21_3_cipher_without_hash_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, why: str
) -> None:
    """corosync exec/totemconfig.c totem_get_crypto (read with `find_string`): a cipher other
    than none (set, or secauth: on's aes256) with crypto_hash none returns -1 ("crypto_cipher
    requires crypto_hash with value other than none"), and totem_config_read fails: corosync
    does not start with this file, nor does a reload take it. Was fail "corosync unencrypted or
    unauthenticated"; the question of what runs now (the wrong fail, the refused file's side)."""
    report = _corosync(tmp_path, capsys, old, new)
    assert pve_result(report, "HVA-309", "pve-h1") == (
        "manual",
        f"corosync.conf sets totem {why}, which corosync refuses: {REFUSED}",
    )


@pytest.mark.parametrize(
    ("old", "new", "shown"),
    [
        ("crypto_hash: sha256", "crypto_hash: sha256\n  crypto_model: gcrypt", None),
        ("ip_version: ipv4-6", "ip_version: ipv5", "ip_version 'ipv5'"),
        ("crypto_hash: sha256", "crypto_hash: sha256\n  netmtu: 1500b", "netmtu '1500b'"),
        ("crypto_hash: sha256", "crypto_hash: sha256\n  netmtu: -1", "netmtu '-1'"),
        ("crypto_hash: sha256", "crypto_hash: sha256\n  consensus: 3600 # ms", "consensus"),
    ],
    ids=["crypto-model", "ip-version", "netmtu-unit", "netmtu-negative", "comment"],
)
def test_p21_3_refused_totem_values_ask(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, shown: str | None
) -> None:
    """coroparse.c main_config_parser_cb refuses the whole file for an ip_version other than
    ipv4/ipv6/ipv6-4/ipv4-6 ("Invalid ip_version type") and a totem uint32 key (netmtu,
    consensus, join, ...) safe_atoq cannot read (strtoll base 10 over the whole value, 0 to
    UINT32_MAX); totemconfig.c totem_get_crypto refuses a crypto_model other than nss or openssl
    ("crypto_model should be 'nss' or 'openssl'"). Was pass "crypto_cipher aes256, crypto_hash
    sha256" for a file corosync does not run."""
    report = _corosync(tmp_path, capsys, old, new)
    status, message = pve_result(report, "HVA-309", "pve-h1")
    assert status == "manual", message
    assert REFUSED in message
    if shown is not None:
        assert f"totem {shown}" in message, message
    else:
        assert "crypto_model 'gcrypt'" in message, message


def test_p21_3_held_valid_totem_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Held: crypto_model openssl, netmtu +1400 (strtoll takes the sign) and a token value (the
    collector redacts `token*` values: not judged) keep the pass."""
    report = _corosync(
        tmp_path,
        capsys,
        "crypto_hash: sha256",
        "crypto_hash: sha256\n  crypto_model: openssl\n  netmtu: +1400\n  token: 3000",
    )
    assert pve_result(report, "HVA-309", "pve-h1") == (
        "pass",
        "crypto_cipher aes256, crypto_hash sha256",
    )


# --- P21-4: rng0 as qemu-server's $rng_fmt reads it -------------------------------------------


@pytest.mark.parametrize(
    "rng",
    [
        "source=/dev/hwrng, max_bytes=0",
        "source=/dev/hwrng,bogus=1,max_bytes=0",
        "max_bytes=0",
    ],
    ids=["blank-key", "unknown-key", "no-source"],
)
def test_p21_4_refused_rng0_is_no_device(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rng: str
) -> None:
    """rng0 is `format => $rng_fmt` (RNG.pm $rngdesc): check_type -> parse_property_string,
    which refuses a key the format lacks (` max_bytes`, keys untrimmed; `bogus`) and a missing
    `source` (no `optional`): parse_vm_config drops rng0, and the VM has no RNG device at all.
    Was fail "... without a bound (max_bytes=0)" (hvaudit trimmed keys and ignored unknown
    ones) for the first two."""
    report = pve_scan(tmp_path, capsys, {CONF200: VM200 + f"rng0: {rng}\n"})
    assert pve_result(report, "HVA-050", "web-10") == ("not_applicable", "no device passthrough")
    assert any("rng0:" in n and "refused by qemu-server's schema" in n for n in report["notes"])


@pytest.mark.parametrize(
    ("rng", "rate"),
    [
        ("source=/dev/hwrng,max_bytes=+5", "+5 bytes per 1000 ms"),
        ("/dev/hwrng,period=+100", "1024 bytes per +100 ms"),
    ],
    ids=["signed-max-bytes", "signed-period"],
)
def test_p21_4_signed_integers_are_a_bound(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rng: str, rate: str
) -> None:
    """pve-common JSONSchema is_integer `m/^[+-]?\\d+$/` takes `+5`, and `if ($max_bytes)` is
    true for it: print_rng_device_commandline writes the bound. Was not applicable "no device
    passthrough" for a VM reading the node's hardware RNG (hvaudit matched `-?[0-9]+`)."""
    report = pve_scan(tmp_path, capsys, {CONF200: VM200 + f"rng0: {rng}\n"})
    assert pve_result(report, "HVA-050", "web-10") == (
        "pass",
        f"random-number device reading the host's hardware RNG /dev/hwrng at most {rate} "
        "(qemu-server starts it only with a hardware RNG in rng_current)",
    )


def test_p21_4_held_unbounded_hwrng_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: `max_bytes=0` exactly is "disable limiting": the fail (L19-9P)."""
    report = pve_scan(tmp_path, capsys, {CONF200: VM200 + "rng0: source=/dev/hwrng,max_bytes=0\n"})
    assert pve_result(report, "HVA-050", "web-10")[0] == "fail"


# --- P21-5: HVA-311, a token's Sys.Console on `/` opens no node shell ----------------------------

USER_CFG = (PVE_HARDENED / "etc/pve/user.cfg").read_text()
TOKENS_PASS = (
    "pass",
    "2 API token(s): none with a privileged user's full rights (privsep 0, or administration on / "
    "or below it for both token and user)",
)


def _users(*lines: str) -> dict[str, str]:
    return {"etc/pve/user.cfg": USER_CFG.replace("pool:web", "\n".join(lines) + "\n\npool:web")}


@pytest.mark.parametrize(
    "lines",
    [
        ("acl:1:/:alice@corp!terraform:PVESysAdmin:",),
        ("role:Shell:Sys.Console,Sys.Audit:", "acl:1:/:alice@corp!terraform:Shell:"),
    ],
    ids=["pvesysadmin", "console-role"],
)
def test_p21_5_token_console_on_root_is_no_administration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lines: tuple[str, ...]
) -> None:
    """pve-manager 14a22df3 API2/Nodes.pm: Sys.Console is checked on /nodes/{node} by vncshell,
    termproxy and spiceshell, each of which calls verify_username on the caller, and
    pve-access-control Auth/Plugin.pm's realm_regex refuses a token id's `!` (it dies); for a
    non-root user get_shell_command runs `/bin/login` ("non-root must always login"). L19-30P
    held PVESysAdmin on a node as no administration; the same role on `/` failed HVA-311 "the
    intersection administers the cluster" (alice@corp holds Administrator on `/`). Pass now."""
    report = pve_scan(tmp_path, capsys, _users(*lines))
    assert pve_result(report, "HVA-311", "pve-h1") == TOKENS_PASS


def test_p21_5_held_console_with_another_admin_privilege(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Held: a role with Sys.Console and Sys.Modify on `/` still administers (Sys.Modify)."""
    report = pve_scan(
        tmp_path,
        capsys,
        _users("role:Shell:Sys.Console,Sys.Modify:", "acl:1:/:alice@corp!terraform:Shell:"),
    )
    assert pve_result(report, "HVA-311", "pve-h1")[0] == "fail"
