"""Django's cache on the machine's real Redis, under a key prefix of its own that is
removed afterwards. Without a Redis server the tests that need one are skipped, except
where REQUIRE_REDIS=1 (CI), where they fail."""

import os
import uuid

import pytest
import redis
from django.test import override_settings

from portal.settings import caches

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_client():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("REQUIRE_REDIS") == "1":
            raise
        pytest.skip(f"no Redis at {REDIS_URL} (CI sets REQUIRE_REDIS=1 and starts one)")
    return client


@pytest.fixture
def redis_cache(monkeypatch):
    """(the Redis client, the prefix): the default cache is Redis for this test."""
    client = redis_client()
    prefix = f"village-portal-test-{uuid.uuid4().hex}"
    monkeypatch.setenv("CACHE_KEY_PREFIX", prefix)
    with override_settings(CACHES=caches(REDIS_URL)):
        yield client, prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def keys(client, prefix, pattern="*"):
    return sorted(key.decode() for key in client.scan_iter(f"{prefix}:{pattern}"))
