"""Downloads of documents and exports (filled in by the documents work)."""

app_name = "documents"
urlpatterns: list = []
