"""Django's Redis cache backend, made to fail soft and to reuse one client per pool.

Failing soft (issue 10 §3): the portal must keep serving signed-in pages while Redis is away.
Every cache operation that cannot reach Redis is logged and answered as a miss (``get`` gives
the default, ``add``/``set`` report nothing stored), so sessions fall back to the database
(``cached_db``), and sign-in's rate limit, which cannot take its lock, refuses with its 429 page
instead of letting guesses through unchecked. Short socket timeouts (settings ``CACHES``) keep
a hung Redis from holding a web worker.

One client per pool: Django builds a new ``redis.Redis`` object for every cache call
(``get_client``), which sets up some 170 response callbacks each time: about 0.2 ms, paid
several times by every signed-in request. A client is thread-safe and holds no connection of
its own (the pool does), so one per pool is enough.
"""

from __future__ import annotations

import functools
import logging
import time

from django.core.cache.backends import redis as django_redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
# One warning per process and minute while Redis is away, not one per request.
_WARN_EVERY = 60.0
_last_warning = 0.0


def _soft(default):
    """Run the client method; on a Redis error, log (rate-limited) and return ``default``."""

    def wrap(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except (RedisError, OSError) as exc:
                global _last_warning
                now = time.monotonic()
                if now - _last_warning > _WARN_EVERY:
                    _last_warning = now
                    logger.warning("Redis cache unavailable (%s): %s", method.__name__, exc)
                return default(*args, **kwargs) if callable(default) else default

        return wrapper

    return wrap


def _get_default(key, default=None, *args, **kwargs):
    return default


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    add = _soft(False)(django_redis.RedisCacheClient.add)
    get = _soft(_get_default)(django_redis.RedisCacheClient.get)
    set = _soft(None)(django_redis.RedisCacheClient.set)
    touch = _soft(False)(django_redis.RedisCacheClient.touch)
    delete = _soft(False)(django_redis.RedisCacheClient.delete)
    get_many = _soft(lambda *a, **k: {})(django_redis.RedisCacheClient.get_many)
    has_key = _soft(False)(django_redis.RedisCacheClient.has_key)
    set_many = _soft(lambda *a, **k: [])(django_redis.RedisCacheClient.set_many)
    delete_many = _soft(None)(django_redis.RedisCacheClient.delete_many)
    clear = _soft(False)(django_redis.RedisCacheClient.clear)


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
