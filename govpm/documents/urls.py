"""Downloads of documents, exports and open data for the web UI (signed-in users), at /documents/."""

from django.urls import path

from . import batch_views, views

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
    path("batches/", batch_views.batch_list, name="batches"),
    path("batches/<int:pk>/", batch_views.batch_detail, name="batch"),
    path("batches/<int:pk>/close/", batch_views.batch_close, name="batch_close"),
    path("batches/<int:pk>/files/<str:name>", batch_views.batch_file, name="batch_file"),
]
