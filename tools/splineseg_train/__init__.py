"""SplineSeg training side: data, networks, spline collocation, losses, metrics, training, export.

See ../README.md for the commands and /work/shared/DESIGN.md (repo: ../shared/DESIGN.md) for the
fixed definitions this package implements.
"""
