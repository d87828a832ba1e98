"""The public page, its records, open data and feeds; and the page where managers agree to publish.

Everything public is built from `public.data` rows (the allow-lists) and kept in the cache under
the data version; `public.http.public_page` opens it to everyone with HTTP caching. The managers'
page follows the one access rule (`core.access`) and `public.services`.
"""

import csv
import io
import json

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from core.access import ReadAccessMixin
from core.cache import cached, versioned_key
from public import data, services
from public.forms import PublicationProposalForm
from public.http import CLOCK_SECONDS, public_file, public_key, public_page, public_version
from public.models import Publication

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
INDEX_LIMIT = 12  # records per section on the page; the open data has them all
ARTICLE_LIMIT = 10  # records of each kind listed under an article


def rows(request, name: str, build):
    """`build()`'s rows, kept under the data version, the language and the clock."""
    return cached(public_key(request, name), build, version=public_version(request))


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


def page_context(request, title: str, description: str) -> dict:
    """Canonical URL and Open Graph tags every public page carries."""
    return {
        "page_title": title,
        "page_description": description,
        "canonical_url": absolute(request, request.path),
    }


# --- pages ----------------------------------------------------------------------------------------


def index_context() -> dict:
    """What the page shows, built afresh: the page's HTML is what is kept (see `index`). Each section
    reads only the records it shows and counts the others, so the page costs the same queries and
    about the same time with ten published projects or ten thousand."""
    upcoming, past = data.upcoming_and_past_events(INDEX_LIMIT, timezone.now())
    protocol, articles = data.protocol()
    serving = data.first_by_article(ARTICLE_LIMIT, [article["number"] for article in articles])
    figures = data.key_figures()
    return {
        "protocol": protocol,
        "articles": [{**article, **serving[article["number"]]} for article in articles],
        "projects": data.latest_projects(INDEX_LIMIT),
        "project_count": sum(row["published"] for row in figures["projects_by_status"]),
        "upcoming_events": upcoming,
        "past_events": past,
        "adoptions": data.published_adoptions(),
        "figures": figures,
    }


@public_page
def index(request):
    """The protocol, its articles, what has been published, and the key figures."""
    key = versioned_key(public_key(request, "index-html"), public_version(request))
    context = page_context(
        request,
        _("What the İzmir Teknoloji – İSBAK partnership has delivered"),
        _("Projects, events and figures of the cooperation protocol, published with both parties' consent."),
    )
    context.update(fragment_key=key, fragment_timeout=CLOCK_SECONDS, fragment_html=cache.get(key))
    if context["fragment_html"] is None:
        context.update(index_context())
    return render(request, "public/index.html", context)


def _one(request, name: str, build, pk: int) -> dict:
    found = cached(public_key(request, f"{name}:{pk}"), lambda: build(pk=pk), version=public_version(request))
    if not found:
        raise Http404
    return found[0]


@public_page
def project_detail(request, pk: int):
    project = _one(request, "project", data.published_projects, pk)
    context = page_context(request, project["title"], project["summary"][:300])
    return render(request, "public/project_detail.html", {**context, "project": project})


@public_page
def event_detail(request, pk: int):
    event = _one(request, "event", data.published_events, pk)
    context = page_context(request, event["title"], event["outcome"][:300])
    return render(request, "public/event_detail.html", {**context, "event": event})


@public_page
def data_page(request):
    """The open data: files, licence and the data dictionary."""
    context = page_context(
        request, _("Open data"), _("The partnership's published projects and events as CSV and JSON, under CC BY 4.0.")
    )
    datasets = [
        {"name": name, "title": DATASET_TITLES[name](), "fields": list(fields.items())}
        for name, fields in data.DICTIONARY.items()
    ]
    return render(
        request,
        "public/data.html",
        {**context, "datasets": datasets, "licence": LICENCE, "licence_url": LICENCE_URL},
    )


DATASET_TITLES = {"projects": lambda: _("Published projects"), "events": lambda: _("Published events")}
BUILDERS = {"projects": data.published_projects, "events": data.published_events}


# --- open data files ------------------------------------------------------------------------------


def _cell(value) -> str:
    """A CSV cell: lists joined with '; ', milestones as 'title (date)', dates in ISO 8601."""
    if isinstance(value, list):
        return "; ".join(
            f"{item['title']} ({item['completed_on'].isoformat()})" if isinstance(item, dict) else str(item)
            for item in value
        )
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None:
        return ""
    return str(value)


