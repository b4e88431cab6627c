"""A Redis cache that keeps the site up when Redis is down.

The cache holds rate-limit counters and the TOTP replay guard, nothing that must survive. If
Redis stops, reads miss and writes are dropped (with a warning in the log) instead of every
page failing; login rate limiting is therefore off until Redis is back. That trade-off is
ours: a practice whose clients cannot reach their crisis plan is worse off than one whose
login form is briefly unthrottled and a TOTP code could be replayed within its 30 seconds.
(Passwords and MFA are still required.)
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# `add` answers True (as if the key was new): allauth takes its rate-limit lock and records a
# used TOTP code with `add`, so True fails open (no throttle, no replay guard) instead of
# locking everybody out for the length of the outage.
FALLBACKS = {"get": "default", "get_many": {}, "has_key": False, "add": True, "set": None, "set_many": [],
             "touch": False, "delete": False, "delete_many": None, "incr": None, "clear": None}


def _tolerant(name: str, method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except RedisError as exc:
            log.warning("cache %s failed (%s); carrying on without the cache", name, type(exc).__name__)
            fallback = FALLBACKS[name]
            if fallback == "default":
                return kwargs.get("default", args[1] if len(args) > 1 else None)
            if name == "incr":
                raise ValueError("cache unavailable") from None  # callers treat a missing counter this way
            return fallback
    return wrapper


class ResilientRedisCache(RedisCache):
    pass


for _name in FALLBACKS:
    setattr(ResilientRedisCache, _name, _tolerant(_name, getattr(RedisCache, _name)))
