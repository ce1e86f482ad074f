from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from .models import User


class UsernameOrMobileBackend(ModelBackend):
    """Log in with the account name or the mobile number of the person it belongs to."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> User | None:
        if not username or not password:
            return None
        login = username.strip()
        candidates = list(User.objects.filter(Q(username__iexact=login) | Q(person__mobile=login))[:2])
        if len(candidates) != 1:
            User().set_password(password)  # same work as a real check, so timing tells nothing
            return None
        user = candidates[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
