"""The sitemap: the public pages only, never a signed-in one."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from public.choices import PublicationStatus
from public.models import Publication


class PublicPagesSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["public:index", "public:data"]

    def location(self, item):
        return reverse(item)


class PublishedRecordsSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return (
            Publication.objects.filter(status=PublicationStatus.PUBLISHED, adoption__isnull=True)
            .only("pk", "project_id", "event_id", "adoption_id", "published_at")
            .order_by("pk")
        )

    def location(self, publication):
        return publication.public_url()

    def lastmod(self, publication):
        return publication.published_at


SITEMAPS = {"pages": PublicPagesSitemap, "records": PublishedRecordsSitemap}
