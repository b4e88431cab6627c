"""Queue a task from a web request without making the request depend on Redis."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def publish(task, *args) -> None:
    """Queue `task`; if the broker is unreachable, run it here and now instead.

    Used for the urgent therapist emails (danger answers, high-risk screening): a few seconds
    of a slower response are better than a lost alert. Scheduled work (check-ins, surveys)
    never needs this: it lives in database rows that beat dispatches when Redis is back.
    """
    try:
        task.delay(*args)
    except Exception as exc:  # kombu/redis connection errors vary by transport
        log.warning("broker unavailable (%s); running %s in the request", type(exc).__name__, task.name)
        try:
            task.run(*args)
        except Exception:
            log.exception("%s failed in the request as well", task.name)
