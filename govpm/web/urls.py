"""The web UI (filled in by the UI work)."""

app_name = "web"
urlpatterns: list = []
