// vcsim-hvaudit: govmomi's vCenter/ESXi simulator on loopback, for hvaudit's tests and benchmark.
//
// Built offline from Debian's golang-github-vmware-govmomi-dev in GOPATH mode (scripts/build-vcsim).
// Prints one JSON line {"url": ..., "cert": ...} when it listens, then serves until stdin closes
// or it is signalled; the certificate (PEM) is written to -cert so clients can verify it.
package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io/ioutil"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// uplinkMarker lists each distributed switch's uplink port group in its config.uplinkPortgroup,
// as vCenter does: the simulator creates "<switch>-DVUplinks-<n>" (trunking VLANs 0-4094) but
// leaves that list empty, so its uplinks looked like a VM port group trunking every VLAN.
type uplinkMarker struct{}

func (uplinkMarker) Reference() types.ManagedObjectReference {
	return types.ManagedObjectReference{Type: "HvauditUplinkMarker", Value: "uplink-marker"}
}

func (uplinkMarker) PutObject(item mo.Reference) { markUplink(item) }

func (uplinkMarker) UpdateObject(mo.Reference, []types.PropertyChange) {}

func (uplinkMarker) RemoveObject(types.ManagedObjectReference) {}

func markUplink(item mo.Reference) {
	pg, ok := item.(*simulator.DistributedVirtualPortgroup)
	if !ok || !strings.Contains(pg.Name, "-DVUplinks") {
		return
	}
	for _, kind := range []string{"VmwareDistributedVirtualSwitch", "DistributedVirtualSwitch"} {
		for _, e := range simulator.Map.All(kind) {
			dvs, ok := e.(*simulator.DistributedVirtualSwitch)
			if !ok || dvs.Config == nil || !strings.HasPrefix(pg.Name, dvs.Name+"-DVUplinks") {
				continue
			}
			info := dvs.Config.GetDVSConfigInfo()
			info.UplinkPortgroup = append(info.UplinkPortgroup, pg.Self)
		}
	}
}

// policies collects -portgroup HOST/NAME=VLAN:PROMISCUOUS:MACCHANGES:FORGED rules.
type policies []string

func (p *policies) String() string     { return strings.Join(*p, ",") }
func (p *policies) Set(v string) error { *p = append(*p, v); return nil }

// applyPolicies sets the VLAN and security policy of existing port groups: the simulator cannot
// update a port group through the API, and a second one of the same name on another host
// collides in its global network folder.
func applyPolicies(rules policies) error {
	for _, rule := range rules {
		target, spec, ok := strings.Cut(rule, "=")
		host, name, ok2 := strings.Cut(target, "/")
		parts := strings.Split(spec, ":")
		if !ok || !ok2 || len(parts) != 4 {
			return fmt.Errorf("bad -portgroup %q: want HOST/NAME=VLAN:PROMISC:MAC:FORGED", rule)
		}
		vlan, err := strconv.Atoi(parts[0])
		if err != nil {
			return err
		}
		flags := make([]bool, 3)
		for i, v := range parts[1:] {
			flags[i] = v == "true"
		}
		found := false
		for _, e := range simulator.Map.All("HostSystem") {
			h := e.(*simulator.HostSystem)
			if h.Name != host {
				continue
			}
			for i := range h.Config.Network.Portgroup {
				pg := &h.Config.Network.Portgroup[i]
				if pg.Spec.Name == name {
					pg.Spec.VlanId = int32(vlan)
					policy := &types.HostNetworkSecurityPolicy{
						AllowPromiscuous: &flags[0], MacChanges: &flags[1], ForgedTransmits: &flags[2],
					}
					// ESXi reports the effective policy as computedPolicy: keep both in step
					pg.Spec.Policy.Security = policy
					pg.ComputedPolicy.Security = policy
					found = true
				}
			}
		}
		if !found {
			return fmt.Errorf("-portgroup %q: no such host/port group", rule)
		}
	}
	return nil
}

