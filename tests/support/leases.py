"""Stand the outbox's lease clock at a chosen moment: a test cannot wait out a real lease."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from unittest.mock import patch

from tasks.messaging import claim


@contextmanager
def leases_at(moment: datetime) -> Iterator[None]:
    """Claim and expire leases as if the wall clock read `moment`."""
    with patch.object(claim, "lease_clock", lambda: moment):
        yield
