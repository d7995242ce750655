from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# Tests are grouped by layer (engines/, service/, interfaces/, quality/); what several of them
# share (databases, local web servers, data builders) lives in support/.
sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))  # build-time generators, tested too

from pure_python import ENV, prefer_sources

if os.environ.get(ENV):
    prefer_sources()  # before any silkwire import: the interpreted modules, not the compiled ones

from silkwire.service import articles as service

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SEED = SHARED / "seeds" / "002_0afaed159990aab2.txt"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip(f"shared seed listing not found at {SEED} (../shared/data is absent)")
    return SEED


@pytest.fixture
def ws(tmp_path: Path):
    with service.open_workspace(str(tmp_path / "test.db"), create=True) as workspace:
        yield workspace
