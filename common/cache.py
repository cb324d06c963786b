"""Django's Redis cache, except that a Redis that does not answer is a cache miss.

The cache only saves work: every public page can be made from the database. So while
Redis is down (restarting, out of memory, its machine unreachable) the portal serves
pages uncached, straight from the database, and logs a warning, instead of answering
every villager with an error. Django's own RedisCache raises; it has no option to ignore
errors, hence this subclass. settings.caches() gives it short socket timeouts, so that an
unreachable Redis costs a request a fraction of a second, not a minute.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

# One warning a minute per process is enough to be noticed without flooding the log.
WARN_EVERY_SECONDS = 60
_last_warning = [0.0]


def _forgiving(fallback):
    """The cache method, or `fallback(*its arguments)` when Redis fails."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                now = time.monotonic()
                if now - _last_warning[0] >= WARN_EVERY_SECONDS:
                    _last_warning[0] = now
                    log.warning(
                        "Redis cache unavailable (%s: %s): serving without the cache",
                        type(error).__name__,
                        error,
                    )
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _default(key, default=None, version=None):
    return default


def _no_keys(*args, **kwargs):
    return {}


def _no_failed_keys(data, *args, **kwargs):
    return list(data)


def _as_if_new(key, delta=1, version=None):
    return delta


class ReusedClients(RedisCacheClient):
    """Django's client makes a new redis.Redis around its connection pool for every
    operation, and making one costs more than a GET (about 0.15 ms: it copies its table
    of response callbacks): a page rendered afresh does six. One per pool, kept: a
    redis.Redis is safe to share between threads (the pool hands out the connections)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ForgivingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClients

    add = _forgiving(_false)(RedisCache.add)
    get = _forgiving(_default)(RedisCache.get)
    set = _forgiving(_nothing)(RedisCache.set)
    touch = _forgiving(_false)(RedisCache.touch)
    delete = _forgiving(_false)(RedisCache.delete)
    get_many = _forgiving(_no_keys)(RedisCache.get_many)
    has_key = _forgiving(_false)(RedisCache.has_key)
    incr = _forgiving(_as_if_new)(RedisCache.incr)
    set_many = _forgiving(_no_failed_keys)(RedisCache.set_many)
    delete_many = _forgiving(_nothing)(RedisCache.delete_many)
    clear = _forgiving(_false)(RedisCache.clear)
