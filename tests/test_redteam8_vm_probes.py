"""Eighth red-team review, VM side (rt8vm): probes of the least-probed VM checks.

Counted per check id over tests/test_redteam*_probes.py, the VM-level checks the seven earlier
rounds probed least were HVA-054 (taint), HVA-091 (real-time scheduling), HVA-012
(acceleration), HVA-100 (storage pools), HVA-058 (shared directories), HVA-064 (emulator) and
the memory guarantee of HVA-070. Same harness as tests/test_redteam3_vm_probes.py: libvirt's
test driver serves the domains, networks and pools (libvirt parses and re-formats every
definition before hvaudit reads it) on the replayed hardened host; a domain whose QEMU
namespace the test driver would drop is replayed as a daemon with the QEMU driver reports it
(test_redteam3_vm_probes `replayed_domains`). Each probe asserts the verdict its cited source
proves right, with the message; every fact it rests on was read with the `search` /
`find_string` / `read_file` tools and is cited in its docstring. Where hvaudit is wrong and was
not fixed the probe is `xfail(strict=True, reason="R8-N: ...")`. None repeats a probe of the
seven earlier rounds.

Findings (R8-n): R8-1 HVA-100 passed a pool whose server is this host written as another
spelling of an address (`::ffff:127.0.0.1`, `0:0:0:0:0:0:0:1`, `0.0.0.0`, `::`, inet_aton's
`2130706433` and `10.0.10`, hv1's own IPv6 address written out): false pass; R8-2 HVA-054 split
grep's FILE:LINE output at the first colon, so a VM whose name holds one (libvirt allows it)
lost its logged taints (a question for a running VM, n/a for a stopped one, where the log
proves a fail); R8-3 HVA-058 called a VM given a virtiofs share by raw QEMU arguments (`-device
vhost-user-fs-pci`) "no host directory shared" (wrong n/a); R8-4 HVA-070 and HVA-061 read a VM
with <hugepages/> as all huge pages though a DIMM of it names the system page size (ordinary,
swappable, mergeable memory): false pass of both; R8-5 HVA-092 counted <iotune> on a SCSI LUN
as a limit, though QEMU's scsi-block sends the guest's I/O as SG_IO ioctls its throttling never
sees (false pass); R8-6 HVA-092 failed a vhost-user disk for want of <iotune>, which libvirt
refuses on it (false fail: the backend limits it, a question as for a vhost-user port); R8-7
HVA-059 passed a LUN from an iSCSI pool in mode='direct' as "filtered SG_IO", though libvirt
opens it with QEMU's own iSCSI initiator exactly as a protocol='iscsi' LUN (false pass); R8-8
HVA-058 said "no host directory shared" for a VM whose raw -fsdev/-virtfs share maps ownership
or is read-only (wrong n/a: the pass of the same <filesystem>); R8-9 HVA-064 passed
/usr/bin/qemu-system-x86_64 on a host whose package list holds no QEMU package at all, so the
binary was installed by hand (false pass); R8-10 HVA-058 passed a virtiofs share marked
<readonly/>, which libvirt once ignored and only a virtiofsd run with --readonly enforces (false
pass; tests/test_redteam_probes.py had encoded that pass as a hardened spelling); R8-11
HVA-064 passed a VM whose running QEMU executes a build outside the distribution paths
(/proc/<pid>/exe, collected but read only for "(deleted)") because its definition names or
defaults to the packaged path (false pass); R8-12 HVA-092 counted a <blkiotune> throttle of a
SCSI LUN's device as its limit, though SG_IO's passthrough requests never reach the kernel's
block throttle (false pass, twin of R8-5).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import HARDENED_HOST, build_bundle, domain_xml, run_assessment, write_node
from hvaudit.engine import Assessment
from test_redteam3_vm_probes import verdict


def xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


# --- HVA-100: the pool's server is this host under another spelling --------------------------------


def _pool(name: str, server: str) -> str:
    return (
        f"<pool type='netfs'><name>{name}</name><source><host name='{server}'/>"
        "<dir path='/srv/images'/><format type='nfs'/></source>"
        f"<target><path>/var/lib/libvirt/{name}</path></target></pool>"
    )


#: hv1 with an IPv6 address beside the fixture's 10.0.0.10 on eno3.
V6_HOST: dict[str, Any] = dict(
    HARDENED_HOST,
    **{
        "ip-addr": (
            '[{"ifname": "lo", "addr_info": [{"family": "inet", "local": "127.0.0.1", '
            '"scope": "host"}]}, {"ifname": "eno3", "addr_info": [{"family": "inet", '
            '"local": "10.0.0.10", "scope": "global"}, {"family": "inet6", "local": '
            '"2001:db8:0:1::10", "scope": "global"}]}, {"ifname": "br0", "addr_info": []}]',
            0,
        )
    },
)

SELF_SPELLINGS = {
    "mapped_loop": "::ffff:127.0.0.1",  # IPv4-mapped loopback
    "long_loop6": "0:0:0:0:0:0:0:1",  # ::1 written out
    "any4": "0.0.0.0",  # connect(2) to INADDR_ANY is loopback
    "any6": "::",  # likewise for IPv6
    "short_loop": "127.1",  # inet_aton: a.b with b 24 bits
    "decimal_loop": "2130706433",  # inet_aton: one 32-bit number
    "short_own": "10.0.10",  # inet_aton: a.b.c, c 16 bits: hv1's 10.0.0.10
    "mapped_own": "::ffff:10.0.0.10",  # hv1's address, IPv4-mapped
    "long_own6": "2001:db8:0:1:0:0:0:10",  # hv1's IPv6 address written out
}


@pytest.fixture(scope="module")
def pools(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    tmp: Path = tmp_path_factory.mktemp("rt8pools")
    uri = write_node(
        tmp / "n.xml",
        [domain_xml("web01")],
        pools=[_pool(n, s) for n, s in SELF_SPELLINGS.items()] + [_pool("remote", "192.0.2.7")],
    )
    return run_assessment(build_bundle(tmp, uri, V6_HOST, name="b"))


def test_pool_on_a_remote_server_keeps_its_pass(pools: Assessment) -> None:
    assert verdict(pools, "HVA-100", "remote") == (
        "pass",
        "netfs pool: images live off the host",
    )


@pytest.mark.parametrize("pool", sorted(SELF_SPELLINGS))
def test_pool_served_by_this_host_in_another_spelling(pools: Assessment, pool: str) -> None:
    """libvirt mounts a netfs pool from `<source><host name>` (formatstorage, "Source
    elements": host "provides the source for pools backed by storage from a remote server");
    the NFS client resolves the name with getaddrinfo(3), and glibc's getaddrinfo reads a
    numeric IPv4 name with inet_aton (sysdeps/posix/getaddrinfo.c text_to_binary_address:
    `__inet_aton_exact (name, ...)`, read with `find_string`), so `127.1` (a.b, b 24 bits),
    `2130706433` (one 32-bit number) and `10.0.10` (a.b.c, c 16 bits) are 127.0.0.1 and hv1's
    own 10.0.0.10 (inet_aton(3), "Classful addressing"). An IPv6 address has many spellings of
    one value (RFC 4291 2.2: leading zeros and `::`), and an IPv4-mapped one (`::ffff:a.b.c.d`)
    is connected to as the IPv4 address (net/ipv6/tcp_ipv6.c tcp_v6_connect, IPV6_ADDR_MAPPED
    goes to tcp_v4_connect). The unspecified address is the host itself: "connect() to
    INADDR_ANY means loopback (BSD'ism)" (tcp_v6_connect: `usin->sin6_addr =
    in6addr_loopback`; net/ipv4/route.c ip_route_output_key_hash_rcu: `if (!fl4->daddr)
    fl4->daddr = fl4->saddr = htonl(INADDR_LOOPBACK)`). Each of these pools is served by hv1
    itself: fail, as for 127.0.0.1 and hv1's own name."""
    server = SELF_SPELLINGS[pool]
    assert verdict(pools, "HVA-100", pool) == (
        "fail",
        f"netfs pool served by {server}: this host itself, so the images stay on the hypervisor",
    )


# --- HVA-054: the log of a VM whose name holds a colon -----------------------------------------------


def test_taint_of_a_vm_whose_name_holds_a_colon(host_scan) -> None:
    """libvirt writes a QEMU VM's log to "%s/%s.log" of logDir and the domain's name
    (src/qemu/qemu_domain.c qemuDomainLogContextNew, read with `find_string`) and appends
    "Domain id=%d is tainted: %s\\n" to it (qemuDomainObjTaint). A domain name may hold a colon:
    the drivers refuse only a newline (virXMLCheckIllegalChars("name", def->name, "\\n")) and a
    slash (domain_conf.c: "name %1$s cannot contain '/'"). `grep -r -H` prints FILE:LINE, so the
    line of db:prod's log reads /var/log/libvirt/qemu/db:prod.log:2024-...: the file name is
    everything up to the ".log:" that ends it, not up to the first colon. db:prod's run is
    tainted custom-monitor (a monitor command that bypassed libvirt): fail, as for any name."""
    logs = (
        "/var/log/libvirt/qemu/db:prod.log:2024-11-27 04:00:00.000+0000: starting up libvirt\n"
        "/var/log/libvirt/qemu/db:prod.log:2024-11-27 05:00:00.000+0000: Domain id=2 is "
        "tainted: custom-monitor\n",
        0,
    )
    a = host_scan({"qemu-logs": logs}, domains=[domain_xml("db:prod")])
    assert verdict(a, "HVA-054", "db:prod") == ("fail", "tainted (current run): custom-monitor")


# --- HVA-058: a virtiofs share added by raw QEMU arguments ------------------------------------------


def test_raw_vhost_user_fs_device_is_a_shared_directory(tmp_path: Path) -> None:
    """QEMU commit 9d59bed1da "virtio: add vhost-user-fs-pci device" (read with `search`):
    "Launch QEMU like this: qemu -chardev socket,path=/tmp/vhost-fs.sock,id=chr0 -device
    vhost-user-fs-pci,tag=myfs,chardev=chr0": the guest mounts the directory a virtiofsd on
    that socket serves (vhost-user-fs-device and vhost-user-fs-ccw are the same device on other
    buses). libvirt passes <qemu:arg> values to QEMU as they are (formatdomain, "QEMU
    command-line passthrough"), so the VM has a virtiofs share exactly like a <filesystem> with
    <source socket> (formatdomain, "Filesystems": a virtiofsd started outside libvirt), which
    HVA-058 asks about (virtiofs supports passthrough only: is the directory on a nosuid,nodev
    mount). "no host directory shared" (n/a) is wrong for a subject that exists: the same
    question, naming the socket and the argument."""
    from test_redteam4_vm_probes import _raw

    xml = _raw(
        "rawvfs",
        "-chardev",
        "socket,id=vfs0,path=/run/vfsd.sock",
        "-device",
        "vhost-user-fs-pci,chardev=vfs0,tag=share",
    )
    from test_redteam3_vm_probes import replayed_domains

    a = run_assessment(replayed_domains(tmp_path, {"rawvfs": xml}))
    assert verdict(a, "HVA-058", "rawvfs") == (
        "manual",
        "virtiofs share(s) served by a virtiofsd started outside libvirt on socket(s) "
        "/run/vfsd.sock (QEMU argument -device vhost-user-fs-pci,chardev=vfs0,tag=share): the "
        "daemon's options name the directory (virtiofs supports passthrough only)",
    )


# --- HVA-070: hot-pluggable memory outside the huge pages -------------------------------------------

MEMTUNE = (
    "<memtune><hard_limit unit='MiB'>6144</hard_limit><soft_limit unit='MiB'>3072</soft_limit>"
    "</memtune>"
)


def _dimm_domain(name: str, page_kib: int) -> str:
    return domain_xml(
        name,
        vcpus=2,
        memory_mib=2048,
        body="<maxMemory slots='4' unit='MiB'>8192</maxMemory>"
        "<memoryBacking><hugepages/></memoryBacking>"
        + MEMTUNE
        + "<cpu><numa><cell id='0' cpus='0-1' memory='2048' unit='MiB'/></numa></cpu>"
        "<devices><memory model='dimm'><source>"
        f"<pagesize unit='KiB'>{page_kib}</pagesize></source>"
        "<target><size unit='MiB'>1024</size><node>0</node></target></memory></devices>",
    )


@pytest.fixture(scope="module")
def dimms(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    from test_redteam3_vm_probes import LAN, NESTING_HOST

    tmp: Path = tmp_path_factory.mktemp("rt8dimm")
    uri = write_node(
        tmp / "n.xml", [_dimm_domain("dimm4k", 4), _dimm_domain("dimm2m", 2048)], [LAN]
    )
    host = dict(NESTING_HOST, **{"/sys/kernel/mm/ksm/run": "1\n"})
    return run_assessment(build_bundle(tmp, uri, host, name="b"))


def test_dimm_on_huge_pages_keeps_the_guarantee(dimms: Assessment) -> None:
    status, msg = verdict(dimms, "HVA-070", "dimm2m")
    assert status == "pass", msg


def test_dimm_of_system_pages_is_no_guarantee(dimms: Assessment) -> None:
    """formatdomain, "Memory devices": a dimm's <source><pagesize> "can be used to override
    the default host page size used for backing the memory device". libvirt
    src/qemu/qemu_command.c (read with `read_file`): qemuBuildMemoryDimmBackendStr hands
    qemuBuildMemoryBackendStr `mem->pagesize`, which looks up the domain's <hugepages> only
    `if (pagesize == 0)`, and then `if (pagesize == system_page_size) { /* ... as if they
    hasn't specified any huge pages at all */ pagesize = 0; hugepage = NULL; }`: the DIMM is a
    memory-backend-ram, ordinary anonymous memory, swappable and mergeable. <hugepages/> backs
    the 2 GiB of node 0 only; the 1 GiB DIMM of 4 KiB pages has no guarantee (no <locked/>).
    Fail, naming the guarantee; the same domain with a 2 MiB DIMM keeps its pass."""
    status, msg = verdict(dimms, "HVA-070", "dimm4k")
    assert status == "fail", msg
    assert msg.startswith("no memory guarantee ("), msg


def test_dimm_of_system_pages_is_merged_by_ksm(dimms: Assessment) -> None:
    """The same DIMM (memory-backend-ram, qemuBuildMemoryBackendStr above) is ordinary
    anonymous memory QEMU advises MADV_MERGEABLE (every RAM block unless <nosharepages/>;
    formatdomain, "Memory Backing"), which KSM (run = 1) merges with other VMs' pages (mm/ksm.c
    merges anonymous private pages; only hugetlb areas are skipped). HVA-061 excuses a VM whose
    memory is all huge pages; dimm4k's is not: fail, naming it."""
    status, msg = verdict(dimms, "HVA-061", "hv1")
    assert status == "fail", msg
    assert "dimm4k" in msg and "dimm2m" not in msg, msg


# --- HVA-092: disks whose <iotune> says nothing -----------------------------------------------------

LIMITED_NIC = (
    "<interface type='network'><source network='lan'/><model type='virtio'/><bandwidth>"
    "<inbound average='1000'/><outbound average='1000'/></bandwidth></interface>"
)
LUN_IOTUNE = (
    "<disk type='block' device='lun'><driver name='qemu' type='raw'/><source dev='/dev/sdb'/>"
    "<target dev='sda' bus='scsi'/><iotune><total_bytes_sec>10000000</total_bytes_sec>"
    "<total_iops_sec>500</total_iops_sec></iotune></disk>"
)
DISK_IOTUNE = (
    "<disk type='block' device='disk'><driver name='qemu' type='raw'/><source dev='/dev/sdc'/>"
    "<target dev='vda' bus='virtio'/><iotune><total_bytes_sec>10000000</total_bytes_sec>"
    "<total_iops_sec>500</total_iops_sec></iotune></disk>"
)
VHOSTUSER_DISK = (
    "<disk type='vhostuser' device='disk'><driver name='qemu' type='raw'/>"
    "<source type='unix' path='/run/vhost-blk.sock'><reconnect enabled='yes' timeout='10'/>"
    "</source><target dev='vdb' bus='virtio'/></disk>"
)
SHARED_MEMORY = "<memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>"


@pytest.fixture(scope="module")
def io(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    from test_redteam3_vm_probes import LAN, NESTING_HOST

    tmp: Path = tmp_path_factory.mktemp("rt8io")
    doms = [
        domain_xml("lunio", body=f"<devices>{LUN_IOTUNE}{LIMITED_NIC}</devices>"),
        domain_xml("blkio", body=f"<devices>{DISK_IOTUNE}{LIMITED_NIC}</devices>"),
        domain_xml(
            "vublk", body=f"{SHARED_MEMORY}<devices>{VHOSTUSER_DISK}{LIMITED_NIC}</devices>"
        ),
    ]
    uri = write_node(tmp / "n.xml", doms, [LAN])
    return run_assessment(build_bundle(tmp, uri, NESTING_HOST, name="b"))


def test_block_disk_with_iotune_keeps_its_pass(io: Assessment) -> None:
    assert verdict(io, "HVA-092", "blkio") == (
        "pass",
        "1 disk(s) and 1 interface(s) limited (outbound)",
    )


def test_iotune_on_a_scsi_lun_limits_nothing(io: Assessment) -> None:
    """A <disk device='lun'> on a SCSI bus is QEMU's scsi-block ("SCSI block device
    passthrough"), which sends the guest's reads and writes to the host device as SG_IO ioctls:
    hw/scsi/scsi-disk.c scsi_block_do_sgio ends in `blk_aio_ioctl(s->qdev.conf.blk, SG_IO,
    io_header, ...)` (read with `find_string`). QEMU's I/O throttling, what <iotune> sets
    (formatdomain "Hard drives ...", iotune; qemu block_set_io_throttle), is applied only on
    the read and write paths: block/block-backend.c blk_co_do_preadv_part / pwritev_part,
    `/* throttling disk I/O */ if (blk->public.throttle_group_member.throttle_state)
    throttle_group_co_io_limits_intercept(...)`, while blk_co_do_ioctl goes straight to
    bdrv_co_ioctl. The LUN's rates limit nothing: fail, naming the LUN; the same <iotune> on
    a plain block disk (blkio) keeps its pass."""
    assert verdict(io, "HVA-092", "lunio") == (
        "fail",
        "LUN /dev/sdb: <iotune> limits nothing (QEMU's scsi-block passes the guest's reads and "
        "writes to the device as SG_IO ioctls, which its I/O throttling does not intercept)",
    )


def test_vhost_user_disk_is_asked_not_failed(io: Assessment) -> None:
    """libvirt src/conf/domain_validate.c virDomainDiskVhostUserValidate (read with
    `read_file`): "iotune is not supported with vhostuser disk" - a <disk type='vhostuser'>
    (formatdomain, "Hard drives ...": the disk "is provided by a vhost-user-blk backend" on a
    UNIX socket) cannot carry <iotune>; the backend that serves it (qemu-storage-daemon, SPDK)
    does the I/O and is where its rate is limited, as a vhost-user NIC is shaped by its
    switch (HVA-092 asks about that one). "without <iotune> rate limits" fails the VM for a
    setting libvirt refuses: a wrong fail. Right: the vhost-user question, naming the socket."""
    status, msg = verdict(io, "HVA-092", "vublk")
    assert status == "manual", msg
    assert msg == (
        "vhost-user disk /run/vhost-blk.sock is limited by its vhost-user backend, not libvirt "
        "(libvirt refuses <iotune> on it)"
    )


# --- HVA-059: a LUN from an iSCSI pool in direct mode -----------------------------------------------

ISCSI_POOL = (
    "<pool type='iscsi'><name>san</name><source><host name='192.0.2.10' port='3260'/>"
    "<device path='iqn.2013-07.com.example:iscsi-pool'/></source>"
    "<target><path>/dev/disk/by-path</path></target></pool>"
)


def _volume_lun(mode: str) -> str:
    return (
        "<disk type='volume' device='lun'><driver name='qemu' type='raw'/>"
        f"<source pool='san' volume='unit:0:0:1' mode='{mode}'/>"
        "<target dev='sda' bus='scsi'/></disk>"
    )


@pytest.fixture(scope="module")
def volume_luns(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    from test_redteam3_vm_probes import LAN, NESTING_HOST

    tmp: Path = tmp_path_factory.mktemp("rt8vol")
    doms = [
        domain_xml("lun_direct", body=f"<devices>{_volume_lun('direct')}</devices>"),
        domain_xml("lun_host", body=f"<devices>{_volume_lun('host')}</devices>"),
    ]
    uri = write_node(tmp / "n.xml", doms, [LAN], pools=[ISCSI_POOL])
    return run_assessment(build_bundle(tmp, uri, NESTING_HOST, name="b"))


def test_iscsi_pool_lun_through_the_host_initiator_keeps_its_pass(volume_luns: Assessment) -> None:
    assert verdict(volume_luns, "HVA-059", "lun_host") == (
        "pass",
        "1 LUN(s) with filtered SG_IO and no rawio",
    )


def test_iscsi_pool_lun_in_direct_mode_is_unfiltered(volume_luns: Assessment) -> None:
    """libvirt's storage driver translates a <disk type='volume'> of an iSCSI pool by its
    `mode` (virStorageSourcePoolMode, "Use the URI from the storage pool source element host
    attribute. E.g. file=iscsi://demo.org:6000/iqn.1992-01.com.example/1"): mode='direct' sets
    `actualtype = VIR_STORAGE_TYPE_NETWORK; protocol = VIR_STORAGE_NET_PROTOCOL_ISCSI`, mode
    'host' (the default) the LUN's /dev/disk/by-path node (virStorageTranslateDiskSourcePool,
    read with `read_file`). So lun_direct's LUN is opened by QEMU's own iSCSI initiator exactly
    as a <source protocol='iscsi'> LUN, which R7-2 fails: block/iscsi.c sends the guest's SG_IO
    command block to the target with no host filter. Fail, as for protocol='iscsi'; the same
    volume in mode 'host' (the kernel's initiator and its SG_IO filter) keeps its pass."""
    status, msg = verdict(volume_luns, "HVA-059", "lun_direct")
    assert status == "fail", msg
    assert msg == (
        "unit:0:0:1: iSCSI (QEMU's libiscsi sends every SCSI command of the guest to the target)"
    )


@pytest.mark.parametrize(
    ("args", "path"),
    [
        (
            (
                "-fsdev",
                "local,id=fs0,path=/srv/share,security_model=mapped-xattr",
                "-device",
                "virtio-9p-pci,fsdev=fs0,mount_tag=share",
            ),
            "/srv/share",
        ),
        (
            ("-virtfs", "local,path=/srv/ro,mount_tag=ro,security_model=passthrough,readonly=on"),
            "/srv/ro",
        ),
    ],
)
def test_raw_9p_share_that_is_safe_is_a_share(
    tmp_path: Path, args: tuple[str, ...], path: str
) -> None:
    """qemu-options.hx, -fsdev/-virtfs (read with `find_string`): `local` "Accesses to the
    filesystem are done by QEMU", `path=` "Specifies the export path for the file system
    device. Files under this path will be available to the 9p client on the guest";
    security_model mapped-xattr/mapped-file store the guest's ownership in attributes instead
    of applying it, and `readonly=on` "Enables exporting 9p share as a readonly mount for
    guests". Each VM shares a host directory, safely: HVA-058's pass for a share read-only or
    with mapped ownership (as for the same <filesystem accessmode='mapped'> or <readonly/>),
    not "no host directory shared" (n/a for a subject that exists)."""
    from test_redteam3_vm_probes import replayed_domains
    from test_redteam4_vm_probes import _raw

    a = run_assessment(replayed_domains(tmp_path, {"raw9p": _raw("raw9p", *args)}))
    assert verdict(a, "HVA-058", "raw9p") == (
        "pass",
        f"shared directories read-only or with mapped ownership: {path}",
    )


# --- HVA-064: a distribution path that no installed package provides ------------------------------

NO_QEMU_PACKAGE = (
    "libvirt-daemon\t9.0.0-4+deb12u2\tii \nopenssh-server\t1:9.2p1-2+deb12u3\tii \n"
    "suricata\t1:6.0.10-1\tii \npuppet-agent\t7.28.0-1\tii \n",
    0,
)


def test_emulator_path_with_no_qemu_package_installed(host_scan) -> None:
    """HVA-064's own rule: a device model outside the distribution's packages is not patched by
    the host's updates. dpkg-query -W lists every package dpkg knows, with its state
    (dpkg-query(1)); the binaries at the distribution paths come from the QEMU packages only:
    Debian's qemu-system-* packages ship /usr/bin/qemu-system-$arch (qemu-system-common
    README.Debian, read with `search`: "we now provide debian-compatible naming scheme for
    qemu-system-$arch binaries"), Proxmox's pve-qemu-kvm /usr/bin/qemu-system-x86_64 and
    /usr/bin/kvm (pve-qemu-kvm.links), RHEL/Fedora/SUSE qemu-kvm, qemu-system-x86-core,
    qemu-x86 - every one a package whose name holds "qemu". On a host whose package list
    holds none, /usr/bin/qemu-system-x86_64 was put there by hand (a `make install
    --prefix=/usr` build): no update of the host patches it. Fail, naming the path; the same VM
    on the fixture host (qemu-system-x86 installed) keeps its pass."""
    xml = domain_xml(
        "handbuilt", body="<devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>"
    )
    a = host_scan({"dpkg-packages": NO_QEMU_PACKAGE}, domains=[xml])
    status, msg = verdict(a, "HVA-064", "handbuilt")
    assert status == "fail", msg
    assert msg == (
        "emulator /usr/bin/qemu-system-x86_64, but the host's package list holds no QEMU "
        "package: no update of the host patches it"
    )


def test_emulator_path_from_the_installed_qemu_package_passes(host_scan) -> None:
    xml = domain_xml(
        "packaged", body="<devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>"
    )
    a = host_scan(domains=[xml])
    assert verdict(a, "HVA-064", "packaged") == ("pass", "emulator /usr/bin/qemu-system-x86_64")


def test_an_empty_dpkg_beside_rpm_is_not_a_host_without_qemu(host_scan) -> None:
    """An RPM distribution may carry the `dpkg` package (Fedora and EPEL ship it) with an empty
    database: dpkg-query -W prints nothing and exits 0 (dpkg-query(1): it lists the packages
    in the database). That dpkg does not manage the host; rpm -qa's list, which holds
    qemu-kvm, is the package list, so the packaged emulator keeps its pass (the fail of R8-9
    is for a host whose package manager lists no QEMU)."""
    xml = domain_xml(
        "rpmhost", body="<devices><emulator>/usr/libexec/qemu-kvm</emulator></devices>"
    )
    a = host_scan(
        {
            "dpkg-packages": ("", 0),
            "rpm-packages": ("qemu-kvm\t8.2.0-11.el9_4\tii\nlibvirt\t10.0.0-6.el9_4\tii\n", 0),
        },
        domains=[xml],
    )
    assert verdict(a, "HVA-064", "rpmhost") == ("pass", "emulator /usr/libexec/qemu-kvm")


# --- HVA-058: a virtiofs share marked <readonly/> ---------------------------------------------------

VIRTIOFS_RO = (
    "<filesystem type='mount' accessmode='passthrough'><driver type='virtiofs'/>"
    "<source dir='/srv/ro'/><target dir='ro'/><readonly/></filesystem>"
)
NINEP_RO = (
    "<filesystem type='mount' accessmode='passthrough'><driver type='path'/>"
    "<source dir='/srv/ro9p'/><target dir='ro9p'/><readonly/></filesystem>"
)


@pytest.fixture(scope="module")
def readonly_shares(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    from test_redteam3_vm_probes import LAN, NESTING_HOST

    tmp: Path = tmp_path_factory.mktemp("rt8ro")
    doms = [
        domain_xml("vfs_ro", body=f"{SHARED_MEMORY}<devices>{VIRTIOFS_RO}</devices>"),
        domain_xml("ninep_ro", body=f"<devices>{NINEP_RO}</devices>"),
    ]
    uri = write_node(tmp / "n.xml", doms, [LAN])
    return run_assessment(build_bundle(tmp, uri, NESTING_HOST, name="b"))


def test_readonly_9p_share_keeps_its_pass(readonly_shares: Assessment) -> None:
    """QEMU enforces a read-only 9p export itself (-fsdev readonly=on, which libvirt's
    <readonly/> sets for driver path)."""
    assert verdict(readonly_shares, "HVA-058", "ninep_ro") == (
        "pass",
        "shared directories read-only or with mapped ownership: /srv/ro9p",
    )


def test_readonly_virtiofs_share_is_a_question(readonly_shares: Assessment) -> None:
    """A virtiofs share is served by virtiofsd, not QEMU, so only the daemon can refuse the
    guest's writes. libvirt issue #23, "<filesystem><readonly/><filesystem> does not work for
    virtiofs" (read with `search`): "Specifying <readonly/> for a virtiofs filesystem does not
    work. It simply gets ignored, possibly leading to a false sense of security"; libvirt then
    refused the attribute ("qemu: reject readonly attribute for virtiofs - This is not yet
    supported by virtiofsd"), and virtiofsd gained a read-only mode only in 1.13.0 ("Add
    --readonly flag", openSUSE virtiofsd.changes, January 2025). The definition cannot show
    whether the daemon that serves /srv/ro runs with --readonly: the share is the virtiofs
    question (nosuid,nodev, or a --readonly daemon), not a pass. The read-only 9p share, which
    QEMU itself exports read-only, keeps its pass."""
    status, msg = verdict(readonly_shares, "HVA-058", "vfs_ro")
    assert status == "manual", msg
    assert msg == (
        "virtiofs share(s) /srv/ro marked <readonly/>, which only a virtiofsd run with "
        "--readonly enforces (virtiofs supports passthrough only)"
    )


# --- HVA-064: the binary the running QEMU executes ---------------------------------------------------


def test_running_qemu_executes_a_binary_outside_the_distribution(host_scan) -> None:
    """proc(5), /proc/pid/exe: "a symbolic link containing the actual pathname of the executed
    command". The collector reads it for each running QEMU (`ls -l /proc/<pid>/exe`), and web01's
    QEMU (pid 1200, `-name guest=web01`) was started from the path libvirt names, yet executes
    /opt/qemu-9.2/bin/qemu-system-x86_64: the packaged path is a symlink (or a diversion) to a
    build of its own, which no update of the host patches - HVA-064's own rule. The definition
    looks packaged; the process proves it is not: fail, naming the binary and the pid. The
    fixture's web01, whose QEMU executes /usr/bin/qemu-system-x86_64, keeps its pass
    (test_emulator_path_from_the_installed_qemu_package_passes)."""
    exe = (
        "lrwxrwxrwx 1 libvirt-qemu kvm 0 Nov 27 04:00 /proc/1200/exe -> "
        "/opt/qemu-9.2/bin/qemu-system-x86_64\n",
        0,
    )
    a = host_scan({"qemu-exe-1200": exe})
    assert verdict(a, "HVA-064", "web01") == (
        "fail",
        "the running QEMU (pid 1200) executes /opt/qemu-9.2/bin/qemu-system-x86_64, not a "
        "distribution path",
    )


def test_blkiotune_on_a_scsi_lun_limits_nothing(tmp_path: Path) -> None:
    """Twin of R8-5 on the host side. <blkiotune><device> sets the cgroup's block throttle for
    the host device (formatdomain, "Block I/O Tuning"), which the kernel applies in
    submit_bio_noacct (block/blk-core.c: `if (blk_throtl_bio(bio)) return;`). A LUN's reads
    and writes leave QEMU's scsi-block as SG_IO ioctls (scsi_block_do_sgio), which the kernel
    turns into passthrough requests of REQ_OP_DRV_IN/OUT executed on the queue directly;
    submit_bio_noacct refuses those ops ("Driver private operations are only used with
    passthrough requests", read with `find_string`), so they never meet the throttle. The LUN
    is limited by nothing: fail, naming it."""
    from test_redteam3_vm_probes import LAN, NESTING_HOST

    lun = (
        "<disk type='block' device='lun'><driver name='qemu' type='raw'/>"
        "<source dev='/dev/sdb'/><target dev='sda' bus='scsi'/></disk>"
    )
    blkio = (
        "<blkiotune><device><path>/dev/sdb</path><read_bytes_sec>10000000</read_bytes_sec>"
        "<write_bytes_sec>10000000</write_bytes_sec></device></blkiotune>"
    )
    uri = write_node(
        tmp_path / "n.xml",
        [domain_xml("lunblkio", body=f"{blkio}<devices>{lun}{LIMITED_NIC}</devices>")],
        [LAN],
    )
    a = run_assessment(build_bundle(tmp_path, uri, NESTING_HOST, name="b"))
    assert verdict(a, "HVA-092", "lunblkio") == (
        "fail",
        "LUN /dev/sdb: <blkiotune> limits nothing (QEMU's scsi-block passes the guest's reads "
        "and writes to the device as SG_IO ioctls, whose passthrough requests the kernel's "
        "block throttle does not see)",
    )
