"""Web pages of the targets module (filled in by the targets work)."""

app_name = "targets"
urlpatterns: list = []
