from django.urls import path

from . import views

app_name = "portfolio"
urlpatterns = [
    path("statistics/", views.statistics_view, name="statistics"),
    path("statistics.xlsx", views.statistics_xlsx, name="statistics_xlsx"),
    path("projects/<int:pk>/risk/", views.rate_risk_view, name="rate_risk"),
    path("projects/<int:pk>/plan/", views.set_plan_view, name="set_plan"),
    path("public/projects/", views.public_list, name="public_list"),
    path("public/projects/<int:pk>/", views.public_detail, name="public_detail"),
]
