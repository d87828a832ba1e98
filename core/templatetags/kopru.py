"""Small presentation helpers shared by every Köprü template."""

from django import template
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import get_language

from core.cache import TIMEOUT_SECONDS
from core.choices import badge_classes

register = template.Library()


@register.filter
def badge_class(value) -> str:
    """Bootstrap badge classes for a status or health value, as its BadgeChoices declares them."""
    return badge_classes().get(str(value), "text-bg-secondary")


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None removes one); for tabs and links."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None:
            params[key] = value
    params.pop("page", None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def admin_change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


@register.filter
def percent(value) -> str:
    """A percentage the way the reader's language writes it: %45 in Turkish, 45% in English."""
    if value in (None, ""):
        return "—"
    return f"%{value}" if (get_language() or "tr").startswith("tr") else f"{value}%"


@register.tag
def cached_fragment(parser, token):
    """`{% cached_fragment %}…{% endcached_fragment %}`: a part of the page kept in the cache.

    The view looks the part up under `fragment_key` (core.cache.fragment_key) and,
    when the cache has it, passes it as `fragment_html` and skips building what the part
    needs. Otherwise the part renders here and is stored under `fragment_key`.
    """
    nodelist = parser.parse(("endcached_fragment",))
    parser.delete_first_token()
    return CachedFragmentNode(nodelist)


class CachedFragmentNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        html = context.get("fragment_html")
        if html is not None:
            return html
        html = self.nodelist.render(context)
        # `fragment_timeout`: seconds until the part goes stale by the clock alone, if it can.
        timeout = min(TIMEOUT_SECONDS, context.get("fragment_timeout", TIMEOUT_SECONDS))
        if (key := context.get("fragment_key")) and timeout > 0:
            cache.set(key, html, timeout)
        return html
