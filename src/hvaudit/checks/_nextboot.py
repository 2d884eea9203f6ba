"""The next boot's kernel command line against the running one (R21B-1).

/proc/cmdline is the running boot's; GRUB's defaults, /etc/kernel/cmdline and the Boot Loader
Specification entries (hvaudit.parse.host._boot_cmdline) are what the next boot is made from.
A check that judged a kernel parameter on the live line asks here whether the next boot adds a
word that weakens it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hvaudit.checks._libvirt import kernel_params
from hvaudit.model import Host, Source


@dataclass(frozen=True)
class NextBoot:
    """The weakening words the next boot's command-line sources add, and whether every source
    adds one (then the next boot has it whichever source the boot loader takes)."""

    found: tuple[tuple[str, str], ...]
    """(source, word) for each source that adds a weakening word."""
    others: tuple[str, ...]
    """The sources without one, each with why where it could not be read ("FILE (WHY)")."""
    sources: tuple[Source, ...]

    @property
    def settled(self) -> bool:
        return not self.others

    def text(self) -> str:
        return "; ".join(f"{w} in {src}" for src, w in self.found)

    def question(self, host: str, fail: str) -> str:
        where = ", ".join(dict.fromkeys(src for src, _ in self.found))
        return (
            f"Which kernel command line does host {host} boot with next? {self.text()}, but "
            f"not in {', '.join(self.others)}. Evidence: the boot loader in use (`bootctl "
            "status`, `proxmox-boot-tool status`, `efibootmgr -v`) and the `linux` line of its "
            f"default entry (/boot/grub/grub.cfg after `update-grub`, or the ESP's loader "
            f"entries after `proxmox-boot-tool refresh`). Pass: it takes none of {where}'s "
            f"words; fail: {fail}."
        )


def next_boot_adds(host: Host, weak: Callable[[str], bool]) -> NextBoot | None:
    """The next boot's words for which `weak(word)` holds that the running command line does
    not have (a word the live line already has is judged on the live evidence); None where
    no source adds one, or the sources were not collected or read (today's verdict stands)."""
    fact = host.facts.kernel_cmdline_next_boot
    if not fact.known:
        return None
    live = host.facts.kernel_cmdline
    now = set(kernel_params(live.get())) if live.known else set()
    found: list[tuple[str, str]] = []
    others: list[str] = []
    for src in fact.get():
        if src.words is None:
            others.append(f"{src.source} ({src.why})")
            continue
        origins = src.origins or (src.source,) * len(src.words)
        hit = [
            (where, w)
            for w, where in zip(kernel_params(src.words), origins, strict=False)
            if weak(w) and w not in now
        ]
        if hit:
            found.extend(hit)
        else:
            others.append(src.source)
    if not found:
        return None
    return NextBoot(tuple(found), tuple(others), fact.sources)
