"""Material endpoints under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path(
        "projects/<int:project_id>/materials/", api.ProjectMaterials.as_view(), name="api-project-materials"
    ),
]
