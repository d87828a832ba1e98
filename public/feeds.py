"""The Atom feed of newly published records (Django's syndication framework)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from public import data


class PublishedFeed(Feed):
    feed_type = Atom1Feed
    title = _("Köprü: newly published by İzmir Teknoloji and İSBAK")
    subtitle = _("Projects, events and product adoptions both parties agreed to publish.")
    author_name = "İzmir Teknoloji, İSBAK"  # the organizations, never a person

    def link(self):
        return reverse("public:index")

    def feed_url(self):
        return reverse("public:feed")

    def items(self):
        return data.latest_publications()

    def item_title(self, publication):
        return str(publication.record)

    def item_description(self, publication):
        record = publication.record
        if publication.project_id:
            return record.description
        if publication.event_id:
            return record.outcome
        return str(record.get_status_display())

    def item_link(self, publication):
        return publication.public_url()

    def item_pubdate(self, publication):
        return publication.published_at

    def item_updateddate(self, publication):
        return publication.published_at
