from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from govpm.accounts import api as accounts_api
from govpm.notices.health import Health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/auth/token/", accounts_api.ObtainToken.as_view(), name="api-token"),
    path("api/v1/auth/logout/", accounts_api.Logout.as_view(), name="api-logout"),
    path("api/v1/auth/logout-all/", accounts_api.LogoutAll.as_view(), name="api-logout-all"),
    path("health/", Health.as_view(), name="health"),
    path("api/v1/notices/", include("govpm.notices.api_urls")),
    path("notices/", include("govpm.notices.urls")),
    path("api/v1/targets/", include("govpm.targets.api_urls")),
    path("api/v1/", include("govpm.documents.api_urls")),
    path("api/v1/", include("govpm.projects.api.urls")),
    path("api/v1/", include("govpm.promotion.urls")),
    path("api/v1/", include("govpm.inventory.api_urls")),
    path("api/v1/", include("govpm.portfolio.api_urls")),
    path("api/v1/", include("govpm.materials.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("targets/", include("govpm.targets.urls")),
    path("documents/", include("govpm.documents.urls")),
    path("inventory/", include("govpm.inventory.urls")),
    path("", include("govpm.portfolio.urls")),
    path("materials/", include("govpm.materials.urls")),
    path("", include("govpm.web.urls")),
]

# A body too large or unreadable, from any middleware or view: the API's error shape or a Chinese page.
handler400 = "govpm.core.middleware.bad_request"
# A URL no route matches answers in the API's error shape under /api/ (govpm.core.api.not_found).
handler404 = "govpm.core.api.not_found"
