"""The two mounts of config/urls.py that this module owns, alone: the module's tests do not fail
because another app's URLs are broken while it is being worked on."""

from django.urls import include, path

urlpatterns = [
    path("api/v1/targets/", include("govpm.targets.api_urls")),
    path("targets/", include("govpm.targets.urls")),
]
