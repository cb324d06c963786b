from tests import factories


def test_it_renders_the_village_page(client, wumiao):
    factories.make_month(wumiao, 2026, 10, entries=3)
    response = client.get("/v/371603201201/")
    assert response.status_code == 200
