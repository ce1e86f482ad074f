from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.ledger_list, name="ledger_list"),
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("summaries/", views.summary_list, name="summary_list"),
    path("summaries/schools/<int:unit_id>/", views.summary_school, name="summary_school"),
    path("summaries/<int:pk>/approve/", views.summary_step, {"step": "approve"}, name="summary_approve"),
    path("summaries/<int:pk>/return/", views.summary_step, {"step": "return"}, name="summary_return"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/attach/", views.notice_attach, name="notice_attach"),
    path("notices/<int:pk>/notice.docx", views.notice_document, {"fmt": "docx"}, name="notice_docx"),
    path("notices/<int:pk>/notice.pdf", views.notice_document, {"fmt": "pdf"}, name="notice_pdf"),
    path("notice-attachments/<int:pk>/", views.notice_attachment, name="notice_attachment"),
    path("notice-receipts/<int:pk>/confirm/", views.notice_confirm, name="notice_confirm"),
    path("rollup.<str:fmt>", views.rollup_export, name="rollup_export"),
    path("schools/<int:unit_id>/", views.ledger_school, name="ledger_school"),
    path("schools/<int:unit_id>/prepare/", views.ledger_prepare, name="ledger_prepare"),
    path("ledgers/<int:pk>/approve/", views.ledger_approve, name="ledger_approve"),
    path("ledgers/<int:pk>/return/", views.ledger_return, name="ledger_return"),
    path("ledgers/<int:pk>/export.<str:fmt>", views.ledger_export, name="ledger_export"),
]
