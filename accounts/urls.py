from django.contrib.auth import views as auth_views
from django.urls import path

import messagecenter.converters  # noqa: F401  (registers <id:...>)
from accounts import views

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api-tokens/", views.api_tokens, name="api-tokens"),
    path("api-tokens/<id:token_id>/revoke/", views.api_token_revoke, name="api-token-revoke"),
]
