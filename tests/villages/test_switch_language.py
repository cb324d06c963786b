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
