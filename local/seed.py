"""Demo data for the local platform (accounts are created in local.aws)."""

from __future__ import annotations

from local.aws import LocalAws

_seeders: list = []  # type: ignore[type-arg]


def seed_demo_data(aws: LocalAws) -> None:
    """Fill the tables with a little demo data, so the console is not empty."""
    for seeder in _seeders:
        seeder(aws)
