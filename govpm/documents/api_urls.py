"""Document, export and open-data endpoints under /api/v1/."""

from django.urls import path

from . import api, batches_api

urlpatterns = [
    path(
        "projects/<int:project_id>/documents/", api.ProjectDocuments.as_view(), name="api-project-documents"
    ),
    path("documents/<int:pk>/docx/", api.DocumentDocx.as_view(), name="api-document-docx"),
    path("documents/<int:pk>/pdf/", api.DocumentPdf.as_view(), name="api-document-pdf"),
    path("documents/<int:pk>/verify/", api.DocumentVerify.as_view(), name="api-document-verify"),
    path("projects/export.xlsx", api.ProjectListXlsx.as_view(), name="api-projects-xlsx"),
    path(
        "projects/<int:project_id>/workbook.xlsx", api.ProjectWorkbook.as_view(), name="api-project-workbook"
    ),
    path("projects/import/", api.ImportNeeds.as_view(), name="api-projects-import"),
    path("projects/import/template.xlsx", api.ImportTemplate.as_view(), name="api-projects-import-template"),
    path("projects/<int:project_id>/ocds/", api.ProjectOcds.as_view(), name="api-project-ocds"),
    path("projects/<int:project_id>/oc4ids/", api.ProjectOc4ids.as_view(), name="api-project-oc4ids"),
    path("ocds/", api.PublishedOcds.as_view(), name="api-ocds"),
    path("oc4ids/", api.PublishedOc4ids.as_view(), name="api-oc4ids"),
    path("batches/", batches_api.BatchList.as_view(), name="api-batches"),
    path("batches/<int:pk>/", batches_api.BatchDetail.as_view(), name="api-batch"),
    path("batches/<int:pk>/close/", batches_api.BatchClose.as_view(), name="api-batch-close"),
    path("batches/<int:pk>/files/<str:name>", batches_api.BatchFileDownload.as_view(), name="api-batch-file"),
]
