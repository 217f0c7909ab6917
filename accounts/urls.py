from django.contrib.auth import views as auth_views
from django.urls import path

import core.converters  # noqa: F401  (registers <id:...>)
from accounts import views
from accounts.forms import LoginForm
from accounts.guessing import login_guard

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        login_guard(
            views.LoginView.as_view(
                authentication_form=LoginForm,
                redirect_authenticated_user=True,
            ),
            template_name="accounts/login_paused.html",
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.language_set, name="language-set"),
    path("api-tokens/", views.api_tokens, name="api-tokens"),
    path("api-tokens/<id:token_id>/revoke/", views.api_token_revoke, name="api-token-revoke"),
]
