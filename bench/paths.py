"""Where the suite's files and tools are, and the constants every benchmark shares."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"  # generated data sets, kept between runs, ignored by git
README = ROOT / "bench" / "README.md"
RESULTS_HEADING = "## Results"
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
BIN = Path(PYTHON).parent
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
# The production secret is never used here; this one only satisfies SIMPOC_ENV=production's checks.
BENCH_SECRET_KEY = "bench-only-" + "x" * 60
