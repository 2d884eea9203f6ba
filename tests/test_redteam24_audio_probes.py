"""Twenty-fourth red-team review: guest audio written to a host file outside virtlogd (rt24audio).

Harness: host evidence from conftest's hardened Debian host (stdio_handler "logd" by default)
and domains replayed as a daemon with the QEMU driver reports them
(test_redteam10_vm_probes._replayed_on), through the real collector, parser and engine.

Findings (R24O-n):

- R24O-1 (false pass) HVA-215: the hardened host passed "QEMU's output goes through virtlogd"
  while a VM recorded what its guest plays to a host file with no size limit: libvirt's
  `<audio type='file' path=...>` (libvirt qemu_command.c qemuAudioDriverTypeToString: `case
  VIR_DOMAIN_AUDIO_TYPE_FILE: return "wav";`, read with `find_string`), raw `-audiodev
  wav,path=...` (or its JSON form: audio/audio.c audio_parse_option reads it with
  `qobject_input_visitor_new_str(opt, "driver", ...)`) and QEMU 7.1's `-audio wav` / `driver=wav` (qemu-options.hx: "-audiodev
  wav,id=id[,prop[=value][,...]]", "path= path of wav file to record", default qemu.wav).
  QEMU opens that file itself (audio/wavaudio.c wav_init_out: `wav->f = fopen(wav_path,
  "wb")`), so virtlogd's max_size never applies, as for R24M-2's `-chardev file`. Now a fail
  naming each VM and backend (Vm.audio_files from libvirt_xml._audio_files;
  qemu_args.raw_file_outputs for the raw options), reusing R24M-2's message.

Held (kept as tests): a VM whose audio backend writes no file (`<audio type='none'>`,
`-audiodev none`) still passes HVA-215; libvirt's own `<serial type='file'>` is not counted:
libvirt backs file chardevs with virtlogd when stdio_handler is "logd" (libvir-list "If use of
virtlogd is enabled, then use it for backing the character device log files too. This avoids
the possibility of a guest denial of service by writing too much data to the log file", the
source R24M-2 cites; qemu_domain.c/qemu_virtiofs.c open their log files with
virLogManagerDomainOpenLogFile `if (cfg->stdioLogD)`, read with `find_string`).

Probed by script, not kept: none.

Tally: 8 cases in 2 test functions; 5 failed before the fix (4 on main 0fed398, the JSON
`-audiodev` on 31ae653); the 3 held cases passed there too.

Leads left: other QEMU backends that write a guest-fed host file without virtlogd and are not
counted: `-object filter-dump,file=` (a NIC's traffic as pcap), `-object memory-backend-file`
with share=on on a regular file (guest RAM, bounded by its size), `-pidfile`; and libvirt's
own `<audio type='file'>` without path (QEMU's default qemu.wav in its working directory).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import HARDENED_HOST, run_assessment
from test_redteam3_vm_probes import verdict
from test_redteam10_vm_probes import _raw_cpu_domain, _replayed_on

PREFIX = "outside virtlogd (no size limit, no rollover): "
AUDIO = {
    "xa": (
        "<devices><sound model='ich9'><audio id='1'/></sound>"
        "<audio id='1' type='file' path='/var/lib/libvirt/qemu/xa.wav'/></devices>",
        (),
        "audio backends or raw QEMU arguments write what the guest sends straight to a host "
        f"file, {PREFIX}VM xa: <audio type='file' path='/var/lib/libvirt/qemu/xa.wav'>",
    ),
    "ad": (
        "",
        ("-audiodev", "wav,id=snd0,path=/var/log/ad.wav", "-device", "intel-hda"),
        "raw QEMU arguments write what the guest sends straight to a host file, "
        f"{PREFIX}VM ad: -audiodev wav,id=snd0,path=/var/log/ad.wav",
    ),
    "au": (
        "",
        ("-audio", "driver=wav,model=hda,path=/var/log/au.wav"),
        "raw QEMU arguments write what the guest sends straight to a host file, "
        f"{PREFIX}VM au: -audio driver=wav,model=hda,path=/var/log/au.wav",
    ),
    "aj": (
        "",
        ("-audiodev", '{"driver":"wav","id":"snd0","path":"/var/log/aj.wav"}'),
        "raw QEMU arguments write what the guest sends straight to a host file, "
        f'{PREFIX}VM aj: -audiodev {{"driver":"wav","id":"snd0","path":"/var/log/aj.wav"}}',
    ),
    "aw": (
        "",
        ("-audio", "wav,model=ac97"),
        "raw QEMU arguments write what the guest sends straight to a host file, "
        f"{PREFIX}VM aw: -audio wav,model=ac97",
    ),
}


@pytest.mark.parametrize("vm", sorted(AUDIO))
def test_r24o_1_audio_file_bypasses_virtlogd(tmp_path: Path, vm: str) -> None:
    """R24O-1 (false pass) HVA-215: guest audio recorded to a host file passed."""
    xml, args, msg = AUDIO[vm]
    a = run_assessment(_replayed_on(tmp_path, HARDENED_HOST, {vm: _raw_cpu_domain(vm, xml, *args)}))
    assert verdict(a, "HVA-215", "hv1") == ("fail", msg)


HELD = {
    "xn": ("<devices><audio id='1' type='none'/></devices>", ()),
    "an": ("", ("-audiodev", "none,id=snd0")),
    "xs": (
        "<devices><serial type='file'><source path='/var/log/libvirt/qemu/xs-serial.log'/>"
        "<target port='0'/></serial></devices>",
        (),
    ),
}


@pytest.mark.parametrize("vm", sorted(HELD))
def test_r24o_1_held_no_file_or_through_virtlogd(tmp_path: Path, vm: str) -> None:
    """Held: no audio file, or libvirt's own file chardev (backed by virtlogd): a pass."""
    xml, args = HELD[vm]
    a = run_assessment(_replayed_on(tmp_path, HARDENED_HOST, {vm: _raw_cpu_domain(vm, xml, *args)}))
    assert verdict(a, "HVA-215", "hv1")[0] == "pass"
