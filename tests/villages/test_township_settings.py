"""Township staff set their own township's supervision telephone and the days villages have
to answer a question; nothing else of it, and nothing of other townships."""

from django.urls import reverse

from villages.models import Township


def form_data(township, **changes):
    data = {
        "district": township.district_id,
        "code": township.code,
        "name": township.name,
        "supervision_phone": township.supervision_phone,
        "large_expense_threshold": township.large_expense_threshold,
        "major_matter_threshold": township.major_matter_threshold,
        "question_deadline_days": township.question_deadline_days,
    }
    return {**data, **changes}


def test_township_staff_set_the_answer_deadline(client, liguo, township_staff):
    client.force_login(township_staff)
    url = reverse("admin:villages_township_change", args=[liguo.pk])
    response = client.post(
        url,
        form_data(liguo, question_deadline_days=15, name="改名乡", large_expense_threshold=1),
    )
    assert response.status_code == 302
    liguo = Township.objects.get(pk=liguo.pk)
    assert liguo.question_deadline_days == 15
    # The name and the thresholds are the county's: read-only for township staff.
    assert liguo.name == "利国乡" and liguo.large_expense_threshold == 1000


def test_the_deadline_stays_within_reason(client, liguo, township_staff):
    client.force_login(township_staff)
    url = reverse("admin:villages_township_change", args=[liguo.pk])
    response = client.post(url, form_data(liguo, question_deadline_days=0))
    assert response.status_code == 200
    assert Township.objects.get(pk=liguo.pk).question_deadline_days == 20


def test_other_townships_and_village_staff_cannot_change_it(
    client, liguo, huangsheng, township_staff, accountant, yanjia
):
    yanjia.staff.add(township_staff)  # Sees 黄升镇 through a village, is not its staff.
    client.force_login(township_staff)
    url = reverse("admin:villages_township_change", args=[huangsheng.pk])
    client.post(url, form_data(huangsheng, question_deadline_days=5))
    client.force_login(accountant)
    client.post(
        reverse("admin:villages_township_change", args=[liguo.pk]),
        form_data(liguo, question_deadline_days=5),
    )
    assert set(Township.objects.values_list("question_deadline_days", flat=True)) == {20}
