"""Django's Redis cache backend, reusing one ``redis.Redis`` client per connection pool.

Django builds a new ``redis.Redis`` object for every cache call (``get_client``), which
sets up some 170 response callbacks each time: about 0.2 ms, paid several times by every
signed-in request (rights, the page cache). A client is thread-safe and holds no connection
of its own (the pool does), so one per pool is enough.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


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


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
