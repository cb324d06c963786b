"""Login protection (django-axes) and the account log.

The accountant keeps 五庙村 (利国乡); other_accountant keeps 闫家村 (黄升镇);
township_staff works for 利国乡. Every client below is told its address with REMOTE_ADDR,
as the WSGI server would."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD
from villages.roles import REVIEWER
from villages.security import AccountLogError, SecurityEvent

LOGIN = "/admin/login/"
ATTACKER = "203.0.113.7"
OFFICE = "198.51.100.20"


def attempt(username, password, address=ATTACKER, **headers):
    client = Client(REMOTE_ADDR=address, **headers)
    return client, client.post(LOGIN, {"username": username, "password": password})


def fail(username, times, address=ATTACKER, **headers):
    return [attempt(username, "wrong", address, **headers)[1].status_code for _ in range(times)]


def logged_in(response):
    return response.status_code == 302


def test_the_limit_is_at_most_ten():
    assert settings.AXES_FAILURE_LIMIT <= 10


def test_an_account_is_locked_after_ten_failures_even_with_the_right_password(accountant):
    statuses = fail("accountant", 10)

    assert statuses[:9] == [200] * 9  # the login form again, with its error
    assert statuses[9] == 429
    _, response = attempt("accountant", PASSWORD)
    assert response.status_code == 429
    assert "登录已锁定" in response.content.decode()
    # From another client too: the account itself is locked.
    _, response = attempt("accountant", PASSWORD, address=OFFICE)
    assert response.status_code == 429


def test_another_account_is_unaffected(accountant, reviewer):
    fail("accountant", 10)

    _, response = attempt("reviewer", PASSWORD, address=OFFICE)
    assert logged_in(response)


def test_a_client_trying_many_names_is_locked(accountant, reviewer):
    for number in range(10):
        attempt(f"guess{number}", "wrong")

    _, response = attempt("reviewer", PASSWORD)
    assert response.status_code == 429
    _, response = attempt("reviewer", PASSWORD, address=OFFICE)
    assert logged_in(response)


def test_a_spoofed_x_forwarded_for_does_not_reset_the_count(accountant, reviewer):
    """Each guess claims another address; the portal was told no header to trust."""
    for number in range(10):
        attempt(f"guess{number}", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")

    _, response = attempt("reviewer", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert response.status_code == 429


def test_a_spoofed_x_forwarded_for_cannot_lock_someone_else_out(accountant, reviewer):
    for number in range(10):
        attempt(f"guess{number}", "wrong", HTTP_X_FORWARDED_FOR=OFFICE)

    _, response = attempt("reviewer", PASSWORD, address=OFFICE)
    assert logged_in(response)


def test_behind_a_proxy_the_named_header_is_the_client(settings, accountant, reviewer):
    """All requests come from the proxy (127.0.0.1); X-Real-IP is the client's. A
    client's X-Forwarded-For is ignored, so the proxy is not locked for everyone."""
    settings.CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"
    for number in range(10):
        attempt(
            f"guess{number}",
            "wrong",
            address="127.0.0.1",
            HTTP_X_REAL_IP=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"10.0.0.{number}",
        )

    _, locked = attempt("reviewer", PASSWORD, address="127.0.0.1", HTTP_X_REAL_IP=ATTACKER)
    _, other = attempt("reviewer", PASSWORD, address="127.0.0.1", HTTP_X_REAL_IP=OFFICE)
    assert locked.status_code == 429
    assert logged_in(other)


def test_a_lockout_expires(accountant):
    fail("accountant", 10)
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC)
        - settings.AXES_COOLOFF_TIME
        - datetime.timedelta(seconds=1)
    )

    _, response = attempt("accountant", PASSWORD)
    assert logged_in(response)


def test_township_staff_lift_a_lockout_of_their_township_only(
    accountant, other_accountant, township_staff, client_for
):
    fail("accountant", 10)
    fail("other_accountant", 10, address=OFFICE)
    staff = client_for(township_staff)

    listed = staff.get("/admin/axes/accessattempt/").context["cl"].queryset
    assert {a.username for a in listed} == {"accountant"}
    others = AccessAttempt.objects.get(username="other_accountant")
    assert staff.get(f"/admin/axes/accessattempt/{others.pk}/delete/").status_code in (302, 403)

    response = staff.post(
        "/admin/axes/accessattempt/",
        {"action": "lift_locks", "_selected_action": [a.pk for a in listed]},
    )
    assert response.status_code == 302
    _, response = attempt("accountant", PASSWORD)
    assert logged_in(response)
    _, response = attempt("other_accountant", PASSWORD, address=OFFICE)
    assert response.status_code == 429
    lifted = SecurityEvent.objects.get(kind=SecurityEvent.Kind.UNLOCKED)
    assert (lifted.user, lifted.actor) == (accountant, township_staff)


