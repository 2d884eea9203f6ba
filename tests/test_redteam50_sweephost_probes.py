"""R50 sweep: the admin-path stat probes recorded absent (R49S's lead, the team's decision of
rounds 46 and 50: a probe the collector asked for and recorded absent is unread).

Harness: the conftest host_scan replay (HARDENED_HOST) over libvirt's test driver, assessed by
the real engine; an override of None records the probe absent ("command not found"), as the
collector's runners do for a missing executable (collect/runner.py SshRunner.run: exit 127).

Findings:
- R50S-1 (false pass) HVA-142: kube-admin-configs (`stat -L -c '%a %U %G %n'` of the
  Kubernetes admin kubeconfigs) recorded absent was read by parse.host._admins like an older
  bundle's silence: no kubeconfig, nothing asked, and HVA-142 passed on the sudoers and group
  members alone, though a kubeconfig readable by a group is cluster-admin (R29A-6, R30A-1).
  Now unavailable, naming the stat to run. The replay host (conftest HARDENED_HOST) now
  answers the probe as stat does where no kubeconfig exists (exit 1, "No such file").

Held:
- the same host with every stat answering passes HVA-142 (the fix asks only for the absent).

Probed by script: none.

Tally: 1 finding (1 false pass); 2 cases; 1 failed on main before the fix.

Leads left: the same _admins loop reads libvirt-sockets and container-sockets recorded absent
as no socket (a group-writable socket is root, R23A-2); conftest's HARDENED_HOST has no
container-sockets artefact, so extending the rule needs the fixture and many tests (team decision).
_k3s_kubeconfig_next and _kube_* readers themselves still treat an absent stat as no
kubeconfig; they are reached only after _admins now, but a reader outside _admins was not swept.
"""

from __future__ import annotations

from conftest import messages, outcomes
from hvaudit.collect.host import CONTAINER_SOCKETS

CONTAINER_MISSING = (
    "",
    1,
    "".join(f"stat: cannot statx '{p}': No such file or directory\n" for p in CONTAINER_SOCKETS),
)

KUBE_RUN = "stat -L -c '%a %U %G %n'"


def test_kube_admin_configs_stat_absent_is_asked(host_scan) -> None:
    """R50S-1 (false pass) HVA-142: the kubeconfigs' stat recorded absent (command not found)
    is unread, never no kubeconfig: the question names the stat to run."""
    a = host_scan({"kube-admin-configs": None, "container-sockets": CONTAINER_MISSING})
    assert outcomes(a, "HVA-142") == {"hv1": "manual"}
    assert messages(a, "HVA-142") == {
        "hv1": "evidence unavailable: the Kubernetes admin kubeconfigs were not stat'ed (command "
        "not found): the groups that may read them are unknown; "
        f"`{KUBE_RUN}` on each of them answers"
    }


def test_admin_path_stat_answered_holds(host_scan) -> None:
    """Held: every stat answering (no kubeconfig, no container socket), HVA-142 still passes
    on the hardened host."""
    a = host_scan({"container-sockets": CONTAINER_MISSING})
    assert outcomes(a, "HVA-142") == {"hv1": "pass"}
