"""Leads of the tenth host red team (tests/test_redteam10_host_probes.py), taken up by hostleads.

Same harness: conftest's hardened Debian host replayed through the real collector, parser and
engine, changed only where a test says so; each test asserts the exact status and message.

- HL10-3 (false pass) HVA-001 passed hosts carrying a Wayland compositor or a server that
  shares a desktop session (sway, wayvnc, gnome-remote-desktop, krfb ...): the package list
  knew Xorg-era names only. Added; each name confirmed with `apt-cache show` (Debian 12).
"""

from __future__ import annotations

import pytest

from conftest import HARDENED_HOST, messages, outcomes

PACKAGES = HARDENED_HOST["dpkg-packages"][0]


@pytest.mark.parametrize(
    "name",
    ["sway", "wayvnc", "gnome-remote-desktop", "krfb", "tigervnc-scraping-server", "cage"],
)
def test_wayland_compositor_or_remote_desktop_fails(host_scan, name: str) -> None:
    """HL10-3. Debian 12's `apt-cache show`: sway "i3-compatible Wayland compositor", wayvnc
    "VNC server for wlroots-based Wayland compositors", gnome-remote-desktop "Remote desktop
    daemon for GNOME using PipeWire", krfb "Desktop Sharing utility" (KDE's VNC server),
    tigervnc-scraping-server "Virtual network computing server performing X screen scraping",
    cage "Kiosk compositor for Wayland". A display stack and a remote door into it on the
    hypervisor host: fail naming it (the old list passed "no desktop or display server")."""
    a = host_scan({"dpkg-packages": (PACKAGES + f"{name}\t1.0-1\tii \n", 0)})
    assert outcomes(a, "HVA-001") == {"hv1": "fail"}, messages(a, "HVA-001")
    assert messages(a, "HVA-001")["hv1"] == f"desktop/display packages installed: {name}"
