from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/targets/", include("govpm.targets.api_urls")),
    path("api/v1/", include("govpm.documents.api_urls")),
    path("api/v1/", include("govpm.projects.api.urls")),
    path("api/v1/", include("govpm.promotion.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("targets/", include("govpm.targets.urls")),
    path("documents/", include("govpm.documents.urls")),
    path("", include("govpm.web.urls")),
]

# A URL no route matches answers in the API's error shape under /api/ (govpm.core.api.not_found).
handler404 = "govpm.core.api.not_found"
