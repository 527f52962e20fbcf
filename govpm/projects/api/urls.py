from django.urls import path

from ..stages import ACTIONS
from . import policy_views, views

urlpatterns = [
    path("projects/", views.ProjectList.as_view(), name="api-projects"),
    path("projects/<int:project_id>/", views.ProjectDetailView.as_view(), name="api-project"),
    # One route per action code, so the OpenAPI document describes each action's body on its own.
    *[
        path(f"projects/<int:project_id>/actions/{code}/", views.action_view(code), {"action": code})
        for code in ACTIONS
    ],
    path(
        "projects/<int:project_id>/actions/<str:action>/",
        views.ProjectAction.as_view(),
        name="api-project-action",
    ),
    path(
        "projects/<int:project_id>/actions/<str:action>/choices/",
        views.ActionChoices.as_view(),
        name="api-project-action-choices",
    ),
    path("projects/<int:project_id>/events/", views.ProjectEvents.as_view(), name="api-project-events"),
    path("projects/<int:project_id>/copy/", policy_views.CopyNeed.as_view(), name="api-project-copy"),
    path("designs/", policy_views.Designs.as_view(), name="api-designs"),
]
