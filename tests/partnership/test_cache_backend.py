"""partnership.cache: Django's Redis backend with one client per connection pool."""

from django.core.cache import cache, caches

from partnership.cache import RedisCache


def test_the_cache_reuses_one_client_per_pool():
    assert isinstance(caches["default"], RedisCache)
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is client
    assert cache._cache.get_client() is client  # one server: reads use the same pool
    cache.set("cache-backend-test", {"a": 1}, 10)
    assert cache.get("cache-backend-test") == {"a": 1}
