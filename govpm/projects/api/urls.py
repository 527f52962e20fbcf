from django.urls import path

from . import views

urlpatterns = [
    path("projects/", views.ProjectList.as_view(), name="api-projects"),
    path("projects/<int:project_id>/", views.ProjectDetailView.as_view(), name="api-project"),
    path(
        "projects/<int:project_id>/actions/<str:action>/",
        views.ProjectAction.as_view(),
        name="api-project-action",
    ),
    path("projects/<int:project_id>/events/", views.ProjectEvents.as_view(), name="api-project-events"),
]
