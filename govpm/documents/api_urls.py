"""Document and export endpoints under /api/v1/ (filled in by the documents work)."""

urlpatterns: list = []
