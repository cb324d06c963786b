"""Printing signs from the admin: who may, and which villages they get."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.villages.test_signs import page_count, page_text
from villages.roles import TOWNSHIP_STAFF


def signs_url(township):
    return reverse("admin:villages_township_signs", args=[township.pk])


def save_pdf(response, tmp_path):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "signs.pdf"
    path.write_bytes(response.content)
    return path


@pytest.fixture
def huangsheng_staff(huangsheng):
    return factories.make_user("huangsheng_staff", TOWNSHIP_STAFF, townships=[huangsheng])


def test_it_lets_township_staff_download_their_townships_signs(
    client_for, tmp_path, township_staff, liguo, wumiao, dongying, yanjia
):
    response = client_for(township_staff).get(signs_url(liguo))
    path = save_pdf(response, tmp_path)
    assert page_count(path) == liguo.villages.count() == 2
    assert "五庙村" in page_text(path, 1)
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="371603201-signs-{today:%Y%m%d}.pdf"'
    )


def test_it_hides_another_townships_signs(client_for, huangsheng_staff, liguo, wumiao):
    assert client_for(huangsheng_staff).get(signs_url(liguo)).status_code == 404


def test_it_forbids_signs_without_the_print_permission(client_for, accountant, liguo):
    assert client_for(accountant).get(signs_url(liguo)).status_code == 403


def test_it_sends_anonymous_visitors_to_the_login_page(client, liguo, wumiao):
    response = client.get(signs_url(liguo))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_it_goes_back_to_the_list_for_a_township_without_villages(client_for, superuser, liguo):
    response = client_for(superuser).get(
        signs_url(liguo), follow=True, headers={"accept-language": "en"}
    )
    assert response.redirect_chain == [(reverse("admin:villages_township_changelist"), 302)]
    assert "This township has no villages yet." in [str(m) for m in response.context["messages"]]


def run_action(client, model, objects):
    return client.post(
        reverse(f"admin:villages_{model}_changelist"),
        {"action": "print_signs", "index": "0", "_selected_action": [o.pk for o in objects]},
    )


def test_it_prints_the_selected_villages(client_for, tmp_path, township_staff, wumiao, dongying):
    response = run_action(client_for(township_staff), "village", [dongying, wumiao])
    path = save_pdf(response, tmp_path)
    assert page_count(path) == 2
    assert "五庙村" in page_text(path, 1)


def test_it_prints_only_the_staffs_own_selected_villages(
    client_for, township_staff, wumiao, yanjia
):
    response = run_action(client_for(township_staff), "village", [yanjia])
    assert response.status_code == 302
    assert response["Content-Type"] != "application/pdf"


def test_it_offers_no_print_action_to_an_accountant(client_for, accountant, wumiao):
    # Without any action the list page ignores the POST and shows the list again.
    response = run_action(client_for(accountant), "village", [wumiao])
    assert response.status_code == 200
    assert response["Content-Type"] != "application/pdf"
    assert b"print_signs" not in response.content


def test_it_prints_the_selected_townships(
    client_for, tmp_path, township_staff, liguo, wumiao, dongying, yanjia
):
    response = run_action(client_for(township_staff), "township", [liguo])
    assert page_count(save_pdf(response, tmp_path)) == 2
