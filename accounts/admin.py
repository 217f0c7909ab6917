from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.guessing import login_guard
from accounts.models import NotificationAddress, SellerProfile, User

# The admin's sign-in counts failures and pauses like the site's (accounts.guessing): it checks
# the same passwords, so it must not be a way around the site's limits.
admin.site.login = login_guard(  # type: ignore[method-assign,assignment]
    admin.site.login,
    template_name="accounts/admin_login_paused.html",
    context=admin.site.each_context,
)


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
