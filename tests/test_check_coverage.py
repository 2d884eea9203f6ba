"""Every automatic check is shown to pass and to fail on real artefacts; every manual check asks.

The cases live in the table-driven tests (test_checks_host.CASES, test_checks_vm.EXPECT_ANY_HOST)
and in dedicated tests for checks that need a scenario of their own (listed in DEDICATED with the
test that proves each outcome). This test fails when a check is added without both cases.
"""

from __future__ import annotations

import test_checks_host
import test_checks_vm
from hvaudit.checks import all_checks

VCENTER = "test_vsphere.py::test_vcenter_scan_exact_vm_findings"

DEDICATED = {
    # /etc/vmware/settings: ESXi Shell only, one question per host (V17-1)
    (
        "HVA-444",
        "manual",
    ): "test_redteam17_vmw_probes.py::test_own_key_passes_ask_the_host_settings_file",
    ("HVA-054", "pass"): "test_checks_host.py::test_vm_taint_flags_of_the_last_start",
    ("HVA-054", "fail"): "test_checks_host.py::test_vm_taint_flags_of_the_last_start",
    (
        "HVA-051",
        "fail",
    ): "test_leads10.py::test_relaxed_acs_check_matters_only_for_legacy_kvm_assignment",
    ("HVA-031", "pass"): "test_checks_vm.py::test_console_exposure",
    ("HVA-031", "fail"): "test_checks_vm.py::test_console_exposure",
    ("HVA-044", "pass"): "test_checks_vm.py::test_static_labels_unconfined_or_shared_fail",
    ("HVA-044", "fail"): "test_checks_vm.py::test_static_labels_unconfined_or_shared_fail",
    ("HVA-046", "fail"): "test_checks_vm.py::test_raw_qemu_arguments_from_real_domain_xml",
    # Only a real daemon keeps the QEMU namespace; the test driver's XML is a manual item.
    ("HVA-046", "pass"): "test_e2e_libvirtd.py::test_vm_findings_are_exact",
    (
        "HVA-049",
        "pass",
    ): "test_checks_vm.py::test_nested_virtualization_follows_the_host_kvm_parameter",
    ("HVA-049", "fail"): "test_checks_vm.py::test_guest_features_from_the_domain_definition",
    ("HVA-056", "pass"): "test_checks_vm.py::test_guest_features_from_the_domain_definition",
    ("HVA-056", "fail"): "test_checks_vm.py::test_guest_features_from_the_domain_definition",
    ("HVA-057", "pass"): "test_checks_vm.py::test_guest_features_from_the_domain_definition",
    ("HVA-057", "fail"): "test_checks_vm.py::test_guest_features_from_the_domain_definition",
    ("HVA-058", "pass"): "test_checks_vm.py::test_guest_features_from_the_domain_definition",
    ("HVA-058", "fail"): "test_checks_vm.py::test_guest_features_from_the_domain_definition",
    ("HVA-059", "pass"): "test_checks_vm.py::test_guest_features_from_the_domain_definition",
    ("HVA-059", "fail"): "test_checks_vm.py::test_guest_features_from_the_domain_definition",
    ("HVA-064", "pass"): "test_checks_vm.py::test_guest_features_from_the_domain_definition",
    ("HVA-064", "fail"): "test_checks_vm.py::test_guest_features_from_the_domain_definition",
    ("HVA-065", "pass"): "test_checks_vm.py::test_guest_features_from_the_domain_definition",
    ("HVA-065", "fail"): "test_checks_vm.py::test_guest_features_from_the_domain_definition",
    ("HVA-066", "pass"): "test_vm_parity.py::test_vmx_vm_checks",
    ("HVA-066", "fail"): "test_checks_vm.py::test_guest_features_from_the_domain_definition",
    ("HVA-067", "manual"): "test_checks_vm.py::test_guest_features_from_the_domain_definition",
    ("HVA-197", "manual"): "test_checks_vm.py::test_isolated_ports_on_host_bridges",
    # The simulated host's cores are the test driver's: judged on the replayed real host only.
    (
        "HVA-080",
        "pass",
    ): "test_checks_vm.py::test_vcpus_below_cores_are_judged_on_an_observed_host_only",
    (
        "HVA-080",
        "fail",
    ): "test_checks_vm.py::test_vcpus_below_cores_are_judged_on_an_observed_host_only",
    # test-driver XML names no machine type: the pass names pc-q35 as a real daemon writes it
    ("HVA-047", "pass"): "test_checks_vm.py::test_legacy_models_fail",
    ("HVA-090", "pass"): "test_checks_vm.py::test_cpu_reservation_must_be_exclusive",
    ("HVA-090", "fail"): "test_checks_vm.py::test_cpu_reservation_must_be_exclusive",
    ("HVA-050", "pass"): "test_checks_vm.py::test_passthrough_needs_an_iommu",
    ("HVA-050", "fail"): "test_checks_vm.py::test_passthrough_needs_an_iommu",
    (
        "HVA-060",
        "pass",
    ): "test_checks_host.py::test_overcommit_ratio_uses_running_and_autostart_vms",
    (
        "HVA-060",
        "fail",
    ): "test_checks_host.py::test_overcommit_ratio_uses_running_and_autostart_vms",
    ("HVA-081", "pass"): "test_checks_host.py::test_vcpu_allocation_against_cores",
    ("HVA-081", "fail"): "test_checks_host.py::test_vcpu_allocation_against_cores",
    # network disks (VL19-1): the replayed host's test-driver domains
    (
        "HVA-238",
        "pass",
    ): "test_vm_leads19.py::test_network_disk_without_tls_or_authentication_fails",
    (
        "HVA-238",
        "fail",
    ): "test_vm_leads19.py::test_network_disk_without_tls_or_authentication_fails",
    # console clipboard and file channels (CL21-1): replayed libvirt domains
    ("HVA-239", "pass"): "test_clipboard_check.py::test_libvirt_clipboard_and_file_channels",
    ("HVA-239", "fail"): "test_clipboard_check.py::test_libvirt_clipboard_and_file_channels",
    ("HVA-100", "pass"): "test_cli.py::test_demo_findings_are_exact",
    ("HVA-100", "fail"): "test_cli.py::test_demo_findings_are_exact",
    ("HVA-133", "pass"): "test_checks_vm.py::test_secrets_must_be_private",
    ("HVA-133", "fail"): "test_checks_vm.py::test_secrets_must_be_private",
    ("HVA-191", "pass"): "test_checks_vm.py::test_anti_spoofing_follows_filter_references",
    ("HVA-191", "fail"): "test_checks_vm.py::test_anti_spoofing_follows_filter_references",
    (
        "HVA-301",
        "pass",
    ): "test_proxmox_checks.py::test_cluster_firewall_on_a_live_node_by_its_daemon",
    ("HVA-301", "fail"): "test_proxmox.py::test_firewall_off_untagged_vlan_and_open_ui",
    ("HVA-302", "pass"): "test_proxmox.py::test_fixture_node_outcomes",
    ("HVA-302", "fail"): "test_proxmox.py::test_firewall_off_untagged_vlan_and_open_ui",
    ("HVA-303", "pass"): "test_proxmox.py::test_fixture_node_outcomes",
    ("HVA-303", "fail"): "test_proxmox.py::test_fixture_node_outcomes",
    ("HVA-305", "pass"): "test_proxmox.py::test_fixture_node_outcomes",
    ("HVA-305", "fail"): "test_proxmox.py::test_firewall_off_untagged_vlan_and_open_ui",
    ("HVA-306", "pass"): "test_proxmox.py::test_tfa_acl_granularity_and_corosync_variants",
    ("HVA-306", "fail"): "test_proxmox.py::test_fixture_node_outcomes",
    ("HVA-307", "pass"): "test_proxmox.py::test_fixture_node_outcomes",
    ("HVA-307", "fail"): "test_proxmox.py::test_tfa_acl_granularity_and_corosync_variants",
    ("HVA-308", "pass"): "test_proxmox.py::test_fixture_node_outcomes",
    ("HVA-308", "fail"): "test_proxmox.py::test_firewall_off_untagged_vlan_and_open_ui",
    ("HVA-309", "pass"): "test_proxmox.py::test_fixture_node_outcomes",
    ("HVA-309", "fail"): "test_proxmox.py::test_tfa_acl_granularity_and_corosync_variants",
    ("HVA-310", "manual"): "test_proxmox.py::test_fixture_node_outcomes",
    ("HVA-311", "pass"): "test_proxmox_checks.py::test_hardened_node_has_no_failure",
    ("HVA-311", "fail"): "test_proxmox_checks.py::test_api_token_without_privilege_separation",
    ("HVA-312", "pass"): "test_proxmox_checks.py::test_hardened_node_has_no_failure",
    (
        "HVA-312",
        "fail",
    ): "test_proxmox_checks.py::test_realms_directory_versus_local_administrators",
    ("HVA-313", "pass"): "test_proxmox_checks.py::test_hardened_node_has_no_failure",
    ("HVA-313", "fail"): "test_proxmox_checks.py::test_management_ipset",
    ("HVA-314", "pass"): "test_proxmox_checks.py::test_hardened_node_has_no_failure",
    (
        "HVA-314",
        "fail",
    ): "test_proxmox_checks.py::test_privileged_and_unconfined_containers_are_found",
    ("HVA-401", "pass"): "test_vmx.py::test_fixture_vms_exact_outcomes",
    ("HVA-401", "fail"): "test_vmx.py::test_fixture_vms_exact_outcomes",
    ("HVA-402", "pass"): "test_vmx.py::test_fixture_vms_exact_outcomes",
    ("HVA-402", "fail"): "test_vmx.py::test_fixture_vms_exact_outcomes",
    ("HVA-403", "pass"): "test_vmx.py::test_fixture_vms_exact_outcomes",
    ("HVA-403", "fail"): "test_vmx.py::test_fixture_vms_exact_outcomes",
    ("HVA-404", "pass"): "test_vmx.py::test_fixture_vms_exact_outcomes",
    ("HVA-404", "fail"): "test_vmx.py::test_fixture_vms_exact_outcomes",
    ("HVA-405", "pass"): "test_vmx.py::test_fixture_vms_exact_outcomes",
    ("HVA-405", "fail"): "test_vmx.py::test_fixture_vms_exact_outcomes",
    ("HVA-410", "pass"): "test_vsphere.py::test_vcenter_scan_exact_vm_findings",
    ("HVA-410", "fail"): "test_vsphere.py::test_vcenter_scan_exact_vm_findings",
    ("HVA-411", "pass"): "test_vsphere.py::test_vcenter_scan_exact_vm_findings",
    ("HVA-411", "fail"): "test_vsphere.py::test_vcenter_scan_exact_vm_findings",
    # the vSphere API does not say whether the firewall is enabled: its pass is a question (V17-2)
    ("HVA-412", "manual"): "test_vsphere.py::test_vcenter_scan_exact_vm_findings",
    ("HVA-412", "fail"): "test_vsphere.py::test_vcenter_scan_exact_vm_findings",
    ("HVA-413", "pass"): "test_vsphere.py::test_vcenter_scan_exact_vm_findings",
    ("HVA-413", "fail"): "test_vsphere.py::test_vcenter_scan_exact_vm_findings",
    ("HVA-414", "pass"): "test_vsphere.py::test_vcenter_scan_exact_vm_findings",
    ("HVA-414", "fail"): "test_vsphere.py::test_vcenter_scan_exact_vm_findings",
    ("HVA-415", "pass"): "test_vsphere.py::test_vcenter_scan_exact_vm_findings",
    ("HVA-415", "fail"): "test_vsphere.py::test_vcenter_scan_exact_vm_findings",
    ("HVA-416", "pass"): "test_vsphere.py::test_hardened_standalone_esxi_has_no_failure",
    ("HVA-416", "fail"): "test_vsphere.py::test_vcenter_scan_exact_vm_findings",
    # vSphere host, switch and VM items (issue 10)
    **{
        (f"HVA-{n}", status): VCENTER
        for n in (*range(417, 425), 426, 427, 430, 431, 432, 433, 434, 440, 443)
        for status in ("pass", "fail")
    },
    **{(f"HVA-{n}", "manual"): VCENTER for n in (435, 437, 438, 439, 442, 480)},
    ("HVA-442", "pass"): VCENTER,
    ("HVA-441", "pass"): VCENTER,
    ("HVA-441", "fail"): VCENTER,
    **{
        (f"HVA-{n}", status): "test_vsphere.py::test_host_items_the_simulator_cannot_answer"
        for n in (425, 428, 429, 436)
        for status in ("pass", "fail")
    },
}

# A platform limitation neither passes nor fails: no configuration of the platform meets the
# recommendation, so it is a manual item asking for the compensating controls.
PLATFORM_LIMITATION = {"HVA-310", "HVA-412"}


def proven() -> set[tuple[str, str]]:
    pairs = {(cid, status) for cid, _, status, _ in test_checks_host.CASES}
    for cid, per_vm in test_checks_vm.EXPECT_ANY_HOST.items():
        pairs |= {(cid, status) for status in per_vm.values()}
    return pairs | set(DEDICATED)


def test_every_automatic_check_has_a_pass_and_a_fail_case() -> None:
    pairs = proven()
    missing = [
        (c.meta.id, status)
        for c in all_checks()
        if c.meta.automation == "automatic"
        for status in ("pass", "fail")
        if (c.meta.id, status) not in pairs and c.meta.id not in PLATFORM_LIMITATION
    ]
    assert missing == []
    assert all((cid, "manual") in pairs for cid in PLATFORM_LIMITATION)


def test_every_manual_check_is_shown_asking() -> None:
    pairs = proven()
    manual = [c.meta.id for c in all_checks() if c.meta.automation == "manual"]
    assert manual and all((cid, "manual") in pairs for cid in manual)
