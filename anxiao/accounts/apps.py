from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "anxiao.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from anxiao.core.access import may_manage
        from anxiao.core.api import TOKEN_USER
        from anxiao.core.navigation import MenuEntry, register

        from . import signals  # noqa: F401  (account events into the audit log, tokens revoked)
        from .actions import user_for_token

        TOKEN_USER[:] = [user_for_token]

        register(MenuEntry("账号授权", "accounts:grant_list", 80, needs=may_manage))

        from anxiao.notifications.actions import register_sender
        from anxiao.notifications.models import Channel

        from .actions import send_password_reset

        for channel in (Channel.RESET_EMAIL, Channel.RESET_SMS):  # the worker makes and sends the link or code
            register_sender(channel, send_password_reset)
