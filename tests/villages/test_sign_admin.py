"""Printing signs from the admin: who may, which villages they get, and how the batch is
made by the background worker while the page shows its progress."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.villages.test_signs import page_count, page_text
from villages import signs
from villages.models import SignBatch
from villages.roles import TOWNSHIP_STAFF


def signs_url(township):
    return reverse("admin:villages_township_signs", args=[township.pk])


def batch_url(batch, download=False):
    name = "admin:villages_sign_batch_download" if download else "admin:villages_sign_batch"
    return reverse(name, kwargs={"key": batch.key})


def save_pdf(response, tmp_path):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "signs.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    return path


def made_by_the_worker(client, response, pdf_worker):
    """Follow a print request the way staff do: the progress page, the worker, the link."""
    assert response.status_code == 302, response.status_code
    progress = client.get(response["Location"])
    assert progress.status_code == 200
    assert b'<meta http-equiv="refresh" content="3">' in progress.content
    pdf_worker.run()
    done = client.get(response["Location"])
    assert b"http-equiv" not in done.content
    batch = done.context["batch"]
    assert batch.villages_done == batch.villages_total
    return client.get(batch_url(batch, download=True))


@pytest.fixture
def huangsheng_staff(huangsheng):
    return factories.make_user("huangsheng_staff", TOWNSHIP_STAFF, townships=[huangsheng])


def test_it_lets_township_staff_download_their_townships_signs(
    client_for, pdf_worker, tmp_path, township_staff, liguo, wumiao, dongying, yanjia
):
    client = client_for(township_staff)
    response = made_by_the_worker(client, client.get(signs_url(liguo)), pdf_worker)
    path = save_pdf(response, tmp_path)
    assert page_count(path) == liguo.villages.count() == 2
    assert "五庙村" in page_text(path, 1)
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="371603201-signs-{today:%Y%m%d}.pdf"'
    )
    # Asked again once made: the file itself, nothing queued.
    again = client.get(signs_url(liguo))
    assert page_count(save_pdf(again, tmp_path)) == 2
    assert pdf_worker.queued("make_sign_batch") == 1


def test_it_never_renders_signs_in_the_request(
    client_for, pdf_worker, township_staff, liguo, wumiao, monkeypatch
):
    def never(*args, **kwargs):
        raise AssertionError("rendered in the request")

    monkeypatch.setattr(signs, "render_signs", never)
    response = client_for(township_staff).get(signs_url(liguo))
    assert response.status_code == 302


def test_a_batch_asked_for_twice_while_pending_is_queued_once(
    client_for, pdf_worker, township_staff, superuser, liguo, wumiao, dongying
):
    first = client_for(township_staff).get(signs_url(liguo))
    second = client_for(superuser).get(signs_url(liguo))
    assert first["Location"] == second["Location"]
    assert pdf_worker.queued("make_sign_batch") == 1
    assert SignBatch.objects.count() == 1


def test_the_progress_page_counts_the_villages_done(
    client_for, pdf_worker, township_staff, liguo, wumiao, dongying
):
    client = client_for(township_staff)
    page = client.get(signs_url(liguo), follow=True, headers={"accept-language": "en"})
    assert "Done 0 of 2 villages." in page.content.decode()
    batch = SignBatch.objects.get()
    SignBatch.objects.filter(pk=batch.pk).update(villages_done=1)
    page = client.get(batch_url(batch), headers={"accept-language": "zh-hans"})
    html = page.content.decode()
    assert '<progress value="1" max="2">' in html
    assert "已完成 1 / 2 个村" in html
    assert batch_url(batch, download=True) not in html
    # Before the file is made, the download link leads back to the progress page.
    assert client.get(batch_url(batch, download=True))["Location"] == batch_url(batch)


def test_it_shows_a_batch_only_to_staff_who_see_all_its_villages(
    client_for, pdf_worker, township_staff, huangsheng_staff, superuser, liguo, wumiao, yanjia
):
    client_for(township_staff).get(signs_url(liguo))
    batch = SignBatch.objects.get()
    pdf_worker.run()
    other = client_for(huangsheng_staff)
    assert other.get(batch_url(batch)).status_code == 404
    assert other.get(batch_url(batch, download=True)).status_code == 404
    assert client_for(superuser).get(batch_url(batch)).status_code == 200


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


def test_it_prints_the_selected_villages(
    client_for, pdf_worker, tmp_path, township_staff, wumiao, dongying
):
    client = client_for(township_staff)
    response = made_by_the_worker(
        client, run_action(client, "village", [dongying, wumiao]), pdf_worker
    )
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
    client_for, pdf_worker, tmp_path, township_staff, liguo, wumiao, dongying, yanjia
):
    client = client_for(township_staff)
    response = made_by_the_worker(client, run_action(client, "township", [liguo]), pdf_worker)
    assert page_count(save_pdf(response, tmp_path)) == 2


def test_township_staff_batch_only_their_own_township(
    client_for, pdf_worker, township_staff, liguo, huangsheng, wumiao, yanjia
):
    client = client_for(township_staff)
    assert client.get(signs_url(huangsheng)).status_code == 404
    # The action on a list that holds only their own township ignores another's id.
    response = run_action(client, "township", [huangsheng])
    assert response["Content-Type"] != "application/pdf"
    assert SignBatch.objects.count() == 0
    assert pdf_worker.queued("make_sign_batch") == 0


def test_a_sign_batch_replaced_by_a_newer_one_is_pruned(
    client_for, pdf_worker, settings, township_staff, liguo, wumiao
):
    client = client_for(township_staff)
    client.get(signs_url(liguo))
    pdf_worker.run()
    liguo.supervision_phone = "0543-7000000"  # what the signs show has changed
    liguo.save()
    client.get(signs_url(liguo))
    assert pdf_worker.queued("make_sign_batch") == 2
    pdf_worker.run()
    old, new = SignBatch.objects.order_by("requested_at")
    for batch, days in ((old, 3), (new, 2)):
        SignBatch.objects.filter(pk=batch.pk).update(
            requested_at=timezone.now() - timezone.timedelta(days=days)
        )
    call_command("prune_generated", verbosity=0)
    assert list(SignBatch.objects.all()) == [new]
    files = settings.MEDIA_ROOT / "generated"
    assert [p.name for p in files.iterdir()] == [f"{new.key}.pdf"]
