"""Account events into the audit log, and tokens revoked when a password changes or an account is deactivated.

Signals rather than calls in each view: Django's own password views, the admin and the CLI all save User."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .models import User

HIDDEN = "******"


@receiver(pre_save, sender=User, dispatch_uid="anxiao-user-before")
def _remember(sender: type, instance: User, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.pk is None:
        instance._anxiao_before = None  # type: ignore[attr-defined]
        return
    instance._anxiao_before = (  # type: ignore[attr-defined]
        User.objects.filter(pk=instance.pk).values("password", "is_active", "is_superuser", "username").first())


@receiver(post_save, sender=User, dispatch_uid="anxiao-user-after")
def _record(sender: type, instance: User, created: bool, raw: bool = False, **kwargs: Any) -> None:
    from . import actions

    if raw:
        return
    if created:
        actions.log_account_event(instance, "create", {"username": [None, instance.username],
                                                       "is_active": [None, instance.is_active]})
        return
    before = getattr(instance, "_anxiao_before", None)
    if not before:
        return
    changes: dict[str, Any] = {}
    if before["password"] != instance.password:
        changes["password"] = [HIDDEN, HIDDEN]
    for name in ("is_active", "is_superuser", "username"):
        if before[name] != getattr(instance, name):
            changes[name] = [before[name], getattr(instance, name)]
    if not changes:
        return
    actions.log_account_event(instance, "update", changes)
    if "password" in changes or changes.get("is_active") == [True, False]:
        actions.revoke_all_tokens(instance)
    instance._anxiao_before = {**before, **{k: getattr(instance, k) for k in before}}  # type: ignore[attr-defined]


@receiver(user_logged_in, dispatch_uid="anxiao-user-login")
def _logged_in(sender: type, request: Any, user: User, **kwargs: Any) -> None:
    from . import actions

    actions.log_account_event(user, "login", {"via": ["", "web"]})
