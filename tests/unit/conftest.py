"""Fixtures the unit tests share."""

from __future__ import annotations

import pytest

from diagnosis.store import Store


@pytest.fixture
def store(store_url):
    """A `Store` on a fresh, empty database: SQLite, then PostgreSQL (`store_url`)."""
    s = Store(store_url)
    yield s
    s.close()
