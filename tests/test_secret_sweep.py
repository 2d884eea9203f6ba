"""The secret sweep: a marker secret in every place a format keeps one, collected by the real
collectors, must appear in no bundle file, no report of any format, and no message.

Each marker is `Mk<place>Zz`, so a leak names the place it came from. The places:

- libvirt (the test driver): console passwords, an https disk's cookie, `?token=` in the source
  name, a signed `query=`, an SMBIOS systemd credential, a fw_cfg blob. The test driver drops the
  `qemu:` namespace, so the domain `qemuargs` is answered (by the real collector, through the
  test driver's domain object) with its recorded XML plus `<qemu:commandline>`: `-object secret`,
  `-spice password=`, `-fw_cfg string=`, rbd `:key=`, curl `cookie=`, QEMU's JSON syntax, and
  `<qemu:env>`;
- the recorded host artefacts (the suite's ReplayRunner): a process list with `--password X`,
  `--token=X`, `mysql -pX`, `sshpass -p X`, `curl -u user:X`, an authorization header, `NAME=X`,
  `pass:X`, `https://user:X@host` and a QEMU command line; rsyslog (`pwd="X"` for
  omelasticsearch and ommysql, legacy `:ommysql:`, `password = X`, omhttp headers, omkafka) and
  syslog-ng (`password("X")`, kafka `config()`, a MongoDB URI) through `grep -H`; qemu.conf
  (set and commented out), sssd.conf and its conf.d snippets (`grep -H`), journal-upload.conf, a systemd credential on the kernel
  command line; a failed probe's reason;
- a `pve+dir` tree: `args:` (the Proxmox args line), `cipassword`, storage.cfg `password` and
  `encryption-key`, a realm password in domains.cfg, a container's `lxc.environment`, a proxy
  URI in datacenter.cfg, `wpa-psk`, user.cfg's two-factor keys;
- a `vmx+dir` tree: `RemoteDisplay.vnc.password`, `RemoteDisplay.vnc.key`, `guestinfo.*`, the
  key safe and encrypted data;
- URI user information: in the manifest's `target` and on standard error.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import HARDENED_HOST, ReplayRunner, domain_xml, write_node
from hvaudit.bundle import BundleWriter
from hvaudit.cli import main
from hvaudit.collect.host import HostCollector
from hvaudit.collect.libvirt import LibvirtCollector, LibvirtTarget

MARKER = re.compile(r"Mk[A-Za-z0-9]+Zz")
FORMATS = ("json", "html", "oscal", "sarif", "junit", "csv", "markdown")
PVE_NODE = Path(__file__).parent / "fixtures" / "proxmox-node"

QEMU_COMMANDLINE = (
    "<qemu:commandline xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
    "<qemu:arg value='-object'/><qemu:arg value='secret,id=s0,data=MkQemuObjectDataZz,format=raw'/>"
    "<qemu:arg value='-spice'/><qemu:arg value='port=5901,password=MkQemuSpiceZz'/>"
    "<qemu:arg value='-vnc'/><qemu:arg value='0.0.0.0:2,password=on'/>"
    "<qemu:arg value='-fw_cfg'/><qemu:arg value='name=opt/com.example/x,string=MkQemuFwcfgZz'/>"
    "<qemu:arg value='-drive'/>"
    "<qemu:arg value='file=rbd:pool/img:id=admin:key=MkQemuRbdKeyZz:auth_supported=cephx,if=none'/>"
    "<qemu:arg value='-drive'/>"
    "<qemu:arg value='file.driver=https,file.url=https://img.example/x.img,file.cookie=MkQemuCurlCookieZz'/>"
    "<qemu:arg value='-drive'/><qemu:arg value='file=https://u:MkQemuUrlPwZz@img.example/y.img'/>"
    "<qemu:arg value='-object'/>"
    "<qemu:arg value='{&quot;qom-type&quot;:&quot;secret&quot;,&quot;id&quot;:&quot;s1&quot;,"
    "&quot;data&quot;:&quot;MkQemuJsonDataZz&quot;}'/>"
    "<qemu:env name='API_TOKEN' value='MkQemuEnvZz'/>"
    "</qemu:commandline>"
)

LIBVIRT_DOMAINS = [
    domain_xml(
        "secrets01",
        body=(
            "<sysinfo type='smbios'><oemStrings>"
            "<entry>io.systemd.credential:rootpw=MkOemCredentialZz</entry>"
            "</oemStrings></sysinfo>"
            "<sysinfo type='fwcfg'><entry name='opt/com.example/cfg'>MkFwcfgEntryZz</entry>"
            "</sysinfo>"
            "<devices>"
            "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
            "<source protocol='https' name='img.raw?token=MkDiskTokenZz' "
            "query='v=1&amp;sig=MkDiskQuerySigZz'><host name='img.example' port='443'/>"
            "<cookies><cookie name='session'>MkDiskCookieZz</cookie></cookies></source>"
            "<target dev='vda' bus='virtio'/></disk>"
            "<graphics type='vnc' port='5900' listen='0.0.0.0' passwd='MkVncPasswdZz'/>"
            "<graphics type='spice' port='5901' listen='0.0.0.0' passwd='MkSpicePasswdZz'/>"
            "</devices>"
        ),
    ),
    domain_xml("qemuargs"),
]

PROCESSES = (
    HARDENED_HOST["processes"][0]
    + " 1300 libvirt+ /usr/bin/qemu-system-x86_64 -name guest=db01 -sandbox on "
    "-object secret,id=s0,data=MkPsQemuDataZz,format=base64 -spice port=5901,password=MkPsSpiceZz "
    "-vnc 0.0.0.0:1,password=on -fw_cfg name=opt/x,string=MkPsFwcfgZz "
    "-drive file=rbd:pool/img:id=admin:key=MkPsRbdZz,if=none "
    "-drive file.driver=https,file.url=https://h/x.img,file.cookie=MkPsCookieZz "
    '-object {"qom-type":"secret","id":"s1","data":"MkPsJsonZz"}\n'
    " 2000 root     /usr/bin/backup-agent --password MkPsLongSpaceZz --api-token=MkPsLongEqZz\n"
    " 2001 mysql    /usr/bin/mysqldump -u root -pMkPsMysqlZz inventory\n"
    " 2002 root     /usr/bin/rclone sync /srv https://user:MkPsUrlZz@backup.example/x\n"
    " 2003 root     sshpass -p MkPsSshpassZz ssh backup@h\n"
    ' 2004 root     curl -u bob:MkPsCurlZz -H "Authorization: Bearer MkPsBearerZz" https://x\n'
    " 2005 root     /usr/bin/agent API_TOKEN=MkPsEnvZz\n"
    " 2006 root     openssl enc -aes256 -pass pass:MkPsOpensslZz\n"
    " 2007 root     redis-cli -a MkPsRedisZz ping\n"
    " 2008 root     /usr/bin/svc --client-secret MkPsClientSecretZz --verbose\n"
)

RSYSLOG = (
    HARDENED_HOST["rsyslog-config"][0]
    + '/etc/rsyslog.d/60-es.conf:action(type="omelasticsearch" server="es.example" '
    'uid="elastic" pwd="MkRsElasticZz")\n'
    "/etc/rsyslog.d/61-mysql.conf:*.* :ommysql:db.example,Syslog,rsyslog,MkRsLegacyMysqlZz;fmt\n"
    '/etc/rsyslog.d/62-mysql.conf:action(type="ommysql" server="db" db="Syslog" uid="u" '
    'pwd="MkRsMysqlZz")\n'
    "/etc/rsyslog.d/63-kv.conf:password = MkRsKeyValueZz\n"
    '/etc/rsyslog.d/64-http.conf:action(type="omhttp" server="h" '
    'httpheaders=["Authorization: Basic MkRsHttpZz"])\n'
    '/etc/rsyslog.d/65-kafka.conf:action(type="omkafka" confParam=["sasl.password=MkRsKafkaZz"])\n'
)

SYSLOG_NG = (
    '/etc/syslog-ng/conf.d/sql.conf:destination d_sql { sql(type(mysql) host("db") '
    'username("u") password("MkSngSqlZz") database("logs")); };\n'
    '/etc/syslog-ng/conf.d/es.conf:destination d_es { elasticsearch-http(url("https://es:9200/") '
    'user("elastic") password("MkSngElasticZz")); };\n'
    '/etc/syslog-ng/conf.d/k.conf:destination d_k { kafka(config("sasl.password" "MkSngKafkaZz")); };\n'
    '/etc/syslog-ng/conf.d/m.conf:destination d_m { mongodb(uri("mongodb://u:MkSngMongoZz@db/x")); };\n'
)

HOST: dict[str, Any] = {
    **HARDENED_HOST,
    "processes": (PROCESSES, 0),
    "rsyslog-config": (RSYSLOG, 0),
    "syslog-ng-config": (SYSLOG_NG, 0),
    "/etc/libvirt/qemu.conf": HARDENED_HOST["/etc/libvirt/qemu.conf"]
    + 'vnc_password = "MkQemuConfVncZz"\nspice_password = "MkQemuConfSpiceZz"\n'
    '#vnc_password = "MkQemuConfCommentedZz"\n',
    "/etc/sssd/sssd.conf": "[domain/example]\nldap_default_authtok = MkSssdAuthtokZz\n",
    "sssd-conf-d": (
        "/etc/sssd/conf.d/10-bind.conf:[domain/example]\n"
        "/etc/sssd/conf.d/10-bind.conf:ldap_default_authtok = MkSssdSnippetAuthtokZz\n",
        0,
    ),
    "/etc/systemd/journal-upload.conf": "[Upload]\nURL=https://up:MkJournalUrlZz@logs.example\n",
    "/etc/pam.d/common-auth": OSError("cannot read via https://u:MkProbeReasonZz@h/"),
    "/proc/cmdline": HARDENED_HOST["/proc/cmdline"].rstrip("\n")
    + " systemd.set_credential=passwd.hashed-password.root:MkKernelCredentialZz\n",
}


@pytest.fixture
def qemu_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    """The domain `qemuargs` answers with its XML plus the qemu: namespace the test driver drops."""
    import libvirt

    original = libvirt.virDomain.XMLDesc

    def xml_desc(self: Any, flags: int = 0) -> str:
        xml = original(self, flags)
        if self.name() == "qemuargs":
            xml = xml.replace("</domain>", QEMU_COMMANDLINE + "</domain>")
        return str(xml)

    monkeypatch.setattr(libvirt.virDomain, "XMLDesc", xml_desc)


def _leaks(text: str) -> list[str]:
    return sorted(set(MARKER.findall(text)))


def _tree_text(root: Path) -> str:
    if root.is_file():
        return root.read_bytes().decode("utf-8", errors="replace")
    return "".join(
        p.read_bytes().decode("utf-8", errors="replace")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    )


def _all_reports(
    bundle: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    formats: tuple[str, ...] = FORMATS,
) -> str:
    """Every report format of `hvaudit assess BUNDLE`, its terminal output and its stderr."""
    out_dir = tmp_path / f"reports-{bundle.name}"
    out_dir.mkdir()
    reports = [arg for f in formats for arg in ("--report", f"{f}={out_dir / ('r.' + f)}")]
    code = main(["assess", str(bundle), "--color", "never", *reports])
    out, err = capsys.readouterr()
    assert code in (0, 1, 3), err
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(f"r.{f}" for f in formats)
    return out + err + _tree_text(out_dir)


def _expect_redacted(bundle_text: str, planted: set[str]) -> None:
    # the sweep must be able to fail: every planted marker is a place the collector read
    assert planted, "nothing planted"
    assert _leaks(bundle_text) == []


def _planted(*texts: str) -> set[str]:
    return {m for t in texts for m in MARKER.findall(t)}


def test_sweep_libvirt_and_host_facts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], qemu_namespace: None
) -> None:
    uri = write_node(tmp_path / "node.xml", LIBVIRT_DOMAINS)
    bundle = tmp_path / "libvirt-bundle"
    writer = BundleWriter(
        bundle, target="qemu+ssh://root:MkTargetUriZz@hv1/system", platform="kvm-libvirt"
    )
    LibvirtCollector(LibvirtTarget.parse(uri), secure_xml=True).collect(writer)
    writer.meta["collector"]["libvirt"]["simulated"] = False
    writer.meta["collector"]["libvirt"]["hostname"] = "hv1"
    HostCollector(ReplayRunner(HOST)).collect(writer)
    writer.close(complete=True)

    text = _tree_text(bundle)
    assert _leaks(text) == []
    planted = _planted(
        QEMU_COMMANDLINE, *LIBVIRT_DOMAINS, *map(str, HOST.values()), "MkTargetUriZz"
    )
    assert len(planted) == 51
    assert text.count("***REDACTED***") >= len(planted)  # each one read, and blanked
    # what the checks need survives: passwords are set, raw QEMU arguments exist, -vnc password=on
    assert "passwd='***REDACTED***'" in text and "password=on" in text
    assert "secret,id=s0,data=***REDACTED***,format=raw" in text
    assert "<qemu:env name='API_TOKEN' value='***REDACTED***'/>" in text
    assert "RemoteDisplay" not in text  # (a vmx key would be a mix-up of formats)

    reports = _all_reports(bundle, tmp_path, capsys)
    assert _leaks(reports) == []
    assert "raw QEMU arguments: -object secret,id=s0,data=***REDACTED***" in reports


def test_sweep_scan_in_memory_with_a_password_in_the_uri(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], qemu_namespace: None
) -> None:
    node = tmp_path / "node.xml"
    write_node(node, LIBVIRT_DOMAINS)
    out_dir = tmp_path / "reports"
    out_dir.mkdir()
    reports = [arg for f in FORMATS for arg in ("--report", f"{f}={out_dir / ('r.' + f)}")]
    code = main(
        [
            "scan",
            "--connect",
            f"test://root:MkScanUriZz@{node}",
            "--secure-xml",
            "--bundle",
            str(tmp_path / "b.tar.gz"),
            "--color",
            "never",
            *reports,
        ]
    )
    out, err = capsys.readouterr()
    assert code == 1, err
    everything = out + err + _tree_text(out_dir)
    assert "root:***REDACTED***@" in everything  # the target is shown, without its password
    assert _leaks(everything) == []
    import tarfile

    with tarfile.open(tmp_path / "b.tar.gz") as tar:
        blob = b"".join(tar.extractfile(m).read() for m in tar if m.isfile())  # type: ignore[union-attr]
    assert _leaks(blob.decode("utf-8", errors="replace")) == []


def test_sweep_uri_password_on_stderr_and_in_a_partial_bundle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["scan", "--connect", f"test://root:MkStderrUriZz@{tmp_path / 'missing.xml'}"])
    err = capsys.readouterr().err
    assert code == 3 and "root:***REDACTED***@" in err
    assert _leaks(err) == []
    # an SSH target that refuses: nothing was collected, so no bundle is left (issue 11), and
    # the message names the target redacted
    bundle = tmp_path / "partial"
    code = main(
        ["collect", "--connect", "pve+ssh://root:MkPartialUriZz@127.0.0.1:1/", "-o", str(bundle)]
    )
    err = capsys.readouterr().err
    assert code == 3 and "nothing was collected, no bundle kept" in err
    assert not bundle.exists() and _leaks(err) == []
    # a bundle that holds something: its manifest names the target, redacted
    node = tmp_path / "node.xml"
    node.write_text(
        "<node><domain type='test'><name>a</name><memory>1024</memory>"
        "<os><type>hvm</type></os></domain></node>"
    )
    bundle = tmp_path / "kept"
    code = main(["collect", "--connect", f"test://root:MkPartialUriZz@{node}", "-o", str(bundle)])
    err = capsys.readouterr().err
    assert code == 0, err
    text = _tree_text(bundle)
    assert f'"target": "test://root:***REDACTED***@{node}"' in text
    assert _leaks(err + text) == []


def test_sweep_proxmox_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree = tmp_path / "node"
    shutil.copytree(PVE_NODE, tree)
    pve = tree / "etc" / "pve"
    vm = pve / "qemu-server" / "100.conf"
    lines = vm.read_text().split("\n[PENDING]")
    vm.write_text(
        lines[0]
        + "args: -object secret,id=s0,data=MkPveArgsDataZz -spice port=5901,password=MkPveArgsSpiceZz"
        " -fw_cfg 'name=opt/x,string=MkPveArgsFwcfgZz'\n"
        "cipassword: MkPveCipasswordZz\n" + "\n[PENDING]" + lines[1]
    )
    (pve / "storage.cfg").write_text(
        (pve / "storage.cfg").read_text()
        + "\npbs: backup\n\tdatastore store1\n\tserver 10.0.0.5\n\tusername backup@pbs\n"
        "\tpassword MkPveStoragePasswordZz\n\tencryption-key MkPveEncryptionKeyZz\n"
        "\tfingerprint aa:bb:cc\n\tcontent backup\n"
        "\ncifs: share\n\tserver 10.0.0.6\n\tshare vms\n\tusername svc\n"
        "\tpassword MkPveCifsPasswordZz\n\tcontent images\n"
    )
    (pve / "datacenter.cfg").write_text(
        (pve / "datacenter.cfg").read_text()
        + "http_proxy: http://proxy:MkPveProxyZz@10.0.0.1:3128\n"
    )
    (pve / "domains.cfg").write_text(
        "pam: pam\n\tcomment Linux PAM\n\nldap: corp\n\tbase_dn dc=corp,dc=example\n"
        "\tuser_attr uid\n\tserver1 ldap.corp.example\n\tpassword MkPveRealmPasswordZz\n"
    )
    (pve / "lxc").mkdir(exist_ok=True)
    (pve / "lxc" / "200.conf").write_text(
        "arch: amd64\nhostname: ct200\nmemory: 512\nostype: debian\n"
        "lxc.environment: DB_PASSWORD=MkPveLxcEnvZz\n"
    )
    users = (pve / "user.cfg").read_text().replace("x!oath", "x!MkPveTfaKeyZz")
    (pve / "user.cfg").write_text(users)
    interfaces = tree / "etc" / "network" / "interfaces"
    interfaces.write_text(
        interfaces.read_text() + "\niface wlan0 inet dhcp\n\twpa-psk MkPveWpaZz\n"
    )
    planted = _planted(_tree_text(tree))
    assert len(planted) == 12

    bundle = tmp_path / "pve-bundle"
    code = main(["collect", "--connect", f"pve+dir://{tree}", "-o", str(bundle)])
    err = capsys.readouterr().err
    assert code == 0, err
    text = _tree_text(bundle)
    assert _leaks(err + text) == []
    assert (
        "args: -object secret,id=s0,data=***REDACTED*** -spice port=5901,password=***REDACTED***"
        in text
    )
    assert _leaks(_all_reports(bundle, tmp_path, capsys)) == []


def test_sweep_vmx_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree = tmp_path / "vmx"
    (tree / "vm").mkdir(parents=True)
    (tree / "vm" / "vm.vmx").write_text(
        '.encoding = "UTF-8"\ndisplayName = "vm"\nnumvcpus = "2"\nmemsize = "2048"\n'
        'RemoteDisplay.vnc.enabled = "TRUE"\nRemoteDisplay.vnc.port = "5901"\n'
        'RemoteDisplay.vnc.password = "MkVmxVncPasswordZz"\n'
        'RemoteDisplay.vnc.key = "MkVmxVncKeyZz"\nRemoteDisplay.vnc.keyMap = "de"\n'
        'guestinfo.userdata = "MkVmxGuestinfoUserdataZz"\n'
        'guestinfo.metadata.encoding = "MkVmxGuestinfoEncodingZz"\n'
        'encryption.keySafe = "vmware:key/list/(pair/(fqid/MkVmxKeySafeZz))"\n'
        'encryption.data = "MkVmxEncryptionDataZz"\n'
    )
    bundle = tmp_path / "vmx-bundle"
    code = main(["collect", "--connect", f"vmx+dir://{tree}", "-o", str(bundle)])
    err = capsys.readouterr().err
    assert code == 0, err
    text = _tree_text(bundle)
    assert _leaks(err + text) == []
    assert 'RemoteDisplay.vnc.keyMap = "de"' in text  # not a secret: kept
    assert _leaks(_all_reports(bundle, tmp_path, capsys, FORMATS)) == []


def test_secrets_this_run_was_given_never_reach_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A password from the environment or a URI is blanked in every message and manifest field
    whatever form a library echoes it in (an API token in a fault, a percent-decoded URI)."""
    from hvaudit import redact

    monkeypatch.setattr(redact, "_LITERALS", set())
    redact.remember("MkEnvPasswordZz")
    writer = BundleWriter(
        tmp_path / "b", target="vsphere://admin:Mk%40UriZz@vc.example/", platform="vmware-esxi"
    )
    writer.error("login failed for admin with MkEnvPasswordZz (fault echoed the password)")
    writer.error("session to vc.example as admin:Mk@UriZz refused")
    writer.error("token root@pam!hvaudit=MkPveTokenZz rejected")
    writer.record("x", status="failed", origin="GET /", reason="auth MkEnvPasswordZz refused")
    writer.close(complete=False)
    text = _tree_text(tmp_path / "b")
    assert _leaks(text) == [] and "Mk@UriZz" not in text
    assert text.count("***REDACTED***") == 5
    # not in artefacts: a short or common password must not blank ordinary evidence
    assert redact.redact_artefact("host/files/etc/os-release", b"MkEnvPasswordZz") == (
        b"MkEnvPasswordZz"
    )
