"""Site-wide pages: home, health check, sign-in and password change."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import signin, views

urlpatterns = [
    path("", views.home, name="home"),
    path("queue/", views.my_work, name="work-queue"),
    path("healthz", views.healthz, name="healthz"),
    # A person with a second factor gives its code after the password (core/signin.py).
    path("login/", signin.SignInView.as_view(), name="login"),
    path("login/code/", signin.login_code, name="login-code"),
    path("account/two-factor/", signin.two_factor, name="two-factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"
    ),
]
