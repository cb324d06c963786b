"""Staff open a draft month exactly as villagers will see it, under a draft band; the
public never reaches it."""

import pytest
from django.urls import reverse

from tests.disclosures.review_helpers import draft_month


@pytest.fixture
def draft(wumiao, accountant):
    return draft_month(wumiao, 2026, 8, created_by=accountant, lines=3)


def preview_url(month):
    return reverse("admin:disclosures_ledgermonth_preview", args=[month.pk])


def test_the_accountant_previews_the_draft_as_villagers_will_see_it(client_for, accountant, draft):
    response = client_for(accountant).get(preview_url(draft))

    content = response.content.decode()
    assert response.status_code == 200
    assert "草稿 · 未公开" in content
    for entry in draft.entries.all():
        assert entry.description in content
    # The totals the public page will show: income 4,500.00, expenses 1,586.50.
    assert "4,500.00" in content
    assert "1,586.50" in content
    assert "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


def test_a_reviewer_previews_a_submitted_month(client_for, accountant, reviewer, draft):
    draft.submit(accountant)

    assert client_for(reviewer).get(preview_url(draft)).status_code == 200


def test_another_village_s_accountant_cannot_preview_it(client_for, other_accountant, draft):
    assert client_for(other_accountant).get(preview_url(draft)).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client, draft):
    response = client.get(preview_url(draft))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_public_address_of_the_draft_stays_a_404(client, draft):
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_view_on_site_of_a_draft_opens_the_preview(client_for, accountant, draft):
    change = reverse("admin:disclosures_ledgermonth_change", args=[draft.pk])
    html = client_for(accountant).get(change).content.decode()

    assert preview_url(draft) in html
