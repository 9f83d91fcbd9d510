"""Running the stack of `concord up` in the foreground until Ctrl-C or SIGTERM."""

import signal
import time

from deployments.cli_support import console, fail, print_bold
from deployments.shared_stack import SharedStack
from deployments.stack import Ports, Stack, StackError
from models.core.settings import Settings


def say(line: str) -> None:
    """One line of the stack's progress, indented under the command's."""
    console.print(f"  {line}", highlight=False)


def make_stack(settings: Settings, ports: Ports, workers: int | None) -> Stack:
    """The local stack, or with `workers` the shared-server layout."""
    if workers is None:
        return Stack(settings=settings, ports=ports, say=say)
    redis = settings.redis_url.get_secret_value() if settings.redis_url else ""
    return SharedStack(settings=settings, ports=ports, say=say, workers=workers, redis_url=redis)


def run_stack(settings: Settings, ports: Ports, workers: int | None = None) -> None:
    """Start the stack, say where everything is, and stop it on Ctrl-C or SIGTERM."""
    stack = make_stack(settings, ports, workers)
    stopping = False

    def request_stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    try:
        stack.start()
        console.print()
        print_bold("Concord is running.", " Press Ctrl-C to stop.")
        console.print(
            f"  Prefect UI:  {stack.ui_url}\n"
            f"  Portal:      {stack.portal_url}   (coordinator: {stack.portal_url}/coordinator)\n"
            + (f"  Local mail:  {stack.portal_url}/mail\n" if stack.catches_mail else "")
            + f"  Logs:        {settings.var_dir.resolve() / 'logs'}",
            highlight=False,
        )
        while not stopping:
            stack.check_alive()
            time.sleep(1)
    except KeyboardInterrupt:
        console.print("\nstopping...")
    except StackError as exc:
        stack.stop()
        fail(str(exc))
    stack.stop()
    console.print("Concord stopped.")
