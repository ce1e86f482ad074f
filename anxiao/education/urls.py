from django.urls import path

from . import views

app_name = "education"

urlpatterns = [
    path("", views.rollup, name="rollup"),
    path("mine/", views.my_classes, name="mine"),
    path("schools/<int:pk>/", views.school, name="school"),
    path("schools/<int:pk>/calendar/", views.calendar, name="calendar"),
    path("schools/<int:pk>/record/<str:kind>/", views.record_form, name="record"),
    path("records/", views.record_list, name="record_list"),
    path("records/<int:pk>/", views.record_detail, name="record_detail"),
    path("records/<int:pk>/void/", views.record_void, name="record_void"),
    path("records/<int:pk>/attendance/", views.record_attendance, name="record_attendance"),
]