// applyTeaming gives existing port groups their own teaming order (-teaming
// HOST/NAME=ACTIVE[,ACTIVE...]:STANDBY[,STANDBY...]): HostPortGroupSpec.policy.nicTeaming.nicOrder,
// and the same in computedPolicy, where ESXi reports the order the port group's traffic uses.
func applyTeaming(rules policies) error {
	for _, rule := range rules {
		target, spec, ok := strings.Cut(rule, "=")
		host, name, ok2 := strings.Cut(target, "/")
		active, standby, ok3 := strings.Cut(spec, ":")
		if !ok || !ok2 || !ok3 {
			return fmt.Errorf("bad -teaming %q: want HOST/NAME=ACTIVE,...:STANDBY,...", rule)
		}
		list := func(v string) []string {
			if v == "" {
				return nil
			}
			return strings.Split(v, ",")
		}
		found := false
		for _, e := range simulator.Map.All("HostSystem") {
			h := e.(*simulator.HostSystem)
			if h.Name != host {
				continue
			}
			for i := range h.Config.Network.Portgroup {
				pg := &h.Config.Network.Portgroup[i]
				if pg.Spec.Name == name {
					teaming := &types.HostNicTeamingPolicy{
						Policy:   "failover_explicit",
						NicOrder: &types.HostNicOrderPolicy{ActiveNic: list(active), StandbyNic: list(standby)},
					}
					pg.Spec.Policy.NicTeaming = teaming
					pg.ComputedPolicy.NicTeaming = teaming
					found = true
				}
			}
		}
		if !found {
			return fmt.Errorf("-teaming %q: no such host/port group", rule)
		}
	}
	return nil
}

