from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves the thread's language switched; every test starts in Chinese."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")


@pytest.fixture
def world(db):
    from anxiao.core.testing import make_world

    return make_world()


@pytest.fixture
def as_user(client, world):
    """Log the test client in as one of the world's roles: ``as_user("school_admin")``."""

    def login(role: str):
        client.force_login(world.users[role])
        return client

    return login
