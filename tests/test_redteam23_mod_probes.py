"""Twenty-third red-team review, kernel module loading and sysctl values read by a regex (rt23mod).

Harness: conftest's `host_scan` (the hardened Debian host replayed through `ReplayRunner`, the
real collector, parser and engine), changed in one fact per probe: the sysctl-d probe's output
for one /etc/sysctl.d file, with kernel.modules_disabled 1 now and lockdown none (HVA-040), or
migration on 127.0.0.1 (HVA-036, route_localnet); the modprobe-d probe's output on
test_redteam2's AMD host with kvm_amd nested 0 in sysfs and a host-passthrough VM (HVA-049).

Findings (ID-n):
- R23D-1 (false pass) HVA-040: `_modules_disabled_at_boot` read sysctl.d's
  kernel.modules_disabled with `\\+?0*1`, so "kernel.modules_disabled = +1" counted as set again
  at every boot and passed ("no module can be loaded until the next boot, signed or not; ...
  sets it again at every boot"). systemd-sysctl writes the value as the file has it, and Linux
  kernel/sysctl.c proc_get_long (read with `find_string`) takes an optional '-' and then `if
  (!isdigit(*p)) return -EINVAL;`: the write fails, modules_disabled stays 0 after the next boot
  and unsigned modules load (sig_enforce off, lockdown none). "0x1", which the kernel reads as
  1 (`strtoul_lenient(p, &p, 0, val)`, base 0), was asked. The handler is proc_dointvec_minmax
  with `.extra1 = SYSCTL_ONE, .extra2 = SYSCTL_ONE` ("only handle a transition from default
  "0" to "1"", kern_table / kernel/module/kmod.c, read with `find_string`). Now the value is
  read by R23R-3's reader, moved to hvaudit.parse.host.sysctl_int and shared by HVA-062,
  HVA-040 and the route_localnet fact (whose own `[+-]?[0-9]+` copy read "+1" as 1 and asked
  "0x1"): +1 is R21S-3's question naming the refused value, 0x1 the pass.
- R23D-2 (false pass) HVA-049: `_nested_next_load` read modprobe.d's `options kvm_amd
  nested=` with `-?[0-9]+`, so `nested=0x1` or `nested=+1` counted as nesting off at the next
  load and a host-passthrough VM passed "the host's KVM has nested off". kvm_amd's nested is an
  int parameter (svm.c `module_param(nested, int, S_IRUGO)`, R17H-4), set by kernel/params.c
  param_set_int through kstrtoint(val, 0, ...): lib/kstrtox.c kstrtoull `if (s[0] == '+')
  s++;` and base 0 (_parse_integer_fixup_radix), read with `find_string`. Now read by
  hvaudit.parse.host.param_int (the same base-0 reader as sysctl_int, with kstrtoint's '+'):
  the fail R20H-4 gives nested=1.

Held (kept as tests): "01" (octal 1 for the kernel) keeps HVA-040's pass.

Probed by script, not kept: kernel.modules_disabled = 0 in sysctl.d (the kernel refuses 0 too,
minmax 1..1: R21S-3's question, as before, message now says the kernel refuses it).

Tally: 6 cases in 4 test functions; 3 failed on main 4c76f52 before R23D-1's fix (the +1
pass, the 0x1 question, the route_localnet 0x1 question; run with PYTHONPATH=/work/main/src),
the "01" pass passed before and after; both R23D-2 cases failed on main 0d041d5 before its fix
(pass "the host's KVM has nested off").

Leads left (not settled in the time):
- param_int reads an int above INT_MAX as nesting on; kstrtoint refuses it (-ERANGE) and the
  module's load fails. A wrong fail at worst, on a value nobody writes; not changed.
- Other modprobe.d / command-line int parameters read with a decimal regex were not surveyed
  (grep `-?[0-9]+` in hvaudit.parse.host against param_set_int / param_set_uint users).
- A sysctl.d value with trailing words ("1 2", "1 # note": systemd-sysctl keeps a '#' after the
  value in it) is read as unknown (None): proc_dointvec on a one-int table may accept the first
  number; the verdict is a question either way, not a pass.
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, domain_xml, messages, outcomes
from test_leads10 import _migration_on

PATH = "/etc/sysctl.d/90-lock.conf"


def _sysctl_d(body: str, path: str = PATH) -> tuple[str, int, str]:
    """The sysctl-d probe's output for one sysctl.d file (as test_redteam21_host2's)."""
    out = path + "\n" + "".join(f"{path}:{line}\n" for line in body.splitlines())
    return out, 1, HARDENED_HOST["sysctl-d"][2]


def _disabled_now(value: str) -> dict[str, object]:
    """kernel.modules_disabled 1 now, lockdown none, sysctl.d setting it to `value`."""
    return {
        "/sys/kernel/security/lockdown": "[none] integrity confidentiality\n",
        "/proc/sys/kernel/modules_disabled": "1\n",
        "sysctl-d": _sysctl_d(f"kernel.modules_disabled = {value}"),
    }


def test_modules_disabled_plus_one_is_refused_by_the_kernel(host_scan) -> None:
    """R23D-1 (false pass) HVA-040. Linux kernel/sysctl.c proc_get_long (read with
    `find_string`): `if (*p == '-' && *size > 1) { *neg = true; p++; } ... if (!isdigit(*p))
    return -EINVAL;`: systemd-sysctl's write of "+1" fails, modules_disabled stays 0 after the
    next boot. hvaudit matched `\\+?0*1` and passed "sets it again at every boot"."""
    a = host_scan(_disabled_now("+1"))
    assert outcomes(a, "HVA-040") == {"hv1": "manual"}, messages(a, "HVA-040")
    assert messages(a, "HVA-040") == {
        "hv1": "kernel.modules_disabled = 1: no module can be loaded until the next boot, but "
        f"{PATH} sets kernel.modules_disabled = +1, a value the kernel refuses (it takes only "
        "1); then unsigned modules can be loaded (sig_enforce off, lockdown none)"
    }


@pytest.mark.parametrize("value", ["0x1", "01"], ids=["hex", "octal"])
def test_modules_disabled_in_base_0_sets_it_again(host_scan, value) -> None:
    """R23D-1. The same proc_get_long reads `strtoul_lenient(p, &p, 0, val)`, base 0: "0x1"
    and "01" are 1, which proc_dointvec_minmax (`.extra1 = SYSCTL_ONE, .extra2 = SYSCTL_ONE`)
    takes. hvaudit asked on "0x1" (was R21S-3's question); "01" held."""
    a = host_scan(_disabled_now(value))
    assert outcomes(a, "HVA-040") == {"hv1": "pass"}, messages(a, "HVA-040")
    assert messages(a, "HVA-040") == {
        "hv1": "kernel.modules_disabled = 1: no module can be loaded until the next boot, signed "
        f"or not; kernel.modules_disabled = {value} ({PATH}) sets it again at every boot"
    }


def test_route_localnet_in_hex_routes_127_8_from_the_next_boot(host_scan) -> None:
    """R23D-1's class in the route_localnet fact (hvaudit.parse.host, R21S-2): it had its own
    `[+-]?[0-9]+` copy and asked on "0x1", which the kernel (proc_get_long, base 0; the
    route_localnet handler is devinet_conf_proc, proc_dointvec) reads as 1. Now the fail
    R21S-2 gives 1."""
    k8s = "/etc/sysctl.d/50-k8s.conf"
    body = "net.ipv4.conf.all.route_localnet = 0x1"
    # 127.0.0.2: libvirt refuses a migration_address of 127.0.0.1 (R25C-6); route_localnet
    # exposes all of 127/8
    a = host_scan({**_migration_on("127.0.0.2"), "sysctl-d": _sysctl_d(body, k8s)})
    assert outcomes(a, "HVA-036") == {"hv1": "fail"}, messages(a, "HVA-036")
    assert messages(a, "HVA-036") == {
        "hv1": "migration_address = 127.0.0.2: route_localnet = 1 on all from the next boot "
        f"({body}, {k8s}) opens 127/8 to the network"
    }


# --- R23D-2: kvm_amd's nested from modprobe.d, read as kstrtoint reads it -------------------------


@pytest.mark.parametrize("value", ["0x1", "+1"], ids=["hex", "plus"])
def test_kvm_amd_nested_in_modprobe_d_read_as_kstrtoint(host_scan, value) -> None:
    """R23D-2 (false pass) HVA-049. kvm_amd's nested is an int parameter (svm.c
    `module_param(nested, int, S_IRUGO)`), set by kernel/params.c param_set_int, kstrtoint(val,
    0, ...): lib/kstrtox.c kstrtoull `if (s[0] == '+') s++; return _kstrtoull(s, base, res);`
    and base 0 ("If it begins with 0x the number will be parsed as a hexadecimal"), read with
    `find_string`. hvaudit read modprobe.d's value with `-?[0-9]+` and passed "nested off"."""
    from test_redteam2_probes import AMD_NESTING_HOST

    conf = "/etc/modprobe.d/kvm.conf"
    base, rc, err = HARDENED_HOST["modprobe-d"]
    a = host_scan(
        {
            **AMD_NESTING_HOST,
            "/sys/module/kvm_amd/parameters/nested": "0\n",
            "modprobe-d": (base + f"{conf}:options kvm_amd nested={value}\n", rc, err),
        },
        domains=[domain_xml("pt", body="<cpu mode='host-passthrough'/>")],
    )
    assert outcomes(a, "HVA-049") == {"pt": "fail"}, messages(a, "HVA-049")
    assert messages(a, "HVA-049") == {
        "pt": "CPU mode host-passthrough passes the host's vmx/svm through when KVM nests; the "
        f"host's KVM has nested off now, but options kvm_amd nested={value} ({conf}) turns it "
        "on at the module's next load (every boot)"
    }
