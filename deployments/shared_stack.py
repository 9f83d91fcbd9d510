"""The shared-server layout: Prefect on PostgreSQL with Redis messaging, and several workers."""

import shutil
import socket
from dataclasses import dataclass

from sqlalchemy.engine import make_url

from deployments.stack import BIN, WORK_POOL, WORKER_LIMIT, Stack, StackError

# What makes Prefect's server share its events, caches and concurrency leases through Redis,
# so that several API servers and workers see one state.
REDIS_MODULES = {
    "PREFECT_MESSAGING_BROKER": "prefect_redis.messaging",
    "PREFECT_MESSAGING_CACHE": "prefect_redis.messaging",
    "PREFECT_SERVER_CONCURRENCY_LEASE_STORAGE": "prefect_redis.lease_storage",
}


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class SharedStack(Stack):
    """The local stack laid out as on a shared server: Redis, PostgreSQL, `workers` workers.

    With no `redis_url` it starts a Redis of its own on a free loopback port (nothing kept
    on disk), so two stacks on one machine never share a message stream.
    """

    workers: int = 2
    redis_url: str = ""
    worker_limit: int = WORKER_LIMIT  # runs each worker takes at once (1 to measure scale-out)

    def environment(self) -> dict[str, str]:
        """The local stack's environment, with Prefect's messaging on Redis."""
        return (
            super().environment() | REDIS_MODULES | {"PREFECT_REDIS_MESSAGING_URL": self.redis_url}
        )

    def check_layout(self) -> None:
        """StackError unless Concord is on PostgreSQL and there is a Redis to use or start."""
        url = make_url(self.settings.resolved_database_url())
        if url.get_backend_name() != "postgresql":
            raise StackError(
                "the shared-server layout needs Concord on PostgreSQL: set CONCORD_DATABASE_URL "
                "to a postgresql:// URL"
            )
        if self.workers < 1:
            raise StackError(f"workers: {self.workers} is not a number of workers (1 or more)")
        if not self.redis_url and shutil.which("redis-server") is None:
            raise StackError("no Redis: install redis-server (scripts/redis.sh) or set --redis-url")

    def start(self) -> None:
        """Start Redis (unless given), then the stack with `workers` workers."""
        self.check_layout()
        (self.var_dir / "logs").mkdir(parents=True, exist_ok=True)
        if not self.redis_url:
            port = free_port()
            self.say(f"starting Redis on 127.0.0.1:{port} (nothing kept on disk)...")
            self.spawn("redis", _redis_command(port))
            self.redis_url = f"redis://127.0.0.1:{port}/0"
            self.wait_for_redis(port)
        super().start()
        for number in range(2, self.workers + 1):
            self.say(f"starting worker {number} of {self.workers}...")
            self.spawn(f"worker-{number}", self.worker_command("--name", f"concord-{number}"))

    def worker_command(self, *options: str) -> list[str]:
        """A worker on the pool taking `worker_limit` runs at once."""
        pool = ["--pool", WORK_POOL, "--limit", str(self.worker_limit)]
        return [str(BIN / "prefect"), "worker", "start", *pool, *options]

    def wait_for_redis(self, port: int, timeout: float = 30) -> None:
        """Wait until Redis accepts connections; StackError if it exits or never does."""
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise StackError(f"Redis did not answer on 127.0.0.1:{port} within {timeout:.0f} s")


def _redis_command(port: int) -> list[str]:
    """redis-server on loopback, keeping nothing on disk."""
    server = shutil.which("redis-server") or str(BIN / "redis-server")
    return [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
