from django.urls import include, path
from django.views.i18n import set_language

from .api import api

urlpatterns = [
    path("", include("anxiao.core.urls")),
    path("accounts/", include("anxiao.accounts.urls")),
    path("org/", include("anxiao.org.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
]
