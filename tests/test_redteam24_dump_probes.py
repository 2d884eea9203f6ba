"""Twenty-fourth red-team review: a NIC's traffic dumped to a host file outside virtlogd (rt24dump).

Harness: host evidence from conftest's hardened Debian host (stdio_handler "logd" by default)
and domains replayed as a daemon with the QEMU driver reports them
(test_redteam10_vm_probes._replayed_on, _raw_cpu_domain), through the real collector, parser
and engine, as tests/test_redteam24_audio_probes.py does.

Findings (R24F-n):

- R24F-1 (false pass) HVA-215: the hardened host passed "QEMU's output goes through virtlogd"
  while a VM's raw `-object filter-dump,id=f,netdev=n,file=PATH` (or its JSON form, `-object
  '{"qom-type":"filter-dump",...}'`: qom/object_interfaces.c user_creatable_parse_str, `if
  (optarg[0] == '{')` JSON) wrote every packet of its NIC to a host file. qemu-options.hx:
  "-object filter-dump,id=id,netdev=dev[,file=filename][,maxlen=len] Dump the network
  traffic on netdev dev to the file specified by filename. At most len bytes (64k by default)
  per packet are stored. The file format is libpcap": maxlen caps each packet, not the file.
  net/dump.c (read with `find_string`): filter_dump_setup refuses an object without file
  ("dump filter needs 'file' property set!"), filter_dump_receive_iov calls dump_receive_iov
  for every packet, which writes it until a write error ("network dump write error -
  stopping dump"). QEMU opens the file itself, so virtlogd's max_size never applies, as for
  R24M-2's `-chardev file` and R24O-1's wav audio. Now a fail naming each VM and argument
  (qemu_args.raw_file_outputs, extended), with R24M-2's message. The legacy `-net
  dump,file=` is not counted: "``-net dump`` (removed in 2.12) ... has been replaced by
  ``-object filter-dump,id=id,netdev=dev[,file=filename][,maxlen=maxlen]``"
  (docs/about/removed-features.rst, read with `find_string`); QEMU 7.x refuses it.

Held (kept as tests): a VM with another netfilter (`-object filter-buffer`), which writes no
file, still passes HVA-215.

Probed by script, not kept: none.

Tally: 4 cases in 2 test functions; 3 failed before the fix on main 645c33e; the held case
passed there too.

Leads left: `-object filter-dump,status=off` is counted like any other (not checked whether
QEMU opens the file before the filter is turned on); `-object memory-backend-file` with share=on on a regular file and `-pidfile` (R24O-1's leads) remain
uncounted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, run_assessment
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on

MSG = (
    "raw QEMU arguments write what the guest sends straight to a host file, outside virtlogd "
    "(no size limit, no rollover): VM {vm}: -object {arg}"
)
NET = ("-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0")
DUMP = {
    "fd": "filter-dump,id=f0,netdev=n0,file=/var/log/fd.pcap",
    "fm": "filter-dump,id=f0,netdev=n0,file=/var/lib/fm.pcap,maxlen=128",
    "fj": '{"qom-type":"filter-dump","id":"f0","netdev":"n0","file":"/var/log/fj.pcap"}',
}


@pytest.mark.parametrize("vm", sorted(DUMP))
def test_r24f_1_filter_dump_bypasses_virtlogd(tmp_path: Path, vm: str) -> None:
    """R24F-1 (false pass) HVA-215: a NIC's traffic dumped to a host file (unbounded pcap)
    passed."""
    dom = _raw_cpu_domain(vm, "", *NET, "-object", DUMP[vm])
    a = run_assessment(_replayed_on(tmp_path, HARDENED_HOST, {vm: dom}))
    assert verdict(a, "HVA-215", "hv1") == ("fail", MSG.format(vm=vm, arg=DUMP[vm]))


def test_r24f_1_held_other_netfilter(tmp_path: Path) -> None:
    """Held: `-object filter-buffer` writes no host file: HVA-215 still passes."""
    dom = _raw_cpu_domain("fb", "", *NET, "-object", "filter-buffer,id=f0,netdev=n0,interval=1000")
    a = run_assessment(_replayed_on(tmp_path, HARDENED_HOST, {"fb": dom}))
    assert verdict(a, "HVA-215", "hv1")[0] == "pass"
