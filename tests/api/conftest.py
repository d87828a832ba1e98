"""The API's tests sign in the way programs do: with a personal token of the named cast."""

import pytest
from rest_framework.test import APIClient

from api.services import api_token_create


def token_for(user, **kwargs) -> str:
    return api_token_create(user=user, name="test", **kwargs)[1]


@pytest.fixture
def api_for(db):
    """`api_for(user)`: an API client sending that user's new token (None: no token at all)."""

    def client(user, **kwargs):
        api = APIClient()
        if user is not None:
            api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user, **kwargs)}")
        return api

    return client
