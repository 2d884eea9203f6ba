"""Scan throughput on libvirt test-driver deployments of 1,000 and 5,000 VMs.

For each size, in fresh processes (so peak memory is per run):
  fetch  the floor of any read-only scan: open, listAllDomains, XMLDesc of every domain;
  scan   `hvaudit scan` end to end in-process: collect into an in-memory bundle, parse it, run
         every check, render the JSON report;
  scan+bundle  the same, also writing the bundle as .tar.gz and reading it back verified.
Prints wall times, the scan/fetch ratio, per-VM cost and peak RSS. Target: ratio <= 1.5, linear.

    python benchmarks/bench_scan.py [--sizes 1000 5000] [--repeat 3]
    python benchmarks/bench_scan.py --real --sizes 1000   # against libvirtd on qemu:///system

The test driver answers in-process, so its fetch is far cheaper per VM than any real daemon's;
--real defines the same VMs (inactive, prefixed hvbench-) on the local libvirtd, measures the fetch
and the scan over its RPC (host facts off: they cost the same for 10 VMs or 10,000), and removes
them again.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import uuid
import xml.etree.ElementTree as ET  # our own generated XML, not scanned input
from pathlib import Path

VM = """<domain type='kvm'><name>vm{i:05d}</name><uuid>{uuid}</uuid>
<memory unit='MiB'>{mem}</memory><vcpu placement='static'>{vcpu}</vcpu>
{tune}<os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>
<devices>
<disk type='file' device='disk'><source file='/var/lib/libvirt/images/vm{i:05d}.qcow2'/><target dev='vda' bus='virtio'/></disk>
<interface type='network'><mac address='52:54:00:{a:02x}:{b:02x}:{c:02x}'/><source network='default'/><model type='virtio'/>{flt}</interface>
<graphics type='vnc' autoport='yes' listen='{listen}'/>
</devices>{sec}</domain>
"""


def make_node(path: Path, n: int) -> None:
    path.write_text(_node_text(n))


def _node_text(n: int) -> str:
    parts = [
        "<node><cpu><mhz>2900</mhz><model>x86_64</model><active>128</active><nodes>2</nodes>"
        "<sockets>2</sockets><cores>32</cores><threads>2</threads></cpu><memory>1073741824</memory>"
    ]
    parts.extend(
        VM.format(
            i=i,
            uuid=uuid.uuid5(uuid.NAMESPACE_DNS, f"vm{i}"),
            mem=1024 * (1 + i % 8),
            vcpu=1 + i % 4,
            tune="<cputune><shares>1024</shares></cputune>" if i % 2 else "",
            a=(i >> 16) & 255,
            b=(i >> 8) & 255,
            c=i & 255,
            flt="<filterref filter='clean-traffic'/>" if i % 3 else "",
            listen="127.0.0.1" if i % 5 else "0.0.0.0",
            sec="<seclabel type='none' model='apparmor'/>" if i % 97 == 0 else "",
        )
        for i in range(n)
    )
    parts.append(
        "<network><name>default</name><forward mode='nat'/><bridge name='virbr0'/>"
        "<ip address='192.168.122.1' netmask='255.255.255.0'/></network></node>"
    )
    return "".join(parts)


def real_domains(n: int) -> list[str]:
    """The benchmark VMs as stand-alone domain XML for a real libvirtd."""
    node = ET.fromstring(_node_text(n))  # noqa: S314 - XML we generated ourselves
    out = []
    for d in node.findall("domain"):
        name = d.find("name")
        assert name is not None and name.text
        name.text = "hvbench-" + name.text
        out.append(ET.tostring(d, encoding="unicode"))
    return out


def child(mode: str, uri: str) -> None:
    start = time.perf_counter()
    if mode == "fetch":
        import libvirt

        conn = libvirt.openReadOnly(uri)
        n = sum(len(d.XMLDesc(0)) > 0 for d in conn.listAllDomains(0))
        conn.close()
    else:
        from hvaudit.bundle import Bundle
        from hvaudit.collect import CollectOptions, collect_libvirt
        from hvaudit.engine import assess
        from hvaudit.gcpause import paused_gc
        from hvaudit.parse import build_deployment
        from hvaudit.profile import load_profile
        from hvaudit.report.json_report import render_json

        with tempfile.TemporaryDirectory() as tmp, paused_gc():
            # "scan" keeps the bundle in memory, as `hvaudit scan` does; "scan+bundle" also writes
            # it as a .tar.gz and reads it back verified, as `collect` then `assess` would.
            dest = Path(tmp) / "b.tar.gz" if mode == "scan+bundle" else None
            res = collect_libvirt(CollectOptions(uri, facts="none"), dest)
            bundle = Bundle.open(res.path) if res.path else res.bundle
            dep, problems = build_deployment(bundle)
            report = render_json(assess(dep, problems, load_profile()))
            n = len(dep.vms)
            assert report
    elapsed = time.perf_counter() - start
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "vms": n, "rss_mib": rss_mib}))


def measure(mode: str, uri: str, repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, __file__, "--child", mode, uri],
            capture_output=True,
            text=True,
            check=True,
            timeout=1800,
        ).stdout
        runs.append(json.loads(out))
    best = min(runs, key=lambda r: r["seconds"])
    return {
        "seconds": best["seconds"],
        "vms": best["vms"],
        "rss_mib": max(r["rss_mib"] for r in runs),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--child", nargs=2, metavar=("MODE", "URI"))
    ap.add_argument(
        "--real", action="store_true", help="measure against libvirtd on qemu:///system"
    )
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    if args.real:
        real(args.sizes, args.repeat)
        return
    print(
        f"{'VMs':>6} {'fetch s':>9} {'scan s':>9} {'ratio':>6} {'scan ms/VM':>11} "
        f"{'fetch RSS MiB':>14} {'scan RSS MiB':>13} {'scan+bundle s':>14}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            node = Path(tmp) / f"node-{n}.xml"
            make_node(node, n)
            uri = f"test://{node}"
            fetch = measure("fetch", uri, args.repeat)
            scan = measure("scan", uri, args.repeat)
            full = measure("scan+bundle", uri, args.repeat)
            assert scan["vms"] == fetch["vms"] == full["vms"] == n, (scan, fetch)
            print(
                f"{n:>6} {fetch['seconds']:>9.2f} {scan['seconds']:>9.2f} "
                f"{scan['seconds'] / fetch['seconds']:>6.2f} {1000 * scan['seconds'] / n:>11.2f} "
                f"{fetch['rss_mib']:>14.0f} {scan['rss_mib']:>13.0f} {full['seconds']:>14.2f}",
                flush=True,
            )


def real(sizes: list[int], repeat: int) -> None:
    import libvirt

    conn = libvirt.open("qemu:///system")

    def cleanup() -> None:
        for dom in conn.listAllDomains(0):
            if dom.name().startswith("hvbench-") and not dom.isActive():
                dom.undefine()

    print("real libvirtd (qemu:///system), inactive domains, host facts off")
    print(
        f"{'VMs':>6} {'fetch s':>9} {'scan s':>9} {'ratio':>6} {'scan ms/VM':>11} {'scan RSS MiB':>13}"
    )
    try:
        for n in sizes:
            cleanup()
            for xml in real_domains(n):
                conn.defineXML(xml)
            fetch = measure("fetch", "qemu:///system", repeat)
            scan = measure("scan", "qemu:///system", repeat)
            print(
                f"{n:>6} {fetch['seconds']:>9.2f} {scan['seconds']:>9.2f} "
                f"{scan['seconds'] / fetch['seconds']:>6.2f} {1000 * scan['seconds'] / n:>11.2f} "
                f"{scan['rss_mib']:>13.0f}",
                flush=True,
            )
    finally:
        cleanup()
        conn.close()


if __name__ == "__main__":
    main()
