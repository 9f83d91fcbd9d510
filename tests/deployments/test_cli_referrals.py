"""`concord referrals` lists open referrals by their clocks and records what became of one."""

import pytest
from sqlalchemy.engine import Engine

from tests.deployments.test_cli import concord
from tests.deployments.test_cli_requests import registered_requests


# the command line reads both databases alike; the model tests cover PostgreSQL
@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_referrals_are_listed_by_their_clock_and_a_revoked_one_leaves_the_list(
    engine: Engine,
) -> None:
    issued = registered_requests(engine)
    eio, child = issued["STA-W-7"], issued["IPJ-CJ-3"]
    listed = concord("referrals")
    assert listed.returncode == 0, listed.stderr
    lines = [line for line in listed.stdout.splitlines() if "RO-" in line]
    assert [line.split()[0] for line in lines] == [child], "requests have their own list"
    assert "IPJ-CJ-3" not in listed.stdout, "the notifier's own number is not shown"
    assert "DGASPC" in lines[0] and "2 zile 23 de ore" in lines[0]

    unknown = concord("referrals", "status", eio, "revoked")
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
    revoked = concord("referrals", "status", child.lower(), "revoked", "--note", "retras")
    assert revoked.returncode == 0 and f"{child}: revocată" in revoked.stdout, revoked.stderr
    emptied = concord("referrals")
    assert child not in emptied.stdout and "Nimic deschis." in emptied.stdout
