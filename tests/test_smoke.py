from tests import factories


def test_it_renders_the_village_page(client, wumiao):
    factories.make_month(wumiao, 2026, 10, entries=3)
    response = client.get("/v/371603201201/")
    assert response.status_code == 200


def test_no_template_comment_reaches_a_page(client, wumiao):
    """Django's {# #} comments end at the line's end: a longer one shows on the page."""
    factories.make_month(wumiao, 2026, 10, entries=3)
    for url in ("/v/371603201201/", "/v/371603201201/finance/2026-10/", "/v/371603201201/ask/"):
        html = client.get(url).content.decode()
        assert "{#" not in html and "#}" not in html, url