func main() {
	esx := flag.Bool("esx", false, "simulate a standalone ESXi host instead of a vCenter")
	hosts := flag.Int("hosts", 1, "standalone hosts per datacenter (vCenter)")
	clusterHosts := flag.Int("cluster-hosts", 2, "hosts per cluster (vCenter)")
	clusters := flag.Int("clusters", 1, "clusters per datacenter (vCenter)")
	vms := flag.Int("vms", 2, "VMs per host and per cluster")
	portgroups := flag.Int("portgroups", 1, "distributed port groups (vCenter)")
	user := flag.String("user", "hvaudit-ro", "the one user name accepted")
	pass := flag.String("pass", "", "its password (required)")
	certOut := flag.String("cert", "", "write the server certificate (PEM) here")
	var rules, lockdown, ssh, restricted, delays, hardenedHosts, weakHosts, vmStates, teaming policies
	flag.Var(&rules, "portgroup", "HOST/NAME=VLAN:PROMISC:MAC:FORGED (repeatable)")
	flag.Var(&teaming, "teaming", "HOST/NAME=ACTIVE,...:STANDBY,... a port group's own teaming order (repeatable)")
	flag.Var(&lockdown, "lockdown", "put HOST in normal lockdown mode (repeatable)")
	flag.Var(&ssh, "ssh", "run SSH and the ESXi Shell on HOST, started with the host (repeatable)")
	flag.Var(&delays, "delay", "METHOD=MILLISECONDS: serve METHOD late (repeatable)")
	flag.Var(&restricted, "firewall-restricted", "limit every ruleset of HOST to 10.0.0.0/24 (repeatable)")
	flag.Var(&hardenedHosts, "hardened", "give HOST the hardened host state of profiles.go (repeatable)")
	flag.Var(&weakHosts, "weak", "give HOST the weak host state of profiles.go (repeatable)")
	flag.Var(&vmStates, "vm-state", "VM=secure|weak: encryption, vMotion encryption, snapshots (repeatable)")
	flag.Parse()
	if *pass == "" {
		fmt.Fprintln(os.Stderr, "vcsim-hvaudit: -pass is required")
		os.Exit(2)
	}

	var model *simulator.Model
	if *esx {
		model = simulator.ESX()
	} else {
		model = simulator.VPX()
		model.Host = *hosts
		model.ClusterHost = *clusterHosts
		model.Cluster = *clusters
		model.Portgroup = *portgroups
	}
	model.Machine = *vms
	model.DelayConfig.MethodDelay = map[string]int{}
	for _, d := range delays {
		method, ms, _ := strings.Cut(d, "=")
		n, err := strconv.Atoi(ms)
		if err != nil {
			fmt.Fprintln(os.Stderr, "vcsim-hvaudit: bad -delay", d)
			os.Exit(2)
		}
		model.DelayConfig.MethodDelay[method] = n
	}
	model.Autostart = false
	if err := model.Create(); err != nil {
		fmt.Fprintln(os.Stderr, "vcsim-hvaudit:", err)
		os.Exit(1)
	}
	defer model.Remove()
	for _, e := range simulator.Map.All("DistributedVirtualPortgroup") {
		markUplink(e)
	}
	simulator.Map.AddHandler(uplinkMarker{})
	for _, e := range simulator.Map.All("HostSystem") {
		h := e.(*simulator.HostSystem)
		for _, name := range lockdown {
			if h.Name == name {
				h.Config.LockdownMode = types.HostLockdownModeLockdownNormal
			}
		}
		for _, name := range restricted {
			if h.Name != name || h.Config.Firewall == nil {
				continue
			}
			fw := *h.Config.Firewall
			fw.Ruleset = append([]types.HostFirewallRuleset(nil), fw.Ruleset...)
			for i := range fw.Ruleset {
				fw.Ruleset[i].AllowedHosts = &types.HostFirewallRulesetIpList{
					AllIp:     false,
					IpNetwork: []types.HostFirewallRulesetIpNetwork{{Network: "10.0.0.0", PrefixLength: 24}},
				}
			}
			h.Config.Firewall = &fw
		}
		for _, name := range ssh {
			if h.Name != name {
				continue
			}
			// the services list is shared by every host of the template: give this host its own
			services := append([]types.HostService(nil), h.Config.Service.Service...)
			for i := range services {
				if services[i].Key == "TSM-SSH" || services[i].Key == "TSM" {
					services[i].Running = true
					services[i].Policy = "on"
				}
			}
			h.Config.Service = &types.HostServiceInfo{Service: services}
		}
	}
	for _, e := range simulator.Map.All("HostSystem") {
		h := e.(*simulator.HostSystem)
		for _, name := range hardenedHosts {
			if h.Name == name {
				hardened(h)
			}
		}
		for _, name := range weakHosts {
			if h.Name == name {
				weak(h)
			}
		}
	}
	for _, rule := range vmStates {
		name, state, _ := strings.Cut(rule, "=")
		found := false
		for _, e := range simulator.Map.All("VirtualMachine") {
			if vm := e.(*simulator.VirtualMachine); vm.Name == name {
				vmState(vm, state)
				found = true
			}
		}
		if !found {
			fmt.Fprintln(os.Stderr, "vcsim-hvaudit: -vm-state: no VM", name)
			os.Exit(2)
		}
	}
	if err := applyPolicies(rules); err != nil {
		fmt.Fprintln(os.Stderr, "vcsim-hvaudit:", err)
		os.Exit(2)
	}
	if err := applyTeaming(teaming); err != nil {
		fmt.Fprintln(os.Stderr, "vcsim-hvaudit:", err)
		os.Exit(2)
	}

	model.Service.Listen = &url.URL{Host: "127.0.0.1:0", User: url.UserPassword(*user, *pass)}
	cert, err := selfSigned()
	if err != nil {
		fmt.Fprintln(os.Stderr, "vcsim-hvaudit:", err)
		os.Exit(1)
	}
	model.Service.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	server := model.Service.NewServer()
	defer server.Close()

	if *certOut != "" {
		block := &pem.Block{Type: "CERTIFICATE", Bytes: server.Certificate().Raw}
		if err := ioutil.WriteFile(*certOut, pem.EncodeToMemory(block), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "vcsim-hvaudit:", err)
			os.Exit(1)
		}
	}
	u := *server.URL
	u.User = nil
	line, _ := json.Marshal(map[string]string{"url": u.String(), "cert": *certOut})
	fmt.Println(string(line))

	done := make(chan struct{})
	go func() {
		// the parent closes our stdin when it is done (or dies): stop then
		bufio.NewReader(os.Stdin).ReadString(0)
		close(done)
	}()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	select {
	case <-done:
	case <-sig:
	}
}

// selfSigned makes a P-256 certificate for 127.0.0.1 (the simulator's built-in one is an RSA-1024
// test certificate that OpenSSL's default security level refuses).
func selfSigned() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "vcsim-hvaudit"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
