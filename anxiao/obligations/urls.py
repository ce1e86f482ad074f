from django.urls import path

from anxiao.core.crud import urlpatterns_for

from . import exports, views

app_name = "obligations"

urlpatterns = [
    path("", views.my_work, name="my_work"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("compliance/", views.compliance, name="compliance"),
    path("occurrences/", views.occurrence_list, name="occurrence_list"),
    path("occurrences/<int:pk>/", views.occurrence_detail, name="occurrence_detail"),
    path("occurrences/<int:pk>/done/", views.occurrence_done, name="occurrence_done"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/export.xlsx", exports.ACTIVITIES.view, name="activity_export"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/void/", views.activity_void, name="activity_void"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    *urlpatterns_for(views.RULES, "rules"),
    *urlpatterns_for(views.HEIGHTENED, "heightened"),
    *urlpatterns_for(views.SETTINGS, "settings"),
]
