from django.urls import path

from . import api

urlpatterns = [
    path("promotion/publicity/", api.PublicityCollection.as_view(), name="api-publicity"),
    path("promotion/cases/", api.CaseCollection.as_view(), name="api-cases"),
    path("promotion/showcases/", api.ShowcaseCollection.as_view(), name="api-showcases"),
    path("promotion/cadence/", api.CadenceView.as_view(), name="api-cadence"),
    path("assessment/units/", api.UnitPerformanceView.as_view(), name="api-unit-performance"),
    path(
        "assessment/units/<int:unit_id>/<slug:column>/",
        api.UnitProjectsView.as_view(),
        name="api-unit-projects",
    ),
]
