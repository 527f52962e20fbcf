from django.urls import path

from . import api

urlpatterns = [
    path("inventory/systems/", api.SystemCollection.as_view(), name="api-systems"),
    path("inventory/systems/import/", api.SystemImport.as_view(), name="api-systems-import"),
    path("inventory/use/import/", api.UseImport.as_view(), name="api-use-import"),
    path("inventory/systems/<int:pk>/use/", api.UseReports.as_view(), name="api-system-use"),
    path("inventory/systems/<int:pk>/list-zombie/", api.ListZombie.as_view(), name="api-system-zombie"),
    path("inventory/zombie-candidates/", api.ZombieCandidates.as_view(), name="api-zombie-candidates"),
    path("inventory/catalogue/", api.Catalogue.as_view(), name="api-catalogue"),
    path("projects/<int:pk>/duplicates/", api.DuplicateEvidence.as_view(), name="api-duplicates"),
]
