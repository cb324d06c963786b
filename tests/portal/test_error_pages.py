"""Friendly failure: every error page in the visitor's language with a way back, a 503
with Retry-After while the database does not answer, and the proxy's /healthz."""

import pytest
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client

from portal import views
from tests.conftest import WECHAT_USER_AGENT

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def page(response):
    return response.content.decode()


@pytest.mark.django_db
def test_a_missing_page_in_chinese_leads_back_to_the_landing_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = page(response)
    assert "没有这个页面" in html and 'href="/"' in html and "返回村庄列表" in html
    assert 'name="viewport"' in html


@pytest.mark.django_db
def test_a_missing_page_of_a_village_leads_back_to_the_village(client, wumiao):
    response = client.get(f"/v/{wumiao.code}/matters/999999/", **ENGLISH)
    assert response.status_code == 404
    html = page(response)
    assert "There is no such page" in html
    assert f'href="/v/{wumiao.code}/"' in html and "Back to 五庙村" in html


@pytest.mark.django_db
def test_an_unknown_village_leads_to_the_landing_page(client):
    html = page(client.get("/v/999999999999/"))
    assert "没有这个页面" in html and "返回村庄列表" in html


@pytest.mark.django_db
def test_bad_request(client):
    response = client.get("/", HTTP_HOST="not-our-host.example")
    assert response.status_code == 400
    assert "请求无法识别" in page(response)


@pytest.mark.django_db
def test_forbidden(client_for, accountant):
    response = client_for(accountant).get("/admin/auth/user/")
    assert response.status_code == 403
    assert "您无权打开此页面" in page(response)


@pytest.mark.django_db
def test_server_error(monkeypatch, wumiao):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("villages.views.render", broken)
    client = Client(raise_request_exception=False, HTTP_USER_AGENT=WECHAT_USER_AGENT)
    response = client.get("/")
    assert response.status_code == 500
    assert "系统出错了" in page(response)
    response = client.get("/", **ENGLISH)
    assert "Something went wrong on our side" in page(response)


@pytest.mark.django_db
def test_a_form_left_open_too_long_gets_the_friendly_page(wumiao):
    client = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=WECHAT_USER_AGENT)
    response = client.post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = page(response)
    assert "页面打开时间过长" in html and "返回村庄列表" in html


@pytest.mark.django_db
def test_the_question_form_is_shown_again_with_what_was_typed(wumiao):
    client = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=WECHAT_USER_AGENT)
    response = client.post(f"/v/{wumiao.code}/ask/", {"text": "路灯什么时候修？", "website": ""})
    assert response.status_code == 403
    html = page(response)
    assert "路灯什么时候修？" in html and "页面打开时间过长" not in html


@pytest.mark.django_db
def test_database_unreachable_is_a_503_in_chinese(monkeypatch, client, wumiao):
    def unreachable(code):
        raise OperationalError("connection refused")

    monkeypatch.setattr("disclosures.caching.public_village", unreachable)
    response = client.get(f"/v/{wumiao.code}/")
    assert response.status_code == 503
    assert response["Retry-After"] == str(views.RETRY_AFTER_SECONDS)
    assert "系统暂时无法访问" in page(response)


@pytest.mark.django_db
def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_while_a_migration_is_pending(client, monkeypatch):
    monkeypatch.setattr(views, "_migrations_applied", False)
    last = MigrationRecorder(connection).applied_migrations()
    app, name = max(key for key in last if key[0] == "villages")
    MigrationRecorder(connection).record_unapplied(app, name)
    response = client.get("/healthz")
    assert response.status_code == 503 and b"migrations pending" in response.content
