from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="policy_list"),
    path("adopt/", views.policy_adopt, name="policy_adopt"),
    path("<int:pk>/", views.policy_detail, name="policy_detail"),
    path("<int:pk>/mapping/", views.policy_mapping, name="policy_mapping"),
    path("<int:pk>/coverage/", views.policy_coverage, name="policy_coverage"),
    path("duties/<int:pk>/edit/", views.duty_edit, name="duty_edit"),
    path("lists/<int:pk>/add/", views.duty_add, name="duty_add"),
]
