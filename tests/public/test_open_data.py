"""Open data: the files parse (CSV with BOM, JSON), the catalogue, the feed validates, the sitemap."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.urls import reverse

from tests.factories import EventFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(publish, izmir_teknoloji, isbak):
    project = ProjectFactory(lead_organization=izmir_teknoloji, title='Açık Veri Projesi; virgüllü, "tırnaklı"')
    event = EventFactory(organizers=[izmir_teknoloji, isbak], title="Açık Veri Etkinliği", outcome="Çok satırlı\nsonuç")
    publish(project)
    publish(event)
    return project, event


def test_the_csv_files_start_with_the_bom_and_parse(client, published):
    project, event = published
    for name, title in (("projects", project.title), ("events", event.title)):
        response = client.get(reverse("public:dataset_csv", args=[name]))
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response.content.startswith("\ufeff".encode())
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [row["title"] for row in rows] == [title]
    (event_row,) = csv.DictReader(
        io.StringIO(client.get(reverse("public:dataset_csv", args=["events"])).content.decode("utf-8-sig"))
    )
    assert event_row["organizers"] == "İSBAK; İzmir Teknoloji"
    assert event_row["outcome"] == "Çok satırlı\nsonuç"


def test_the_json_files_parse_and_state_the_licence(client, published):
    body = json.loads(client.get(reverse("public:dataset_json", args=["projects"])).content)
    assert body["license"] == "CC BY 4.0"
    assert body["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert body["records"][0]["title"] == published[0].title


def test_an_unknown_dataset_is_404(client, parties):
    assert client.get("/public/data/users.csv").status_code == 404
    assert client.get("/public/data/users.json").status_code == 404


def test_the_catalog_describes_each_dataset_and_its_files(client, published):
    catalog = json.loads(client.get(reverse("public:catalog")).content)
    assert catalog["@type"] == "dcat:Catalog"
    urls = {d["dcat:downloadURL"] for dataset in catalog["dcat:dataset"] for d in dataset["dcat:distribution"]}
    assert urls == {f"http://testserver/public/data/{n}.{f}" for n in ("projects", "events") for f in ("csv", "json")}
    for url in urls:
        assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_the_data_page_states_the_licence_and_the_dictionary(client, parties):
    body = client.get(reverse("public:data")).content.decode()
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license"' in body
    assert "<code>percent_complete</code>" in body


def test_the_atom_feed_validates_and_lists_the_newly_published(client, published):
    response = client.get(reverse("public:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    titles = {entry.title for entry in feed.entries}
    project, event = published
    assert titles == {str(project), event.title}
    links = {entry.link for entry in feed.entries}
    assert f"http://testserver/public/projects/{project.pk}/" in links
    assert all(entry.get("published_parsed") and entry.get("id") for entry in feed.entries)


def test_the_sitemap_lists_the_public_pages_only(client, published, izmir_teknoloji):
    ProjectFactory(lead_organization=izmir_teknoloji)  # not published: not in the sitemap
    root = ET.fromstring(client.get(reverse("public:sitemap")).content)  # noqa: S314 - our own sitemap
    locations = {element.text for element in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    project, event = published
    assert locations == {
        "http://testserver/public/",
        "http://testserver/public/data/",
        f"http://testserver/public/projects/{project.pk}/",
        f"http://testserver/public/events/{event.pk}/",
    }


def test_robots_allow_the_public_pages_only_and_name_the_sitemap(client, parties):
    body = client.get(reverse("public:robots_txt")).content.decode()
    assert "Allow: /public/" in body and "Disallow: /\n" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body
