from django.urls import path

from . import exports, views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="incident_list"),
    path("export.xlsx", exports.INCIDENTS.view, name="incident_export"),
    path("new/", views.incident_create, name="incident_create"),
    path("<int:pk>/", views.incident_detail, name="incident_detail"),
    path("<int:pk>/reports/new/", views.report_create, name="report_create"),
    path("<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("<int:pk>/close/", views.incident_close, name="incident_close"),
    path("actions/<int:pk>/complete/", views.action_complete, name="action_complete"),
    path("schools/<int:unit_id>/teams/", views.team_list, name="team_list"),
    path("teams/<int:pk>/", views.team_edit, name="team_edit"),
]
