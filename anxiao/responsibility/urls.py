from django.urls import path

from . import exports, views

app_name = "responsibility"

urlpatterns = [
    path("my/", views.my_duties, name="my_duties"),
    path("lists/", views.list_index, name="list_index"),
    path("lists/generate/", views.generate, name="generate"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    path("lists/<int:pk>/edit/", views.list_edit, name="list_edit"),
    path("lists/<int:pk>/acknowledge/", views.list_acknowledge, name="list_acknowledge"),
    path("letters/", views.letter_list, name="letter_list"),
    path("letters/export.xlsx", exports.LETTERS.view, name="letter_export"),
    path("letters/issue/", views.letter_issue, name="letter_issue"),
    path("letters/export.zip", views.letter_zip, name="letter_zip"),
    path("letters/<int:pk>/", views.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/sign/", views.letter_sign, name="letter_sign"),
    path("letters/<int:pk>/edit/", views.letter_edit, name="letter_edit"),
    path("letters/<int:pk>/letter.docx", views.letter_docx, name="letter_docx"),
    path("letters/<int:pk>/letter.pdf", views.letter_pdf, name="letter_pdf"),
    path("coverage/", views.coverage_index, name="coverage_index"),
    path("coverage/<int:pk>/", views.coverage_view, name="coverage"),
    path("matters/", views.matter_list, name="matter_list"),
    path("matters/new/", views.matter_create, name="matter_create"),
    path("matters/<int:pk>/assign/", views.matter_assign, name="matter_assign"),
]
