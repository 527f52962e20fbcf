from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("read/", views.mark_read_view, name="mark_read"),
    path("settings/", views.settings_view, name="settings"),
    path("<int:pk>/", views.open_view, name="open"),
]
