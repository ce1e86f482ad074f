from django.urls import path

from anxiao.core.crud import urlpatterns_for

from . import exports, views

app_name = "chiefs"

urlpatterns = [
    path("", views.chief_list, name="chief_list"),
    path("posts/<int:pk>/", views.chief_detail, name="chief_detail"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency_detail"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/export.xlsx", exports.TASKS.view, name="task_export"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/accept/", views.task_accept, name="task_accept"),
    path("tasks/<int:pk>/close/", views.task_close, name="task_close"),
    path("tasks/<int:pk>/verify/", views.task_verify, name="task_verify"),
    path("tasks/<int:pk>/return/", views.task_return, name="task_return"),
    path("tasks/attachments/<int:pk>/", views.task_attachment_download, name="task_attachment_download"),
    path("meetings/<int:pk>/void/", views.meeting_void, name="meeting_void"),
    path("duties/coverage/", views.duty_coverage, name="duty_coverage"),
    path("duties/<int:pk>/checkin/", views.duty_checkin, name="duty_checkin"),
    path("gate/<int:school_id>/", views.gate_scan, name="gate_scan"),
    path("gate/<int:school_id>/qr/", views.gate_qr, name="gate_qr"),
    *urlpatterns_for(views.MEETINGS, "meetings"),
    *urlpatterns_for(views.DUTIES, "duties"),
]
