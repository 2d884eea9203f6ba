"""A fake Proxmox VE node (fakepve, a real HTTPS server) for the zone tests, started inside a
zone's network namespace: `ip netns exec NS python tests/zone_pve.py ADDRESS PORT PREFIX GUESTS PKI`.

It serves GUESTS guests named PREFIX-100, PREFIX-101 ... (zones differ in their number, so a
report shows which zone's node was reached), accepts the API token in ZONE_PVE_TOKEN (`user@realm!id=secret`), answers the GETs
fakepve fills with placeholders as test_proxmox_api does, writes its certificate to
PKI/fakepve.crt, and prints "ready" once it listens.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from fakepve.certs import make_cert
from fakepve.server import FakePve

from test_proxmox_api import CANNED


async def serve(address: str, port: int, prefix: str, guests: int, pki: str) -> None:
    pve = FakePve(user="root@pam", password=secrets.token_hex(16), host=address, port=port)
    pve.time_scale = 0
    synthesise = pve.synthesise

    async def answer(match: Any, method: str, info: Any, user: Any, values: Any) -> Any:
        if method == "GET" and match.template in CANNED:
            return CANNED[match.template]
        return await synthesise(match, method, info, user, values)

    pve.synthesise = answer
    # fakepve answers root's token GET /access/permissions with `/` alone; PVE lists every
    # default path and ACL path (pve-access-control RPCEnvironment get_effective_permissions),
    # and a list without /vms reads as a token that may not see every guest (R28P-1, R29P-1)
    stateful = pve.answer

    async def effective(request: Any, match: Any, params: Any, user: Any, call: Any = None) -> Any:
        if (
            request.method == "GET"
            and match is not None
            and match.template == "/access/permissions"
        ):
            return CANNED[match.template]
        return await stateful(request, match, params, user, call)

    pve.answer = effective
    token_id, _, secret = os.environ["ZONE_PVE_TOKEN"].partition("=")
    pve.apitokens[token_id] = secret
    for vmid in range(100, 100 + guests):
        name = f"{prefix}-{vmid}"
        pve.add_vm(vmid, name, config={"name": name, "cores": "2", "memory": "2048"})
    cert, key, _ = make_cert(pki, hosts=(address,))
    await pve.start(cert, key)
    print("ready", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]))
