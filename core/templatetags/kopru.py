"""Small presentation helpers shared by every Köprü template."""

import hashlib

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import template
from django.conf import settings
from django.core.cache import cache
from django.forms.models import ModelChoiceIterator
from django.urls import reverse
from django.utils.timezone import get_current_timezone_name
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


def _form_content(form) -> str | None:
    """Everything a filter form's HTML is made of, or None when it should not be kept:

    - a form with errors;
    - a menu that would run a query (a model choice field's, unless `set_menu` filled it
      from records already read);
    - free text typed in (a search): every search would keep an entry of its own.
    """
    if form.is_bound and form.errors:
        return None
    fields = []
    for bound in form:
        widget = bound.field.widget
        # The widget's choices are what renders (a menu filled from records already read, too).
        choices = getattr(widget, "choices", None)
        if isinstance(choices, ModelChoiceIterator):
            return None
        value = bound.value()
        if choices is None and value not in (None, "", True, False):
            return None
        menu = [] if choices is None else [(choice, str(label)) for choice, label in choices]
        # The widget's own state (attrs, input type, date format…); its menu is in `menu`.
        state = {name: attribute for name, attribute in vars(widget).items() if name not in ("choices", "_choices")}
        fields.append(
            (bound.name, str(bound.label), str(bound.help_text), bound.field.required, bound.field.disabled)
            + (value, menu, f"{type(widget).__module__}.{type(widget).__qualname__}", repr(state))
        )
    css = (getattr(form, "error_css_class", None), getattr(form, "required_css_class", None))
    options = (form.auto_id, form.prefix, form.use_required_attribute, css)
    return repr((type(form).__module__, type(form).__qualname__, options, get_current_timezone_name(), fields))


@register.filter
def crispy_kept(form) -> str:
    """`form|crispy`, kept in the cache under what the HTML is made of: the form's class, its
    fields' labels, values and choices, the language and the release.

    For GET filter forms whose choices the view has already loaded: the same filters render
    once, however often the data change (a write leaves the form as it was unless its choices
    changed). Rendering the dashboard's four fields through crispy costs ~3.5 ms; a cache hit
    ~0.2 ms. A form with errors, a menu read by a query, or a search typed in renders afresh.
    """
    content = _form_content(form)
    if content is None:
        return as_crispy_form(form)
    digest = hashlib.sha256(content.encode()).hexdigest()
    key = f"kopru-form:{settings.KOPRU_RELEASE}:{get_language()}:{digest}"
    if (html := cache.get(key)) is None:
        html = as_crispy_form(form)
        cache.set(key, html, TIMEOUT_SECONDS)  # pickling keeps the type crispy gave it
    return html


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
