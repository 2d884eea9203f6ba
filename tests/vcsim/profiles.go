// Host and VM states the simulator cannot be given through the API (it has no date-time,
// service, authentication, image or vmknic configuration calls): a hardened and a weak ESXi
// host, and a VM's encryption, vMotion encryption and snapshots, set on its objects directly.
package main

import (
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// imageConfig answers HostImageConfigGetAcceptance (the VIB acceptance level) and
// fetchSoftwarePackages (the installed VIBs, each at the host's level) for one host.
type imageConfig struct {
	mo.HostImageConfigManager
	level string
}

func (m *imageConfig) HostImageConfigGetAcceptance(req *types.HostImageConfigGetAcceptance) soap.HasFault {
	return &methods.HostImageConfigGetAcceptanceBody{
		Res: &types.HostImageConfigGetAcceptanceResponse{Returnval: m.level},
	}
}

func (m *imageConfig) FetchSoftwarePackages(req *types.FetchSoftwarePackages) soap.HasFault {
	packages := []types.SoftwarePackage{}
	for _, p := range [][2]string{{"esx-base", "vmware_certified"}, {"nic-driver", m.level}} {
		packages = append(packages, types.SoftwarePackage{
			Name: p[0], Version: "8.0.3-0.0.24022510", Type: "bootbank", Vendor: "VMW",
			AcceptanceLevel: p[1], Summary: p[0], Description: p[0],
		})
	}
	return &methods.FetchSoftwarePackagesBody{
		Res: &types.FetchSoftwarePackagesResponse{Returnval: packages},
	}
}

func security(promiscuous, mac, forged bool) *types.HostNetworkSecurityPolicy {
	return &types.HostNetworkSecurityPolicy{
		AllowPromiscuous: types.NewBool(promiscuous),
		MacChanges:       types.NewBool(mac),
		ForgedTransmits:  types.NewBool(forged),
	}
}

// service sets (or adds) a service's state on a host-owned copy of the service list.
func service(h *simulator.HostSystem, key string, running bool, policy string) {
	services := append([]types.HostService(nil), h.Config.Service.Service...)
	for i := range services {
		if services[i].Key == key {
			services[i].Running, services[i].Policy = running, policy
			h.Config.Service = &types.HostServiceInfo{Service: services}
			return
		}
	}
	services = append(services, types.HostService{Key: key, Label: key, Running: running, Policy: policy})
	h.Config.Service = &types.HostServiceInfo{Service: services}
}

func vnic(device, portgroup, ip string) types.HostVirtualNic {
	return types.HostVirtualNic{
		Device:    device,
		Key:       "key-vim.host.VirtualNic-" + device,
		Portgroup: portgroup,
		Spec: types.HostVirtualNicSpec{
			Ip:        &types.HostIpConfig{IpAddress: ip, SubnetMask: "255.255.255.0"},
			Portgroup: portgroup,
			Mtu:       1500,
		},
	}
}

func portgroup(name, vswitch string, vlan int32, policy *types.HostNetworkSecurityPolicy, effective *types.HostNetworkSecurityPolicy) types.HostPortGroup {
	return types.HostPortGroup{
		Key:            "key-vim.host.PortGroup-" + name,
		Vswitch:        "key-vim.host.VirtualSwitch-" + vswitch,
		ComputedPolicy: types.HostNetworkPolicy{Security: effective},
		Spec: types.HostPortGroupSpec{
			Name: name, VlanId: vlan, VswitchName: vswitch,
			Policy: types.HostNetworkPolicy{Security: policy},
		},
	}
}

func vswitch(name string, policy *types.HostNetworkSecurityPolicy, nics ...string) types.HostVirtualSwitch {
	keys := make([]string, len(nics))
	for i, n := range nics {
		keys[i] = "key-vim.host.PhysicalNic-" + n
	}
	return types.HostVirtualSwitch{
		Name: name, Key: "key-vim.host.VirtualSwitch-" + name, NumPorts: 128, Mtu: 1500, Pnic: keys,
		Spec: types.HostVirtualSwitchSpec{
			NumPorts: 128,
			Bridge:   &types.HostVirtualSwitchBondBridge{NicDevice: nics},
			// as ESXi reports a vSwitch: its NicOrderPolicy "is never null when retrieved from
			// the server" (vSphere Web Services API HostNicOrderPolicy); every uplink active
			Policy: &types.HostNetworkPolicy{Security: policy, NicTeaming: &types.HostNicTeamingPolicy{
				Policy: "loadbalance_srcid", NicOrder: &types.HostNicOrderPolicy{ActiveNic: nics},
			}},
		},
	}
}

// layout replaces the host's switches, port groups, vmknics and their traffic types.
// "VM Network" keeps its place (the VMs use it) and its VLAN and policy from -portgroup, and
// inherits the new vSwitch0's teaming order.
func layout(h *simulator.HostSystem, switches []types.HostVirtualSwitch, groups []types.HostPortGroup,
	nics []types.HostVirtualNic, traffic map[string][]string) {
	network := *h.Config.Network
	keep := []types.HostPortGroup{}
	for _, pg := range network.Portgroup {
		if pg.Spec.Name == "VM Network" {
			// the simulator computed its teaming order (vmnic0 only) for the one-uplink
			// vSwitch0 replaced here; the port group sets none itself, so it inherits the new
			// switch's (computedPolicy without nicTeaming: the collector reads the switch's)
			pg.ComputedPolicy.NicTeaming = nil
			keep = append(keep, pg)
		}
	}
	network.Vswitch = switches
	network.Portgroup = append(keep, groups...)
	network.Vnic = nics
	h.Config.Network = &network
	configs := []types.VirtualNicManagerNetConfig{}
	for _, kind := range []string{"management", "vmotion", "faultToleranceLogging", "vsan", "vSphereReplication", "vSphereProvisioning"} {
		selected := []string{}
		for _, device := range traffic[kind] {
			selected = append(selected, kind+".key-vim.host.VirtualNic-"+device)
		}
		configs = append(configs, types.VirtualNicManagerNetConfig{NicType: kind, MultiSelectAllowed: true, SelectedVnic: selected})
	}
	h.Config.VirtualNicManagerInfo = &types.HostVirtualNicManagerInfo{NetConfig: configs}
}

func imageLevel(h *simulator.HostSystem, level string) {
	m := &imageConfig{level: level}
	m.Self = types.ManagedObjectReference{Type: "HostImageConfigManager", Value: "image-config-" + h.Self.Value}
	simulator.Map.Put(m)
	ref := m.Self
	h.ConfigManager.ImageConfigManager = &ref
}

// hardened: NTP servers and ntpd on, SLP/CIM/SNMP off, joined to Active Directory, a TPM 2.0
// whose attestation vCenter accepted, every switch and port group rejecting promiscuous mode, MAC
// changes and forged transmits, two uplinks per switch, management alone on VLAN 10, vMotion on its
// own vmknic on VLAN 30, an unused port group (VLAN 40), DirectPath I/O active on one device, VIBs
// at PartnerSupported, on a physical server.
func hardened(h *simulator.HostSystem) {
	h.Config.DateTimeInfo = &types.HostDateTimeInfo{
		TimeZone:  types.HostDateTimeSystemTimeZone{Key: "UTC", Name: "UTC"},
		NtpConfig: &types.HostNtpConfig{Server: []string{"ntp1.example.org", "ntp2.example.org"}},
	}
	service(h, "ntpd", true, "on")
	// beside the TLS log host the hardened options set: "Configure the firewall to permit
	// outbound syslog transmissions" (vSphere 8.0 ESXCLI Concepts and Examples), the syslog
	// ruleset enabled (hvaudit V15-3); beside ntpd, its ntpClient ruleset (V15-4)
	if h.Config.Firewall != nil {
		fw := *h.Config.Firewall
		fw.Ruleset = append([]types.HostFirewallRuleset(nil), fw.Ruleset...)
		for i := range fw.Ruleset {
			if fw.Ruleset[i].Key == "syslog" || fw.Ruleset[i].Key == "ntpClient" {
				fw.Ruleset[i].Enabled = true
			}
		}
		h.Config.Firewall = &fw
	}
	service(h, "slpd", false, "off")
	service(h, "sfcbd-watchdog", false, "off")
	service(h, "snmpd", false, "off")
	ad := &types.HostActiveDirectoryInfo{JoinedDomain: "corp.example.org", DomainMembershipStatus: "ok"}
	ad.Enabled = true
	auth := *h.Config.AuthenticationManagerInfo
	auth.AuthConfig = append(append([]types.BaseHostAuthenticationStoreInfo(nil), auth.AuthConfig...), ad)
	h.Config.AuthenticationManagerInfo = &auth
	h.Capability = &types.HostCapability{TpmSupported: types.NewBool(true), TpmVersion: "2.0"}
	h.Summary.TpmAttestation = &types.HostTpmAttestationInfo{Time: time.Now(), Status: "accepted"}
	closed := security(false, false, false)
	layout(h,
		[]types.HostVirtualSwitch{
			vswitch("vSwitch0", closed, "vmnic0", "vmnic1"),
			vswitch("vSwitch1", closed, "vmnic2", "vmnic3"),
		},
		[]types.HostPortGroup{
			portgroup("Management Network", "vSwitch0", 10, &types.HostNetworkSecurityPolicy{}, closed),
			portgroup("vMotion", "vSwitch1", 30, &types.HostNetworkSecurityPolicy{}, closed),
			portgroup("Backup Network", "vSwitch0", 40, &types.HostNetworkSecurityPolicy{}, closed),
		},
		[]types.HostVirtualNic{vnic("vmk0", "Management Network", "10.0.10.11"), vnic("vmk1", "vMotion", "10.0.30.11")},
		map[string][]string{"management": {"vmk0"}, "vmotion": {"vmk1"}},
	)
	h.Config.PciPassthruInfo = []types.BaseHostPciPassthruInfo{&types.HostPciPassthruInfo{
		Id: "0000:3b:00.0", PassthruEnabled: true, PassthruCapable: true, PassthruActive: true,
	}}
	imageLevel(h, "partner")
	// a server, not the simulator's captured "VMware, Inc." / "VMware Virtual Platform" (a
	// nested ESXi, HVA-436 L18-5); the weak host keeps the capture
	h.Hardware.SystemInfo.Vendor = "Dell Inc."
	h.Hardware.SystemInfo.Model = "PowerEdge R750"
	// and its CPU reports no hypervisor beneath: CPUID leaf 1 ECX bit 31 clear (the capture's
	// "1001:..." is a nested ESXi's, HVA-436 L19-1V); a copy, the slice is the simulator's own
	features := append([]types.HostCpuIdInfo(nil), h.Hardware.CpuFeature...)
	for i := range features {
		if features[i].Level == 1 {
			features[i].Ecx = "0" + features[i].Ecx[1:]
		}
	}
	h.Hardware.CpuFeature = features
}

// weak: no NTP server and ntpd stopped, SLP/CIM/SNMP running, no directory, no TPM, a vSwitch
// that accepts all three (inherited by the management port group), an unused port group in
// promiscuous mode on VLAN 4095, management and vMotion on one vmknic, one uplink, VIBs at
// CommunitySupported.
func weak(h *simulator.HostSystem) {
	h.Config.DateTimeInfo = &types.HostDateTimeInfo{TimeZone: types.HostDateTimeSystemTimeZone{Key: "UTC", Name: "UTC"}}
	service(h, "ntpd", false, "off")
	service(h, "slpd", true, "on")
	service(h, "sfcbd-watchdog", true, "on")
	service(h, "snmpd", true, "on")
	h.Capability = &types.HostCapability{TpmSupported: types.NewBool(false)}
	open := security(true, true, true)
	layout(h,
		[]types.HostVirtualSwitch{vswitch("vSwitch0", open, "vmnic0")},
		[]types.HostPortGroup{
			portgroup("Management Network", "vSwitch0", 0, &types.HostNetworkSecurityPolicy{}, open),
			portgroup("Sniffer", "vSwitch0", 4095, security(true, false, false), security(true, false, false)),
		},
		[]types.HostVirtualNic{vnic("vmk0", "Management Network", "10.0.0.12")},
		map[string][]string{"management": {"vmk0"}, "vmotion": {"vmk0"}},
	)
	imageLevel(h, "community")
}

// vmState: "secure" = encrypted (VM Home and every disk), vMotion encryption required, one
// snapshot an hour old;
// "weak" = vMotion encryption disabled, three snapshots 30 days old.
func vmState(vm *simulator.VirtualMachine, state string) {
	now := time.Now().UTC()
	tree := func(name string, age time.Duration) types.VirtualMachineSnapshotTree {
		return types.VirtualMachineSnapshotTree{
			Snapshot: types.ManagedObjectReference{Type: "VirtualMachineSnapshot", Value: vm.Self.Value + "-" + name},
			Vm:       vm.Self, Name: name, CreateTime: now.Add(-age), State: types.VirtualMachinePowerStatePoweredOff,
		}
	}
	switch state {
	case "secure":
		vm.Config.MigrateEncryption = "required"
		vm.Config.KeyId = &types.CryptoKeyId{KeyId: "8f1c-key", ProviderId: &types.KeyProviderId{Id: "kms-cluster"}}
		for _, d := range vm.Config.Hardware.Device {
			if disk, ok := d.(*types.VirtualDisk); ok {
				if b, ok := disk.Backing.(*types.VirtualDiskFlatVer2BackingInfo); ok {
					b.KeyId = vm.Config.KeyId
				}
			}
		}
		vm.Snapshot = &types.VirtualMachineSnapshotInfo{RootSnapshotList: []types.VirtualMachineSnapshotTree{tree("pre-patch", time.Hour)}}
	case "weak":
		vm.Config.MigrateEncryption = "disabled"
		old := tree("before-upgrade", 30*24*time.Hour)
		mid := tree("upgrade-2", 29*24*time.Hour)
		mid.ChildSnapshotList = []types.VirtualMachineSnapshotTree{tree("upgrade-3", 28*24*time.Hour)}
		old.ChildSnapshotList = []types.VirtualMachineSnapshotTree{mid}
		vm.Snapshot = &types.VirtualMachineSnapshotInfo{RootSnapshotList: []types.VirtualMachineSnapshotTree{old}}
	}
}
