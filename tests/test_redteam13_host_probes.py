"""Thirteenth red-team review, host side (rt13host): a setting read in one place that the running
system takes from another, and spellings the real program reads differently.

Same harness as tests/test_redteam12_host_probes.py: libvirt's test driver serves one plain VM,
and host evidence comes from `ReplayRunner` (conftest's hardened Debian host, changed only where
a probe says so), so every artefact goes through the real collector, parser and engine. Each
probe asserts the verdict its cited source proves right, with its exact message. None repeats a
probe of the first twelve red teams.

Findings:
- R13H-1 (false pass) HVA-140 and HVA-141 passed, and HVA-150 passed "accounts resolved through
  sss", with /etc/nsswitch.conf naming passwd twice (`passwd: files sss`, later `passwd: files
  nis`), and failed "local accounts only" where the line was written `passwd files nis` or
  `passwd : files nis`: glibc 2.33 and later (nss/nss_database.c process_line) take the last
  line of a database and read its name up to a blank or ':', skipping every blank and ':'
  after it, so NIS resolved the accounts. hvaudit read the first line starting with
  "passwd:". nsswitch.conf is now read as glibc reads it; two lines with different sources
  take the last (glibc >= 2.33 from the package list) or the first (older), and a question
  when the version is unread. Fixed.
- R13H-2 (false pass) HVA-142 passed "2 administrative principal(s)" with `SUDOERS: files SSS`
  in nsswitch.conf: sudo reads that line itself, in any case (sudo_nss.c sudo_read_nss:
  strncasecmp "sudoers:", strcasecmp "sss"), so it applies the directory's sudo rules, which
  are not read. Now the question, as for `sudoers: files sss`. Fixed.
"""

from __future__ import annotations

from conftest import HARDENED_HOST, messages, outcomes

# --- HVA-140/141/150: nsswitch.conf as glibc reads it (R13H-1) -------------------------------------

#: ypbind running, as on a NIS client (tests/test_redteam10_host_probes.py NIS_PROCS)
NIS_PROCS = (
    str(HARDENED_HOST["processes"][0]).replace(
        "  510 root     /usr/sbin/sssd",
        "  505 root     /usr/sbin/ypbind\n  510 root     /usr/sbin/sssd",
    ),
    0,
)
#: Debian 12's glibc (2.36), then Debian 11's (2.31), in the dpkg-query list
GLIBC_236 = (str(HARDENED_HOST["dpkg-packages"][0]) + "libc6\t2.36-9+deb12u9\tii \n", 0)
GLIBC_231 = (str(HARDENED_HOST["dpkg-packages"][0]) + "libc6\t2.31-13+deb11u11\tii \n", 0)
NSSWITCH = str(HARDENED_HOST["/etc/nsswitch.conf"])
NIS_UID0 = (
    "root is the only uid-0 account in /etc/passwd; nsswitch passwd also resolves accounts "
    "through nis, whose uid 0 accounts were not read"
)


def test_a_second_passwd_line_is_the_one_glibc_uses(host_scan) -> None:
    """R13H-1. glibc 2.33 replaced nsswitch.c's reader by nss/nss_database.c (Red Hat Developer
    blog "Coming in glibc 2.33: Reloadable nsswitch.conf"; DJ Delorie's patch "nss: Implement
    <nss_database.h>", both found with `search`); its process_line (llvm-project's copy of
    glibc/nss/nss_database.c, read with `read_file`) ends with `data->services[db] = result`
    for every line of a database, so the LAST passwd line holds. Debian 12 ships glibc 2.36.
    hvaudit read the first (`files sss`) and passed HVA-141, HVA-140 and HVA-150, while NIS
    resolved the host's accounts. Right: NIS's verdicts (the questions, HVA-150's fail)."""
    a = host_scan(
        {
            "/etc/nsswitch.conf": NSSWITCH + "passwd: files nis\n",
            "processes": NIS_PROCS,
            "dpkg-packages": GLIBC_236,
        }
    )
    assert outcomes(a, "HVA-141") == {"hv1": "manual"}, messages(a, "HVA-141")
    assert messages(a, "HVA-141")["hv1"] == NIS_UID0
    assert outcomes(a, "HVA-140") == {"hv1": "manual"}, messages(a, "HVA-140")
    assert outcomes(a, "HVA-150") == {"hv1": "fail"}, messages(a, "HVA-150")
    assert messages(a, "HVA-150")["hv1"] == (
        "accounts resolved through nis: NIS serves its password hashes to any client and gives "
        "no robust authentication"
    )


