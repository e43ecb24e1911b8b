"""The public Python API: ``engine`` exports its studies lazily, and the README's example runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import engine

ROOT = Path(__file__).resolve().parents[1]


def test_public_names_are_exported():
    assert engine.__all__ == ["StudyResult", "load_scenario", "operate", "run", "size", "sweep"]
    for name in engine.__all__:
        assert callable(getattr(engine, name)), name
    assert set(engine.__all__) <= set(dir(engine))


def test_unknown_names_raise_attribute_error():
    with pytest.raises(AttributeError, match="plan"):
        engine.plan  # noqa: B018 - the sizing study is engine.size


def test_the_readme_example_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"## Python\n\n```python\n(.*?)```", readme, re.DOTALL).group(1)
    assert len(code.strip().splitlines()) == 5
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "green_share_hourly" in done.stdout and "cost_cny" in done.stdout
