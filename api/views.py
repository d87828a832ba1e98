"""The personal API tokens page (user menu → API tokens): create, see last use, revoke.

A new token's key is shown once: the POST that creates it keeps the key in the session
until the page it redirects to has shown it, then it is gone; the database holds its hash only.
"""

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from api.forms import ApiTokenForm
from api.models import ApiToken
from api.services import api_token_create, api_token_revoke
from core.access import ReadAccessMixin

NEW_KEY = "kopru_new_api_key"  # the session entry that carries a new key to the one page that shows it


@method_decorator(never_cache, name="dispatch")  # a page that may hold a new key is never kept by a browser
class ApiTokenListView(ReadAccessMixin, TemplateView):
    template_name = "api/apitoken_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ApiTokenForm(user=self.request.user))
        context["tokens"] = list(ApiToken.objects.filter(user=self.request.user))
        context["new_key"] = self.request.session.pop(NEW_KEY, None)
        return context

    def post(self, request, *args, **kwargs):
        if "revoke" in request.POST:
            try:
                token_id = int(request.POST["revoke"])
            except ValueError:
                return HttpResponseBadRequest()
            if api_token_revoke(user=request.user, token_id=token_id):
                messages.success(request, _("The token was revoked. Programs using it are refused from now on."))
            else:
                messages.info(request, _("That token was already revoked or is not yours."))
            return redirect("api_tokens:apitoken_list")
        form = ApiTokenForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, _("Nothing was saved. Please correct the errors below."))
            return self.render_to_response(self.get_context_data(form=form))
        token, key = api_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            read_only=form.cleaned_data["read_only"],
            expires_at=form.cleaned_data["expires_on"],
        )
        request.session[NEW_KEY] = key
        messages.success(request, _("Your new token “%(name)s” is ready.") % {"name": token.name})
        return redirect("api_tokens:apitoken_list")
