#!/usr/bin/env python3
"""Train a SplineSeg network; see tools/README.md. Thin wrapper around splineseg_train.train."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from splineseg_train.train import main  # noqa: E402

if __name__ == "__main__":
    main()
