"""Fleets: every hypervisor of an organisation in one run, one picture, and history.

    inventory ──▶ runner (one isolated `hvaudit scan` per target, deadline, retries)
              ──▶ aggregate (posture per recommendation and function, heat map, outliers)
              ──▶ reports (terminal, JSON, HTML, JUnit) and the history store (SQLite/PostgreSQL)

Each target is scanned by the single-host command in a child process, so a target that hangs is
killed at its deadline and one that crashes the scanner cannot take the run down with it; the
single-host JSON report is the contract between the two.
"""
