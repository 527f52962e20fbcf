"""Material pages, downloads and previews for the web UI, at /materials/."""

from django.urls import path

from . import views

app_name = "materials"
urlpatterns = [
    path("projects/<int:project_id>/", views.project_materials, name="project"),
    path("<int:pk>/file/", views.download, name="download"),
    path("<int:pk>/preview/", views.preview_view, name="preview"),
]
