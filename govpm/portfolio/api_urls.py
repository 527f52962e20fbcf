from django.urls import path

from . import api

urlpatterns = [
    path("projects/<int:pk>/plan/", api.Plan.as_view(), name="api-plan"),
    path("projects/<int:pk>/variance/", api.Variance.as_view(), name="api-variance"),
    path("projects/<int:pk>/risk/", api.Risk.as_view(), name="api-risk"),
    path("statistics/", api.Statistics.as_view(), name="api-statistics"),
]
