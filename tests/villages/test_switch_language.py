import pytest


def test_it_sets_the_language_cookie_and_goes_back(client, wumiao):
    response = client.get("/language/en/?next=/v/371603201201/")

    assert response.status_code == 302
    assert response["Location"] == "/v/371603201201/"
    assert response.cookies["django_language"].value == "en"
    page = client.get("/v/371603201201/")
    assert 'lang="en"' in page.content.decode()


def test_it_ignores_an_unknown_language(client):
    response = client.get("/language/xx/?next=/")

    assert response.status_code == 302
    assert "django_language" not in response.cookies


def test_it_never_redirects_to_another_site(client):
    response = client.get("/language/en/?next=https://evil.example/")

    assert response["Location"] == "/"


def test_the_footer_offers_the_other_language_as_a_plain_link(client, wumiao):
    content = client.get("/v/371603201201/").content.decode()

    assert 'href="/language/en/?next=/v/371603201201/"' in content
    assert "csrfmiddlewaretoken" not in content


@pytest.mark.parametrize("next_url", ["word", "landing", "admin:index", "v/371603201201/", ""])
def test_a_next_that_is_not_a_path_goes_home(client, next_url):
    """A bare word was taken for a URL pattern's name: a server error."""
    response = client.get("/language/en/", {"next": next_url})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_next_with_a_line_break_stays_one_header(client):
    response = client.get("/language/en/", {"next": "/v/\r\nSet-Cookie: x=1"})

    assert response.status_code == 302
    assert response["Location"] == "/v/%0D%0ASet-Cookie:%20x=1"
