"""API endpoints under /api/v1/targets/."""

from django.urls import path

from . import api

urlpatterns = [
    path("indicators/", api.IndicatorList.as_view(), name="targets-api-indicators"),
    path("indicators/<int:pk>/", api.IndicatorDetail.as_view(), name="targets-api-indicator"),
    path(
        "indicators/<int:pk>/observations/",
        api.IndicatorObservations.as_view(),
        name="targets-api-observations",
    ),
    path("indicators/<int:pk>/judgements/", api.IndicatorJudgements.as_view(), name="targets-api-judgements"),
    path("assessments/", api.AssessmentList.as_view(), name="targets-api-assessments"),
    path("assessments/report.docx", api.AssessmentReportDocx.as_view(), name="targets-api-assessment-docx"),
    path("assessments/report.pdf", api.AssessmentReportPdf.as_view(), name="targets-api-assessment-pdf"),
    path("tasks/", api.TaskList.as_view(), name="targets-api-tasks"),
    path("tasks/<int:pk>/progress/", api.TaskProgressView.as_view(), name="targets-api-task-progress"),
    path(
        "tasks/<int:pk>/imports/<str:kind>/template.xlsx",
        api.TaskImportTemplate.as_view(),
        name="targets-api-task-import-template",
    ),
    path("tasks/<int:pk>/imports/<str:kind>/", api.TaskImport.as_view(), name="targets-api-task-import"),
]
