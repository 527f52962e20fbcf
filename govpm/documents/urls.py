"""Downloads of documents, exports and open data for the web UI (signed-in users), at /documents/."""

from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("<int:pk>/docx/", views.docx, name="docx"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("projects/<int:project_id>/workbook.xlsx", views.project_workbook, name="project_workbook"),
    path("projects.xlsx", views.project_list_xlsx, name="project_list_xlsx"),
    path("import/", views.import_needs, name="import_needs"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("projects/<int:project_id>/ocds.json", views.ocds, name="ocds"),
    path("projects/<int:project_id>/oc4ids.json", views.oc4ids, name="oc4ids"),
    path("ocds.json", views.ocds_published, name="ocds_published"),
    path("oc4ids.json", views.oc4ids_published, name="oc4ids_published"),
]
