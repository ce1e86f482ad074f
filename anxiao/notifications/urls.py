from django.urls import path

from anxiao.core.crud import urlpatterns_for

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.read_all, name="read_all"),
    *urlpatterns_for(views.WEBHOOKS, "webhooks"),
    path("webhooks/<int:pk>/test/", views.webhook_test, name="webhook_test"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/retry/", views.outbox_retry, name="outbox_retry"),
]
