"""pytest plugin for scripts/prove-issue8: records what each test saw and how it ended.

Loaded with `-p issue8_recorder` (scripts/ on PYTHONPATH). It wraps the suite's `outcomes()` helper
(tests/conftest.py) so that every verdict a test looks at is kept with its message, per subject,
whichever revision of `src/` answers; and it keeps each test's end (passed, or the exception type and
first line). The record is written as JSON to $ISSUE8_RECORD at the end of the session.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Generator
from typing import Any

import pytest

_SEEN: dict[str, list[dict[str, Any]]] = {}
_ENDS: dict[str, dict[str, str]] = {}
_CURRENT: list[str] = [""]


def _wrap(conftest: Any) -> None:
    outcomes: Callable[[Any, str], dict[str, str]] = conftest.outcomes
    messages: Callable[[Any, str], dict[str, str]] = conftest.messages

    def recorded(a: Any, check_id: str) -> dict[str, str]:
        got = outcomes(a, check_id)
        said = messages(a, check_id)
        _SEEN.setdefault(_CURRENT[0], []).append(
            {"check": check_id, "results": {s: [st, said.get(s, "")] for s, st in got.items()}}
        )
        return got

    conftest.outcomes = recorded


def pytest_plugin_registered(plugin: object) -> None:
    if (
        getattr(plugin, "__name__", "").rsplit(".", 1)[-1] == "conftest"
        and hasattr(plugin, "outcomes")
        and not getattr(plugin, "_issue8_recorded", False)
    ):
        _wrap(plugin)
        plugin._issue8_recorded = True  # type: ignore[attr-defined]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, None, None]:
    _CURRENT[0] = item.nodeid
    yield


def _end(excinfo: Any, longrepr: Any) -> dict[str, str]:
    if excinfo is not None:
        text = str(excinfo.value).strip().splitlines()
        return {"type": excinfo.typename, "line": text[0][:300] if text else ""}
    return {"type": "error", "line": str(longrepr).strip().splitlines()[-1][:300]}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.passed:
        _ENDS.setdefault(item.nodeid, {"outcome": "passed"})
    elif report.failed:
        phase = "failed" if report.when == "call" else f"error in {report.when}"
        _ENDS[item.nodeid] = {"outcome": phase, **_end(call.excinfo, report.longrepr)}
    elif report.skipped and item.nodeid not in _ENDS:
        _ENDS[item.nodeid] = {"outcome": "skipped", "type": "", "line": str(report.longrepr)[:300]}


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:
        lines = str(report.longrepr).strip().splitlines()
        err = next(
            (ln for ln in reversed(lines) if ln.startswith("E ")), lines[-1] if lines else ""
        )
        _ENDS[report.nodeid] = {
            "outcome": "error in collection",
            "type": err[2:].strip().split(":", 1)[0],
            "line": err[2:].strip()[:300],
        }


def pytest_sessionfinish(session: pytest.Session) -> None:
    path = os.environ.get("ISSUE8_RECORD")
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"ends": _ENDS, "seen": _SEEN}, f, indent=1)
