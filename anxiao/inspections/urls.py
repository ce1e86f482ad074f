from django.urls import path

from . import exports, views

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_list, name="inspection_list"),
    path("export.xlsx", exports.INSPECTIONS.view, name="inspection_export"),
    path("new/", views.inspection_create, name="inspection_create"),
    path("<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("<int:pk>/submit/", views.inspection_submit, name="inspection_submit"),
    path("<int:pk>/report.pdf", views.inspection_report, name="inspection_report"),
    path("<int:pk>/sign/", views.inspection_sign, name="inspection_sign"),
    path("signatures/<int:pk>/", views.signature_image, name="signature_image"),
    path("<int:pk>/members/", views.member_add, name="member_add"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("results/<int:pk>/hazard/", views.result_to_hazard, name="result_to_hazard"),
    path("results/photos/<int:pk>/", views.result_photo, name="result_photo"),
    path("checklists/", views.checklist_list, name="checklist_list"),
    path("checklists/new/", views.checklist_create, name="checklist_create"),
    path("checklists/<int:pk>/", views.checklist_detail, name="checklist_detail"),
    path("checklists/<int:pk>/retire/", views.checklist_retire, name="checklist_retire"),
    path("checklists/<int:pk>/items/new/", views.item_edit, name="item_create"),
    path("checklists/<int:pk>/items/<int:item_pk>/", views.item_edit, name="item_edit"),
    path("checklists/<int:pk>/items/<int:item_pk>/retire/", views.item_retire, name="item_retire"),
    path("points/", views.point_list, name="point_list"),
    path("points/new/", views.point_create, name="point_create"),
    path("points/print/", views.point_print, name="point_print"),
    path("points/scan/", views.point_scan, name="point_scan"),
    path("points/<int:pk>/rotate/", views.point_rotate, name="point_rotate"),
    path("points/<uuid:token>/", views.point_checkin, name="point_checkin"),
]
