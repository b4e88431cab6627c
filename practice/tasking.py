"""Queue a task from a web request without making the request depend on Redis."""

from __future__ import annotations

import logging
from collections import Counter

log = logging.getLogger(__name__)


def publish(task, *args, inline_if_down: bool = True) -> None:
    """Queue `task`; if the broker is unreachable, run it here and now instead.

    Used for the urgent therapist emails (danger answers, high-risk screening): a few seconds
    of a slower response are better than a lost alert. Scheduled work (check-ins, surveys)
    never needs this: it lives in database rows that beat dispatches when Redis is back.
    `inline_if_down=False` is for long work kept in a database row that a periodic job queues
    again (a client's records copy): it waits for the broker instead of holding the request.
    """
    try:
        task.delay(*args)
    except Exception as exc:  # kombu/redis connection errors vary by transport
        if not inline_if_down:
            log.warning("broker unavailable (%s); %s waits to be queued again", type(exc).__name__, task.name)
            return
        log.warning("broker unavailable (%s); running %s in the request", type(exc).__name__, task.name)
        try:
            task.run(*args)
        except Exception:
            log.exception("%s failed in the request as well", task.name)


def send_and_chain(capability, task, ids: list[str]) -> dict[str, int]:
    """The body of a delivery batch task: send the claimed batch (`capability.send_batch`), then
    claim and queue the next one (`capability.chain_on`), unless the batch found the mail server
    down (then beat's next minute starts again). Returns how many rows ended each way."""
    outcomes = capability.send_batch(ids)
    if "deferred" not in outcomes.values():
        capability.chain_on(task.delay)
    return dict(Counter(outcomes.values()))