def dataset_csv_bytes(request, name: str) -> bytes:
    def build():
        out = io.StringIO()
        out.write("\ufeff")  # the BOM: spreadsheet programs then read the file as UTF-8
        writer = csv.writer(out)
        fields = list(data.DICTIONARY[name])
        writer.writerow(fields)
        for row in BUILDERS[name]():
            writer.writerow([_cell(row[field]) for field in fields])
        return out.getvalue().encode("utf-8")

    return cached(public_key(request, f"{name}.csv"), build, version=public_version(request))


@public_file
def dataset_csv(request, name: str):
    if name not in BUILDERS:
        raise Http404
    response = HttpResponse(dataset_csv_bytes(request, name), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="kopru-{name}.csv"'
    return response


@public_file
def dataset_json(request, name: str):
    if name not in BUILDERS:
        raise Http404
    body = {
        "title": DATASET_TITLES[name](),
        "license": LICENCE,
        "license_url": LICENCE_URL,
        "source": absolute(request, "/public/"),
        "records": rows(request, name, BUILDERS[name]),
    }
    return JsonResponse(body, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False, "indent": 1})


@public_file
def catalog(request):
    """A DCAT description of the datasets (JSON-LD), for open-data portals to harvest."""
    modified = timezone.localdate().isoformat()
    datasets = []
    for name in BUILDERS:
        page = absolute(request, "/public/data/")
        datasets.append(
            {
                "@type": "dcat:Dataset",
                "dct:identifier": f"kopru-{name}",
                "dct:title": DATASET_TITLES[name](),
                "dct:description": _("Records published with the consent of both parties; no personal data."),
                "dct:license": LICENCE_URL,
                "dct:modified": modified,
                "dcat:landingPage": page,
                "dcat:distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "dct:format": file_format.upper(),
                        "dcat:mediaType": media_type,
                        "dcat:downloadURL": absolute(request, f"/public/data/{name}.{file_format}"),
                        "dct:license": LICENCE_URL,
                    }
                    for file_format, media_type in (("csv", "text/csv"), ("json", "application/json"))
                ],
            }
        )
    body = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
        },
        "@type": "dcat:Catalog",
        "dct:title": _("Köprü open data: the İzmir Teknoloji – İSBAK partnership"),
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": "İzmir Teknoloji, İSBAK"},
        "dct:license": LICENCE_URL,
        "dcat:dataset": datasets,
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=1), content_type="application/ld+json; charset=utf-8"
    )


@public_file
def robots_txt(request):
    sitemap = absolute(request, "/sitemap.xml")
    body = f"User-agent: *\nAllow: /public/\nAllow: /robots.txt\nAllow: /sitemap.xml\nDisallow: /\nSitemap: {sitemap}\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


# --- the managers' page ---------------------------------------------------------------------------


class PublicationManageView(ReadAccessMixin, TemplateView):
    """Proposals and publications, with who agreed; propose, agree and unpublish buttons."""

    template_name = "public/publication_manage.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        publications = (
            Publication.objects.select_related("project", "event", "adoption__product", "adoption__adopter")
            .prefetch_related("consents__organization", "consents__manager")
            .order_by("status", "-proposed_at", "-pk")
        )
        context.update(
            publications=publications,
            form=form or (PublicationProposalForm() if services.may_propose(user) else None),
            may_agree=services.may_agree(user),
            may_unpublish=services.may_unpublish(user),
        )
        return context


class PublicationProposeView(ReadAccessMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        if not services.may_propose(request.user):
            raise PermissionDenied
        form = PublicationProposalForm(request.POST)
        if not form.is_valid():
            context = PublicationManageView(request=request).get_context_data(form=form)
            return render(request, PublicationManageView.template_name, context)
        services.publication_propose(record=form.cleaned_data["record"], user=request.user)
        messages.success(request, _("Proposed. It goes out once a manager of each party agrees."))
        return redirect("public:publication_manage")


class PublicationActionView(ReadAccessMixin, View):
    """A POST that changes one publication through one service."""

    http_method_names = ["post"]
    service = None  # e.g. staticmethod(services.publication_agree)
    allowed = None  # who may: e.g. staticmethod(services.may_agree)
    done_message = ""

    def post(self, request, pk):
        if not self.allowed(request.user):
            raise PermissionDenied
        publication = get_object_or_404(Publication, pk=pk)
        try:
            self.service(publication=publication, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, self.done_message)
        return redirect("public:publication_manage")


class PublicationAgreeView(PublicationActionView):
    service = staticmethod(services.publication_agree)
    allowed = staticmethod(services.may_agree)
    done_message = gettext_lazy("Your organization's consent is recorded.")


class PublicationUnpublishView(PublicationActionView):
    service = staticmethod(services.publication_unpublish)
    allowed = staticmethod(services.may_unpublish)
    done_message = gettext_lazy("Unpublished: it no longer appears on the public page.")