def test_passwd_line_without_its_colon_is_read(host_scan) -> None:
    """R13H-1, the name's spelling. nss_database.c process_line (as above): the database name
    runs "while (line[0] != '\\0' && !isspace (line[0]) && line[0] != ':')", then "while
    (isspace (line[0]) || line[0] == ':')" skips the separator, so `passwd files nis` and
    `passwd\\t:\\tfiles nis` name NIS as `passwd: files nis` does (the old nsswitch.c
    nss_getline also split at the first blank or ':'). hvaudit matched only "passwd:" and
    passed HVA-141 ("root is the only uid-0 account"). Right: the NIS question each."""
    for nss in ("passwd files nis\ngroup: files\n", "passwd\t:\tfiles nis\ngroup: files\n"):
        a = host_scan({"/etc/nsswitch.conf": nss, "processes": NIS_PROCS})
        assert outcomes(a, "HVA-141") == {"hv1": "manual"}, (nss, messages(a, "HVA-141"))
        assert messages(a, "HVA-141")["hv1"] == NIS_UID0


def test_two_passwd_lines_without_the_glibc_version_are_asked(host_scan) -> None:
    """R13H-1's twins. Before glibc 2.33, nsswitch.c __nss_database_lookup returned the first
    entry for the database (read with `find_string`: "Return first `service_user' entry for
    DATABASE"): Debian 11's 2.31 keeps `files sss`, whose verdicts stand (pass). Without
    libc6 or glibc in the package list the version is unknown: a question naming both lines.
    A commented second line is no line (held: it passed before and passes now)."""
    a = host_scan(
        {
            "/etc/nsswitch.conf": NSSWITCH + "passwd: files nis\n",
            "processes": NIS_PROCS,
            "dpkg-packages": GLIBC_231,
        }
    )
    assert outcomes(a, "HVA-141") == {"hv1": "pass"}, messages(a, "HVA-141")
    assert messages(a, "HVA-150")["hv1"] == "accounts resolved through sss"
    a = host_scan({"/etc/nsswitch.conf": NSSWITCH + "passwd: files nis\n", "processes": NIS_PROCS})
    assert outcomes(a, "HVA-141") == {"hv1": "manual"}, messages(a, "HVA-141")
    assert messages(a, "HVA-141")["hv1"] == (
        "root is the only uid-0 account in /etc/passwd; which sources nsswitch passwd resolves "
        "accounts through is unknown: /etc/nsswitch.conf names passwd on 2 lines with different "
        "sources (line 1: files sss; line 4: files nis); glibc 2.33 and later use the last, "
        "earlier releases the first, and the glibc version was not read"
    )
    assert outcomes(a, "HVA-150") == {"hv1": "manual"}, messages(a, "HVA-150")
    a = host_scan({"/etc/nsswitch.conf": NSSWITCH + "#passwd: files nis\n", "processes": NIS_PROCS})
    assert outcomes(a, "HVA-141") == {"hv1": "pass"}, messages(a, "HVA-141")


# --- HVA-142: sudo's own reading of nsswitch.conf (R13H-2) -----------------------------------------


def test_sudoers_line_in_capitals_applies_the_directory_rules(host_scan) -> None:
    """R13H-2. sudo reads nsswitch.conf itself (plugins/sudoers/sudo_nss.c sudo_read_nss, read
    with `find_string`): `if (strncasecmp(cp, "sudoers:", 8) != 0) continue;` and each word
    `strcasecmp(cp, "sss") == 0`, so `SUDOERS: files SSS` makes sudo apply SSSD's sudo rules
    (sssd-sudo(5)). hvaudit matched "sudoers" and "sss" in lower case only and passed HVA-142
    on /etc/sudoers alone. Right: the question the lower-case line gets."""
    a = host_scan({"/etc/nsswitch.conf": NSSWITCH + "SUDOERS: files SSS\n"})
    assert outcomes(a, "HVA-142") == {"hv1": "manual"}, messages(a, "HVA-142")
    assert messages(a, "HVA-142")["hv1"] == (
        "evidence unavailable: /etc/nsswitch.conf `sudoers: files sss`: sudo also applies the "
        "sudo rules of the directory (sss), which hvaudit does not read"
    )
