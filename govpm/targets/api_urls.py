"""API endpoints under /api/v1/targets/ (filled in by the targets work)."""

urlpatterns: list = []
