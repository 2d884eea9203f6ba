from conftest import HARDENED_HOST, messages, outcomes

UNITS = HARDENED_HOST["libvirt-units"]


def test_a(host_scan):
    a = host_scan({})
    print("base", outcomes(a, "HVA-213"), messages(a, "HVA-213"))
    a = host_scan({"libvirt-log-outputs-libvirtd": ("1:file:/var/log/libvirt/libvirtd.log\n", 0)})
    print("runtime", outcomes(a, "HVA-213"), messages(a, "HVA-213"))
    a = host_scan({"libvirt-log-outputs-libvirtd": ("", 1, "error: Failed to connect\n")})
    print("noanswer", outcomes(a, "HVA-213"), messages(a, "HVA-213"))
    procs = (
        str(HARDENED_HOST["processes"][0]).replace(
            "  700 root     /usr/sbin/libvirtd --timeout 120\n", ""
        ),
        0,
    )
    a = host_scan(
        {
            "processes": procs,
            "/etc/default/libvirtd": 'LIBVIRT_LOG_OUTPUTS="3:file:/var/log/libvirt/libvirtd.log"\n',
        }
    )
    print("envfile", outcomes(a, "HVA-213"), messages(a, "HVA-213"))
    dropin = (
        UNITS[0]
        + '\n# /etc/systemd/system/libvirtd.service.d/debug.conf\n[Service]\nEnvironment="LIBVIRT_LOG_OUTPUTS=1:file:/var/log/libvirt/debug.log"\n',
        1,
        UNITS[2],
    )
    a = host_scan({"processes": procs, "libvirt-units": dropin})
    print("dropin", outcomes(a, "HVA-213"), messages(a, "HVA-213"))
    a = host_scan({"processes": procs})
    print("idle", outcomes(a, "HVA-213"), messages(a, "HVA-213"))
