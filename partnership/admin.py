"""The admin of the agreement: organizations, memberships, the protocol, its parties, articles and products."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import VersionedAdmin
from partnership.models import Membership, Organization, Protocol, ProtocolArticle, ProtocolParty, TechnologyProduct


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "parent", "city"]
    list_filter = ["kind", "city"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organization", "job_title"]
    list_filter = ["organization"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organization__name"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]


class ProtocolPartyInline(admin.TabularInline):
    model = ProtocolParty
    extra = 0
    autocomplete_fields = ["organization"]


class ProtocolArticleInline(admin.StackedInline):
    model = ProtocolArticle
    extra = 0


@admin.register(Protocol)
class ProtocolAdmin(VersionedAdmin):
    list_display = ["title", "number", "signed_on", "effective_on", "expires_on", "status"]
    list_filter = ["status"]
    search_fields = ["title", "number", "summary"]
    date_hierarchy = "signed_on"
    inlines = [ProtocolPartyInline, ProtocolArticleInline]


@admin.register(ProtocolParty)
class ProtocolPartyAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "protocol", "signatory_name", "signatory_title"]
    list_filter = ["protocol"]
    search_fields = ["signatory_name", "organization__name"]
    autocomplete_fields = ["protocol", "organization"]
    list_select_related = ["organization", "protocol"]


@admin.register(ProtocolArticle)
class ProtocolArticleAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "protocol"]
    list_filter = ["protocol"]
    search_fields = ["title", "text"]
    autocomplete_fields = ["protocol"]
    list_select_related = ["protocol"]


@admin.register(TechnologyProduct)
class TechnologyProductAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organization", "category"]
    list_filter = ["category", "organization"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["organization"]
    list_select_related = ["organization"]


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    autocomplete_fields = ["organization"]


admin.site.unregister(User)


@admin.register(User)
class KopruUserAdmin(UserAdmin):
    """Django's user admin, with the user's organization on the same page."""

    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "organization", "is_staff", "is_active"]
    list_filter = ["membership__organization", "groups", "is_staff", "is_active"]
    list_select_related = ["membership__organization"]

    @admin.display(description=_("organization"), ordering="membership__organization__name")
    def organization(self, user):
        membership = getattr(user, "membership", None)
        return membership.organization if membership else "—"
