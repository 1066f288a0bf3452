"""The CI guard itself: a skipped test fails the run when CI is set, and only then."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CONFTEST = Path(__file__).with_name("conftest.py")


def _run_pytest_on(tmp_path: Path, body: str, ci: str | None) -> subprocess.CompletedProcess[str]:
    (tmp_path / "conftest.py").write_text(CONFTEST.read_text())
    (tmp_path / "test_sample.py").write_text(body)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )


SKIPPING = "import pytest\n\ndef test_a():\n    pytest.skip('libfoo missing')\n"


def test_skip_fails_in_ci(tmp_path: Path) -> None:
    result = _run_pytest_on(tmp_path, SKIPPING, ci="true")
    assert result.returncode == 1, result.stdout
    assert "libfoo missing" in result.stdout
    assert "nothing may be skipped" in result.stdout


def test_skip_is_reported_but_passes_outside_ci(tmp_path: Path) -> None:
    result = _run_pytest_on(tmp_path, SKIPPING, ci=None)
    assert result.returncode == 0, result.stdout
    assert "SKIPPED" in result.stdout and "libfoo missing" in result.stdout
