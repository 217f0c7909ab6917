from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from accounts.models import NotificationAddress, SellerProfile, User
from messagecenter.on_commit import after_commit


def _party_renamed(user_id: int) -> None:
    """The other side finds a user's threads by their public name: index the new one."""
    from messaging.tasks import party_search_documents_refresh

    after_commit(party_search_documents_refresh.delay, user_id)


class SellerProfileInline(admin.StackedInline):
    model = SellerProfile
    can_delete = False


class NotificationAddressInline(admin.TabularInline):
    model = NotificationAddress
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "role", "language", "is_active", "date_joined"]
    list_filter = ["role", "is_active", "is_staff", "language"]
    search_fields = ["email", "display_name", "seller_profile__shop_name"]
    inlines = [SellerProfileInline, NotificationAddressInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name", "role", "language")}),
        ("Notifications", {"fields": ("notification_mode", "digest_interval_minutes")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )

    def save_related(
        self,
        request: HttpRequest,
        form: forms.ModelForm[User],
        formsets: list[BaseInlineFormSet[Any, User, Any]],
        change: bool,
    ) -> None:
        super().save_related(request, form, formsets, change)
        shop_renamed = any(
            "shop_name" in inline.changed_data for formset in formsets for inline in formset.forms
        )
        if change and ("display_name" in form.changed_data or shop_renamed):
            _party_renamed(form.instance.pk)

    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "display_name", "role", "password1", "password2"),
            },
        ),
    )


@admin.register(SellerProfile)
class SellerProfileAdmin(admin.ModelAdmin):
    list_display = ["shop_name", "user"]
    search_fields = ["shop_name", "user__email"]
    list_select_related = ["user"]

    def save_model(
        self,
        request: HttpRequest,
        obj: SellerProfile,
        form: forms.ModelForm[SellerProfile],
        change: bool,
    ) -> None:
        super().save_model(request, obj, form, change)
        if change and "shop_name" in form.changed_data:
            _party_renamed(obj.user_id)
