"""Web pages of the targets module, mounted at /targets/."""

from django.urls import path

from . import views

app_name = "targets"
urlpatterns = [
    path("", views.indicator_list, name="indicators"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("assessment/", views.assessment, name="assessment"),
    path("assessment/report.xlsx", views.assessment_xlsx, name="assessment-xlsx"),
    path("assessment/report.docx", views.assessment_docx, name="assessment-docx"),
    path("assessment/report.pdf", views.assessment_pdf, name="assessment-pdf"),
    path("public/", views.public_results, name="public"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/import/", views.task_import, name="task-import"),
    path("tasks/<int:pk>/import/<str:kind>.xlsx", views.task_import_template, name="task-import-template"),
    path("export/<str:kind>.<str:fmt>", views.export, name="export"),
    path("import/", views.upload, name="import"),
]
