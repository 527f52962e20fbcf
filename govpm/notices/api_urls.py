from django.urls import path

from . import api

urlpatterns = [
    path("", api.NoticeList.as_view(), name="api-notices"),
    path("read/", api.MarkRead.as_view(), name="api-notices-read"),
]
