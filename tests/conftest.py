"""Test-wide setup: offscreen Qt before any Qt import, and no silent skips in CI."""

from __future__ import annotations

import os

import pytest

# Qt reads the platform when QApplication is created; setting it here, before any test module
# imports PySide6, makes every run headless unless the caller chose a platform on purpose.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Name every skipped test and why, and fail the run in CI if anything was skipped."""
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        return
    terminalreporter.section("skipped tests")
    for report in skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        terminalreporter.write_line(f"SKIPPED {report.nodeid}: {reason}")
    if _in_ci():
        terminalreporter.write_line(
            f"CI=true: {len(skipped)} test(s) skipped; in CI nothing may be skipped -> failing.",
            red=True,
        )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Turn a green run with skips into a failure when CI is set."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or not _in_ci():
        return
    if reporter.stats.get("skipped") and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
