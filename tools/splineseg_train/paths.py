"""Repository-relative defaults (the repo is cloned next to shared/, so data is ../shared/data)."""
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / ".." / "shared" / "data"
CACHE = REPO / "tools" / ".cache"
SPLITS = REPO / "tools" / "splits"
RUNS = REPO / "runs"
WEIGHTS = REPO / "weights"
