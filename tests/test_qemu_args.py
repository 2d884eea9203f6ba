"""Raw QEMU arguments in every spelling QEMU reads (hvaudit.parse.qemu_args; R5-3, R5-4, R5-5,
R60): the reader itself, then each check that reads raw arguments, through libvirt (a domain as
a daemon with the QEMU driver reports it) and Proxmox VE (`args:` in a node tree), with the
exact verdict, and the twin spellings of hardened settings that stay a pass.

Sources (read with the `search` tools, cited in the module's docstring): QEMU system/vl.c
lookup_opt (`--x` is `-x`; `-x=v` is no option), util/qemu-option.c (implied first key, flags,
`,,`), the implied keys of qemu_device_opts / qemu_chardev_opts / qemu_tpmdev_opts /
qemu_netdev_opts / qemu_vnc_opts, JSON for -device / -object / -netdev / -blockdev,
qobject/json-lexer.c (single-quoted strings), qemu_set_option (`-set group.id.arg=value`) and
ui/vnc.c vnc_auto_assign_id (a -vnc without an id is `default`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import run_assessment
from hvaudit.engine import Assessment
from hvaudit.parse.qemu_args import parse_option, pci_host_address, qemu_options, set_options
from test_proxmox_checks import HARDENED, msg, result, scan
from test_redteam3_vm_probes import replayed_domains, verdict
from test_redteam4_vm_probes import _raw

SHM = "memory-backend-file,id=shm0,mem-path=/dev/shm/ivs,size=4M,share=on"


# --- the reader -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "props"),
    [
        # the implied key left out and spelled out are one parameter list
        ("device", "ivshmem-plain,memdev=shm0", {"driver": "ivshmem-plain", "memdev": "shm0"}),
        (
            "device",
            "driver=ivshmem-plain,memdev=shm0",
            {"driver": "ivshmem-plain", "memdev": "shm0"},
        ),
        (
            "device",
            '{"driver":"ivshmem-plain","memdev":"shm0"}',
            {"driver": "ivshmem-plain", "memdev": "shm0"},
        ),
        # QEMU's JSON takes single-quoted strings, and \' in them
        (
            "device",
            "{'driver':'vfio-pci','host':'65:00.0','x':'a\\'b\"'}",
            {"driver": "vfio-pci", "host": "65:00.0", "x": "a'b\""},
        ),
        (
            "chardev",
            "socket,id=c0,server,nowait",
            {"backend": "socket", "id": "c0", "server": "on", "wait": "off"},
        ),
        ("tpmdev", "type=passthrough,id=tpm0", {"type": "passthrough", "id": "tpm0"}),
        (
            "object",
            '{"qom-type":"tls-creds-x509","id":"t0","verify-peer":false}',
            {"qom-type": "tls-creds-x509", "id": "t0", "verify-peer": "off"},
        ),
        ("object", "qom-type=tls-creds-anon,id=t0", {"qom-type": "tls-creds-anon", "id": "t0"}),
        # nested JSON members come out as keyval's dotted keys
        (
            "netdev",
            '{"type":"stream","server":true,"addr":{"type":"inet","host":"0.0.0.0"}}',
            {"type": "stream", "server": "on", "addr.type": "inet", "addr.host": "0.0.0.0"},
        ),
        # ,, is a comma inside a value; the implied key only first; a key given twice: the last
        (
            "virtfs",
            "local,path=/a,,security_model=none,mount_tag=x",
            {"fsdriver": "local", "path": "/a,security_model=none", "mount_tag": "x"},
        ),
        ("vnc", "password=on,vnc=0.0.0.0:1", {"password": "on", "vnc": "0.0.0.0:1"}),
        ("chardev", "socket,host=127.0.0.1,host=0.0.0.0", {"backend": "socket", "host": "0.0.0.0"}),
        # -spice has no implied key: a first word is a flag
        ("spice", "disable-ticketing,port=5900", {"disable-ticketing": "on", "port": "5900"}),
        # -chardev takes no JSON: a brace is the backend's name (QEMU refuses it)
        ("chardev", '{"backend":"socket"}', {"backend": '{"backend":"socket"}'}),
    ],
)
def test_parameters_as_qemu_reads_them(name: str, text: str, props: dict[str, str]) -> None:
    assert dict(parse_option(name, f"-{name}", text).props) == props


def test_option_words_as_lookup_opt_reads_them() -> None:
    """`--x` is `-x`; `-x=v` and `---x` name no option QEMU has, so their words are not read."""
    got = qemu_options(
        ("--tpmdev", "passthrough,id=a", "-tpmdev=passthrough,id=b", "---tpmdev", "passthrough")
    )
    assert [(o.name, o.kind) for o in got if o.name == "tpmdev"] == [("tpmdev", "passthrough")]
    assert [o.spelled for o in got if o.name == "tpmdev"] == ["--tpmdev"]


def test_set_reaches_the_earlier_qemu_opts_option_of_its_id() -> None:
    """qemu_set_option: group.id.arg=value, the value the rest of the word (commas and all);
    an -object (keyval) or a JSON -device is out of its reach, and an id given later is not
    yet defined."""
    got = qemu_options(
        (
            "-chardev", "socket,id=c0,host=127.0.0.1",
            "-object", "tls-creds-x509,id=c0,verify-peer=on",
            "-set", "chardev.c0.host=0.0.0.0,,x",
            "-set", "object.c0.verify-peer=off",
            "-set", "device.d1.driver=ivshmem-plain",
            "-device", "virtio-rng-pci,id=d1",
        )
    )  # fmt: skip
    chardev, obj, device = (
        next(o for o in got if o.name == n) for n in ("chardev", "object", "device")
    )
    assert dict(chardev.props) == {"backend": "socket", "id": "c0", "host": "0.0.0.0,,x"}
    assert chardev.set_by == ("chardev.c0.host=0.0.0.0,,x",)
    assert (obj.props["verify-peer"], obj.set_by) == ("on", ())
    assert (device.kind, device.set_by) == ("virtio-rng-pci", ())


def test_unparsable_json_is_marked_unreadable() -> None:
    o = parse_option("device", "-device", '{"driver":"ivshmem-plain"')
    assert (o.readable, dict(o.props), o.kind) == (False, {}, "")


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("65:00.0", "0000:65:00.0"),
        ("0000:65:00.0", "0000:65:00.0"),
        ("4:0:1.0", "0004:00:01.0"),
        ("/sys/bus/pci/devices/0000:3b:00.1/", "0000:3b:00.1"),
    ],
)
def test_vfio_host_addresses_in_sysfs_form(text: str, address: str) -> None:
    assert pci_host_address(text) == address


# --- the checks, through libvirt --------------------------------------------------------------

TCP_FAIL = "a TCP server on 0.0.0.0 port 4444, without authentication"
VNC_FAIL = (
    "a VNC server on 0.0.0.0 with no password, sasl or tls-creds option, outside libvirt's "
    "<graphics> (qemu.conf's vnc_* do not apply)"
)
NO_CONSOLE = "no VNC, SPICE or RDP console and no TCP or UDP character device"
X509 = "tls-creds-x509,id=t0,dir=/etc/pki/qemu,endpoint=server,verify-peer=on"

CASES: dict[str, tuple[str, tuple[str, ...], str, str]] = {
    # R5-3: ivshmem in the spellings QEMU reads
    "shm-json-sq": (
        "HVA-057",
        (
            "-object",
            SHM,
            "-device",
            "{&apos;driver&apos;:&apos;ivshmem-plain&apos;,&apos;memdev&apos;:&apos;shm0&apos;}",
        ),
        "fail",
        "inter-VM shared memory: QEMU argument -device {'driver':'ivshmem-plain','memdev':'shm0'}",
    ),
    "shm-dashdash": (
        "HVA-057",
        ("-object", SHM, "--device", "driver=ivshmem-doorbell,chardev=c0"),
        "fail",
        "inter-VM shared memory: QEMU argument --device driver=ivshmem-doorbell,chardev=c0",
    ),
    "rng-driver": ("HVA-057", ("-device", "driver=virtio-rng-pci"), "pass", "no <shmem> device"),
    # R5-4
    "tpm-type": (
        "HVA-056",
        ("-tpmdev", "type=passthrough,id=tpm0,path=/dev/tpm0", "-device", "tpm-tis,tpmdev=tpm0"),
        "fail",
        "QEMU argument -tpmdev type=passthrough,id=tpm0,path=/dev/tpm0: the guest owns the host's TPM",
    ),
    "tpm-dashdash": (
        "HVA-056",
        ("--tpmdev", "passthrough,id=tpm0", "-device", "tpm-tis,tpmdev=tpm0"),
        "fail",
        "QEMU argument --tpmdev passthrough,id=tpm0: the guest owns the host's TPM",
    ),
    # R5-5, and its loopback twin
    "chr-backend": (
        "HVA-031",
        ("--chardev", "backend=socket,id=c0,host=0.0.0.0,port=4444,server=on,wait=off"),
        "fail",
        "QEMU argument -chardev backend=socket,id=c0,host=0.0.0.0,port=4444,server=on,wait=off: "
        + TCP_FAIL,
    ),
    "chr-flag": (
        "HVA-031",
        ("-chardev", "socket,id=c0,host=0.0.0.0,port=4444,server,nowait"),
        "fail",
        "QEMU argument -chardev socket,id=c0,host=0.0.0.0,port=4444,server,nowait: " + TCP_FAIL,
    ),
    "chr-loopback": (
        "HVA-031",
        ("-chardev", "backend=socket,id=c0,host=127.0.0.1,port=4444,server=on,wait=off"),
        "pass",
        "QEMU argument -chardev backend=socket,id=c0,host=127.0.0.1,port=4444,server=on,wait=off: "
        "loopback only"
        " (127/8 taken as local: route_localnet not read, the kernel's default is 0)",
    ),
    # a word QEMU takes for no option starts nothing
    "chr-equals": (
        "HVA-031",
        ("-chardev=socket,id=c0,host=0.0.0.0,port=4444,server=on",),
        "not_applicable",
        NO_CONSOLE,
    ),
    # R60: vfio-pci in either spelling is PCI passthrough (simulated host: the IOMMU a question)
    "vfio": (
        "HVA-050",
        ("-device", "vfio-pci,host=0000:65:00.0"),
        "manual",
        "PCI passthrough of pci 0000:65:00.0; the host is simulated (no host evidence)",
    ),
    "vfio-json": (
        "HVA-050",
        ("-device", '{"driver":"vfio-pci","host":"65:00.0"}'),
        "manual",
        "PCI passthrough of pci 0000:65:00.0; the host is simulated (no host evidence)",
    ),
    "no-vfio": (
        "HVA-050",
        ("-device", "driver=virtio-rng-pci"),
        "not_applicable",
        "no device passthrough",
    ),
    # tls-creds objects in every spelling: anonymous credentials in JSON authenticate nobody
    # (was a pass), x509 ones with the type key spelled out do (was a fail)
    "anon-json": (
        "HVA-031",
        (
            "-object",
            '{"qom-type":"tls-creds-anon","id":"t0","endpoint":"server"}',
            "-vnc",
            "0.0.0.0:1,tls-creds=t0",
        ),
        "fail",
        "QEMU argument -vnc 0.0.0.0:1,tls-creds=t0: a VNC server on 0.0.0.0 with TLS credentials "
        "that authenticate no client and no password or sasl, outside libvirt's <graphics> "
        "(qemu.conf's vnc_* do not apply)",
    ),
    "x509-key": (
        "HVA-031",
        ("-object", "qom-type=" + X509, "-vnc", "0.0.0.0:1,tls-creds=t0"),
        "pass",
        "QEMU argument -vnc 0.0.0.0:1,tls-creds=t0: tls-creds",
    ),
    # the display given after another parameter (qemu_vnc_opts' implied key spelled out)
    "vnc-order": (
        "HVA-031",
        ("-vnc", "password=on,vnc=0.0.0.0:1"),
        "pass",
        "QEMU argument -vnc password=on,vnc=0.0.0.0:1: password",
    ),
    "vnc-order-bare": (
        "HVA-031",
        ("-vnc", "share=ignore,vnc=0.0.0.0:1"),
        "fail",
        "QEMU argument -vnc share=ignore,vnc=0.0.0.0:1: " + VNC_FAIL,
    ),
    # 9p: `,,` keeps "security_model=none" inside the path; the share is mapped-xattr
    "fs-escaped": (
        "HVA-058",
        (
            "-virtfs",
            "local,path=/srv/a,,security_model=none,mount_tag=x,security_model=mapped-xattr",
        ),
        # a share with mapped ownership is a share (R8-8: was n/a)
        "pass",
        "shared directories read-only or with mapped ownership: /srv/a,security_model=none",
    ),
    "fs-key": (
        "HVA-058",
        ("-fsdev", "fsdriver=local,id=f0,path=/srv/b,security_model=passthrough"),
        "fail",
        "writable 9p share(s) with passthrough ownership: QEMU argument -fsdev "
        "fsdriver=local,id=f0,path=/srv/b,security_model=passthrough",
    ),
    "fs-readonly": (
        "HVA-058",
        ("-fsdev", "local,id=f0,path=/srv/b,security_model=passthrough,readonly"),
        "pass",
        "shared directories read-only or with mapped ownership: /srv/b",
    ),
    # -set group.id.arg=value changes an earlier QemuOpts option of that id, as if written in it
    "set-host": (
        "HVA-031",
        (
            "-chardev",
            "socket,id=c0,host=127.0.0.1,port=4444,server=on",
            "-set",
            "chardev.c0.host=0.0.0.0",
        ),
        "fail",
        "QEMU argument -chardev socket,id=c0,host=127.0.0.1,port=4444,server=on -set "
        "chardev.c0.host=0.0.0.0: " + TCP_FAIL,
    ),
    "set-loopback": (
        "HVA-031",
        (
            "-chardev",
            "socket,id=c0,host=0.0.0.0,port=4444,server=on",
            "-set",
            "chardev.c0.host=127.0.0.1",
        ),
        "pass",
        "QEMU argument -chardev socket,id=c0,host=0.0.0.0,port=4444,server=on -set "
        "chardev.c0.host=127.0.0.1: loopback only"
        " (127/8 taken as local: route_localnet not read, the kernel's default is 0)",
    ),
    "set-vnc": (
        "HVA-031",
        ("-vnc", "0.0.0.0:1,password=on", "-set", "vnc.default.password=off"),
        "fail",
        "QEMU argument -vnc 0.0.0.0:1,password=on -set vnc.default.password=off: " + VNC_FAIL,
    ),
    "set-driver": (
        "HVA-057",
        (
            "-object",
            SHM,
            "-device",
            "virtio-rng-pci,id=d0",
            "-set",
            "device.d0.driver=ivshmem-plain",
        ),
        "fail",
        "inter-VM shared memory: QEMU argument -device virtio-rng-pci,id=d0 -set "
        "device.d0.driver=ivshmem-plain",
    ),
    # a JSON -device is no QemuOpts: QEMU refuses the -set ("there is no device ... defined")
    "set-json": (
        "HVA-057",
        (
            "-device",
            '{"driver":"virtio-rng-pci","id":"d0"}',
            "-set",
            "device.d0.driver=ivshmem-plain",
        ),
        "pass",
        "no <shmem> device",
    ),
    "set-tpm": (
        "HVA-056",
        ("-tpmdev", "emulator,id=tpm0,chardev=c1", "-set", "tpmdev.tpm0.type=passthrough"),
        "fail",
        "QEMU argument -tpmdev emulator,id=tpm0,chardev=c1 -set tpmdev.tpm0.type=passthrough: "
        "the guest owns the host's TPM",
    ),
    "set-readonly": (
        "HVA-058",
        (
            "-fsdev",
            "local,id=f0,path=/srv/c,security_model=passthrough,readonly=on",
            "-set",
            "fsdev.f0.readonly=off",
        ),
        "fail",
        "writable 9p share(s) with passthrough ownership: QEMU argument -fsdev "
        "local,id=f0,path=/srv/c,security_model=passthrough,readonly=on -set fsdev.f0.readonly=off",
    ),
}


@pytest.fixture(scope="module")
def libvirt_assessment(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp = tmp_path_factory.mktemp("rawargs")
    return run_assessment(
        replayed_domains(tmp, {name: _raw(name, *case[1]) for name, case in CASES.items()})
    )


@pytest.mark.parametrize("name", list(CASES))
def test_raw_arguments_in_every_spelling(libvirt_assessment: Assessment, name: str) -> None:
    check, _, status, message = CASES[name]
    assert verdict(libvirt_assessment, check, name) == (status, message)


# --- the same reading on Proxmox VE (args:) ------------------------------------------------------


def test_proxmox_args_in_other_spellings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """qemu-server passes `args:` to QEMU split by shellwords; the spellings read as above. The
    hardened node's VMs, one given a vfio-pci function in JSON and the host's TPM with the type
    key spelled out, the other a loopback chardev with the backend key spelled out (a pass)."""
    tree = Path(shutil.copytree(HARDENED, tmp_path / "node"))
    conf = tree / "etc/pve/qemu-server"
    (conf / "200.conf").write_text(
        (conf / "200.conf").read_text()
        + '\nargs: -device \'{"driver":"vfio-pci","host":"65:00.0"}\' '
        "-tpmdev type=passthrough,id=tpm0\n"
    )
    (conf / "201.conf").write_text(
        (conf / "201.conf").read_text()
        + "\nargs: -chardev backend=socket,id=c0,host=127.0.0.1,port=4444,server=on\n"
    )
    _, report = scan(tree, capsys)
    assert (result(report, "HVA-056", "web-10")["status"], msg(report, "HVA-056", "web-10")) == (
        "fail",
        "QEMU argument -tpmdev type=passthrough,id=tpm0: the guest owns the host's TPM",
    )
    assert (result(report, "HVA-050", "web-10")["status"], msg(report, "HVA-050", "web-10")) == (
        "manual",
        "PCI passthrough of pci 0000:65:00.0; host evidence unavailable: a copied configuration "
        "tree has no live host to read facts from",
    )
    assert (result(report, "HVA-031", "api-11")["status"], msg(report, "HVA-031", "api-11")) == (
        "pass",
        "QEMU argument -chardev backend=socket,id=c0,host=127.0.0.1,port=4444,server=on: "
        "loopback only (127/8 taken as local: route_localnet not read, the kernel's default is 0)",
    )


def test_set_options_split_as_qemu_set_option_splits():
    """`-set GROUP.ID.KEY=VALUE` is split as qemu_set_option's sscanf("%63[^.].%63[^.].%63[^=]=")
    splits it: the key keeps its dots, the value its '=' and dots; a -set that pattern cannot
    split (no '=', a group of 64 characters) is left out, as QEMU refuses to start on it."""
    args = (
        "-set",
        "chardev.charserial0.host= 0.0.0.0 ",
        "-set",
        "vnc.default.tls-creds=x=y.z",
        "-set",
        "device.net0.a.b=1",
        "-set",
        "chardev.charserial0.port",
        "-set",
        "g" * 64 + ".id.key=1",
        "-vnc",
        "127.0.0.1:0",
    )
    got = [(g, i, k, v) for _o, g, i, k, v in set_options(args)]
    assert got == [
        ("chardev", "charserial0", "host", "0.0.0.0"),
        ("vnc", "default", "tls-creds", "x=y.z"),
        ("device", "net0", "a.b", "1"),
    ]
