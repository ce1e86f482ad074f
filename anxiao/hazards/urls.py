from django.urls import path

from . import exports, views

app_name = "hazards"

urlpatterns = [
    path("", views.hazard_list, name="hazard_list"),
    path("export.xlsx", exports.HAZARDS.view, name="hazard_export"),
    path("new/", views.hazard_create, name="hazard_create"),
    path("rollup/", views.hazard_rollup, name="hazard_rollup"),
    path("extensions/", views.extension_list, name="extension_list"),
    path("supervision/", views.supervision_list, name="supervision_list"),
    path("rectification-list/", views.rectification_list, name="rectification_list"),
    path("<int:pk>/", views.hazard_detail, name="hazard_detail"),
    path("<int:pk>/transition/", views.hazard_transition, name="hazard_transition"),
    path("photos/<int:pk>/", views.photo_download, name="photo_download"),
]
