from django.urls import path

from . import views

app_name = "accountability"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_create, name="case_create"),
    path("measures/", views.measure_settings, name="measure_settings"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/posts/<int:post_id>/decision/", views.decision_create, name="decision_create"),
]
