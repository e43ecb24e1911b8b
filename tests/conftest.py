"""Shared test fixtures: where the shared CSWD weather files are."""

from pathlib import Path

import pytest

EPW_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "weather" / "epw"


@pytest.fixture(scope="session")
def epw_dir() -> Path:
    """The folder of shared CSWD EPW files; skips the test when it is absent."""
    if not EPW_DIR.is_dir():
        pytest.skip(f"shared CSWD weather files not found at {EPW_DIR} (clone ../shared beside the "
                    "project to run this test)")
    return EPW_DIR
