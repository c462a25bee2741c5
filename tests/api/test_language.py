import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [("en", "Give a position"), ("fr-FR,fr;q=0.9", "Indiquez une position"), ("", "Indiquez une position")],
)
def test_api_answers_in_the_clients_language(client, accept_language, expected):
    response = client.get("/api/v1/shops/", {"near": "nowhere"}, HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 400
    assert response.json()["near"][0].startswith(expected)
