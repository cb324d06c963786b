"""One user per role, two townships and three villages, as in the demo.

wumiao and dongying are 利国乡 villages; yanjia is in 黄升镇. The accountant keeps
wumiao's books only; the reviewer reviews wumiao; the township staff user works for 利国乡.
"""

from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management.commands import flush
from django.db import connections
from django.test import Client, override_settings

from tests import factories
from tests.pdf_worker import pdf_worker  # noqa: F401 (a fixture for every test)
from tests.redis_cache import redis_cache  # noqa: F401 (a fixture for every test)
from villages.roles import ACCOUNTANT, REVIEWER, TOWNSHIP_STAFF
from villages.visits import forget_pending


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """MD5 instead of the production hasher (~0.4 s of CPU per user) for every test user.

    Session-scoped, so it is in force before any fixture, module- and class-scoped ones
    included, creates a user; override_settings also resets Django's cached hashers.
    """
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def flush_past_the_truncate_triggers():
    """Transactional tests (the browser's) end with a flush, a TRUNCATE of every table,
    which the BEFORE TRUNCATE triggers refuse on PostgreSQL. The test user is a superuser:
    it flushes with the triggers off, as an administrator restoring a backup would."""
    original = flush.Command.handle

    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            return original(self, **options)
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        try:
            return original(self, **options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")

    with mock.patch.object(flush.Command, "handle", handle):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Public pages are cached by village id and version: ids repeat across tests. So
    are the visit counts gathered in the process's memory (villages/visits.py)."""
    cache.clear()
    forget_pending()
    yield
    cache.clear()
    forget_pending()


# WeChat's in-app browser on a cheap Android phone, as most villagers read the pages.
WECHAT_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 10; M2006C3LC Build/QP1A.190711.020; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 "
    "MMWEBSDK/20230701 MMWEBID/1234 MicroMessenger/8.0.40.2420(0x28002837) WeChat/arm64 "
    "Weixin NetType/4G Language/zh_CN ABI/arm64"
)


@pytest.fixture
def client():
    """The test client with a phone's User-Agent: public pages count visits from browsers
    only (disclosures/caching.py), and a request without a User-Agent is a script's."""
    return Client(HTTP_USER_AGENT=WECHAT_USER_AGENT)


@pytest.fixture
def liguo(db):
    return factories.make_township("371603201", "利国乡")


@pytest.fixture
def huangsheng(db):
    return factories.make_township("371603102", "黄升镇", phone="0543-7351102")


@pytest.fixture
def wumiao(liguo):
    return factories.make_village(liguo, "371603201201", "五庙村")


@pytest.fixture
def dongying(liguo):
    return factories.make_village(liguo, "371603201202", "东营村")


@pytest.fixture
def yanjia(huangsheng):
    return factories.make_village(huangsheng, "371603102203", "闫家村")


@pytest.fixture
def accountant(wumiao):
    return factories.make_user("accountant", ACCOUNTANT, villages=[wumiao])


@pytest.fixture
def other_accountant(yanjia):
    return factories.make_user("other_accountant", ACCOUNTANT, villages=[yanjia])


@pytest.fixture
def reviewer(wumiao):
    return factories.make_user("reviewer", REVIEWER, villages=[wumiao])


@pytest.fixture
def township_staff(liguo):
    return factories.make_user("township_staff", TOWNSHIP_STAFF, townships=[liguo])


@pytest.fixture
def superuser(db):
    return factories.make_user("root", superuser=True)


@pytest.fixture
def client_for(client):
    """client_for(user): the test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login
