from django.urls import path

from . import views

app_name = "inventory"
urlpatterns = [
    path("", views.systems_view, name="systems"),
    path("systems.xlsx", views.systems_xlsx, name="systems_xlsx"),
    path("import/", views.import_view, name="import"),
    path("template.xlsx", views.template_view, name="template"),
    path("zombie-candidates/", views.candidates_view, name="candidates"),
    path("catalogue/", views.catalogue_view, name="catalogue"),
]
