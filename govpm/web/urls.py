"""The web UI, mounted at "/"; login and logout at /accounts/ (settings.LOGIN_URL)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import policy_views, views

app_name = "web"
urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(next_page="/", redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="/accounts/login/"), name="logout"),
    # Django's form runs AUTH_PASSWORD_VALIDATORS; the new password revokes the user's API tokens (User.save).
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(success_url="/accounts/password/done/"),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("", views.workbench_view, name="workbench"),
    path("projects/", views.pool_view, name="pool"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/<int:pk>/", views.project_view, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/history/", views.project_history_view, name="project_history"),
    path("projects/<int:pk>/actions/<str:action>/", views.project_action, name="action"),
    path("projects/<int:pk>/joint-review/", views.joint_review_view, name="joint_review"),
    path("projects/<int:pk>/needs-review/", views.needs_review_view, name="needs_review"),
    path("zombies/", views.zombies_view, name="zombies"),
    path("experts/", views.experts_view, name="experts"),
    path("projects/<int:pk>/copy/", policy_views.copy_need_view, name="copy_need"),
    path("designs/", policy_views.designs_view, name="designs"),
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("overview/", views.overview_view, name="overview"),
    path("data-dictionary/template.xlsx", views.datadict_template, name="datadict_template"),
    path("projects/<int:pk>/data-dictionary/upload/", views.datadict_upload, name="datadict_upload"),
    path("promotion/", views.promotion_view, name="promotion"),
    path("promotion/units.xlsx", views.promotion_units_xlsx, name="promotion_units_xlsx"),
    path(
        "promotion/units/<int:unit_id>/<slug:column>/",
        views.promotion_unit_projects,
        name="promotion_unit_projects",
    ),
    path("promotion/<str:kind>/", views.promotion_record, name="promotion_record"),
]