def test_logins_failures_logouts_and_lockouts_are_logged_with_the_client(accountant):
    fail("accountant", 10)
    AccessAttempt.objects.all().delete()
    client, _ = attempt("accountant", PASSWORD, address=OFFICE)
    client.post("/admin/logout/")

    events = list(
        SecurityEvent.objects.order_by("pk").values_list("kind", "username", "user", "client")
    )
    failed = ("login_failed", "accountant", accountant.pk, ATTACKER)
    assert events.count(failed) >= 9
    assert ("locked_out", "accountant", accountant.pk, ATTACKER) in events
    assert events[-2:] == [
        ("login", "accountant", accountant.pk, OFFICE),
        ("logout", "accountant", accountant.pk, OFFICE),
    ]


def test_a_failed_login_for_a_name_nobody_has_is_logged_without_an_account(db):
    attempt("nobody", "wrong")
    event = SecurityEvent.objects.get(kind="login_failed")
    assert (event.kind, event.username, event.user) == ("login_failed", "nobody", None)


def test_group_and_flag_changes_in_the_admin_name_who_made_them(accountant, superuser, client_for):
    client = client_for(superuser)
    page = client.get(f"/admin/auth/user/{accountant.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name not in ("password", "groups", "user_permissions", "last_login", "date_joined")
        and value is not None
    }
    data.update(
        groups=[group.pk for group in accountant.groups.all()]
        + [Group.objects.get(name=REVIEWER).pk],
        is_superuser="on",
        is_staff="on",
        is_active="on",
        date_joined_0=timezone.localtime(accountant.date_joined).date().isoformat(),
        date_joined_1=timezone.localtime(accountant.date_joined).strftime("%H:%M:%S"),
    )
    before = SecurityEvent.objects.order_by("pk").last().pk
    response = client.post(f"/admin/auth/user/{accountant.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    changes = SecurityEvent.objects.filter(user=accountant, pk__gt=before)
    assert {(e.kind, e.actor_id, e.detail) for e in changes} == {
        ("groups", superuser.pk, f"+{REVIEWER}"),
        ("account", superuser.pk, "is_superuser: False → True"),
    }


def test_township_staff_see_the_log_of_their_township_only(
    accountant, other_accountant, township_staff, client_for
):
    fail("accountant", 1)
    fail("other_accountant", 1)
    fail("nobody", 1)

    listed = client_for(township_staff).get("/admin/villages/securityevent/")
    assert listed.status_code == 200
    # Their own login is theirs to see too; 黄升镇's accountant and unknown names are not.
    assert {e.username for e in listed.context["cl"].queryset} == {"accountant", "township_staff"}


def test_the_account_log_cannot_be_changed_or_deleted(accountant):
    fail("accountant", 1)
    event = SecurityEvent.objects.get(kind="login_failed")
    event.detail = "nothing happened"
    with pytest.raises(AccountLogError):
        event.save()
    with pytest.raises(AccountLogError):
        SecurityEvent.objects.all().delete()


# Sessions


def test_staff_sessions_last_a_working_day_and_end_with_the_browser():
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_changing_a_password_ends_the_other_sessions(accountant):
    elsewhere, response = attempt("accountant", PASSWORD, address=OFFICE)
    assert logged_in(response)
    assert elsewhere.get("/admin/").status_code == 200

    accountant.set_password("a-new-long-password-2026")
    accountant.save()

    assert elsewhere.get("/admin/").status_code == 302  # back to the login page
    assert SecurityEvent.objects.filter(user=accountant, detail="password changed").exists()


def test_the_account_log_is_filtered_by_year_without_a_date_hierarchy(client_for, superuser):
    """A date hierarchy's first level reads every entry of the log for its years; the
    year filter offers the years from the oldest and newest entry (two index reads)."""
    for year in (2019, 2024):
        SecurityEvent.objects.create(
            kind=SecurityEvent.Kind.LOGIN_FAILED,
            username=f"someone-{year}",
            at=timezone.make_aware(datetime.datetime(year, 6, 1, 10)),
        )
    client = client_for(superuser)

    listed = client.get("/admin/villages/securityevent/")
    assert listed.context["cl"].date_hierarchy is None
    year_filter = next(
        f
        for f in listed.context["cl"].filter_specs
        if getattr(f, "parameter_name", "") == "at__year"
    )
    offered = [choice["display"] for choice in year_filter.choices(listed.context["cl"])]
    this_year = str(timezone.localdate().year)
    assert offered[1] == this_year and offered[-1] == "2019" and "2024" in offered

    in_2019 = client.get("/admin/villages/securityevent/?at__year=2019")
    assert [e.username for e in in_2019.context["cl"].result_list] == ["someone-2019"]
