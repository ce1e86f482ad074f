from django.urls import include, path

from .api import api

urlpatterns = [
    path("", include("anxiao.core.urls")),
    path("accounts/", include("anxiao.accounts.urls")),
    path("org/", include("anxiao.org.urls")),
    path("risks/", include("anxiao.risks.urls")),
    path("chiefs/", include("anxiao.chiefs.urls")),
    path("inspections/", include("anxiao.inspections.urls")),
    path("hazards/", include("anxiao.hazards.urls")),
    path("incidents/", include("anxiao.incidents.urls")),
    path("accountability/", include("anxiao.accountability.urls")),
    path("assessment/", include("anxiao.assessment.urls")),
    path("reports/", include("anxiao.reports.urls")),
    path("staffing/", include("anxiao.staffing.urls")),
    path("drills/", include("anxiao.drills.urls")),
    path("education/", include("anxiao.education.urls")),
    path("obligations/", include("anxiao.obligations.urls")),
    path("notifications/", include("anxiao.notifications.urls")),
    path("policies/", include("anxiao.policies.urls")),
    path("responsibility/", include("anxiao.responsibility.urls")),
    path("documents/", include("anxiao.documents.urls")),
    path("api/v1/", api.urls),
]
