"""/api/v1/: the endpoints, the OpenAPI schema and its documentation page."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import viewsets
from api.viewsets import ApiViewMixin

app_name = "api"


class Router(DefaultRouter):
    include_root_view = False  # the documentation page is the API's front door
    include_format_suffixes = False


router = Router()
router.register("organizations", viewsets.OrganizationViewSet, basename="organization")
router.register("protocols", viewsets.ProtocolViewSet, basename="protocol")
router.register("articles", viewsets.ProtocolArticleViewSet, basename="article")
router.register("products", viewsets.TechnologyProductViewSet, basename="product")
router.register("projects", viewsets.ProjectViewSet, basename="project")
router.register("milestones", viewsets.MilestoneViewSet, basename="milestone")
router.register("progress-updates", viewsets.ProgressUpdateViewSet, basename="progressupdate")
router.register("events", viewsets.EventViewSet, basename="event")
router.register("transfers", viewsets.KnowHowTransferViewSet, basename="knowhowtransfer")
router.register("adoptions", viewsets.ProductAdoptionViewSet, basename="productadoption")


class SchemaView(ApiViewMixin, SpectacularAPIView):
    """The OpenAPI 3 schema: public, like any API's documentation, so tools can fetch it."""

    permission_classes = []


class DocsView(ApiViewMixin, SpectacularSwaggerSplitView):
    """Swagger UI, its start-up script served as a file of its own: the page has no inline script."""

    permission_classes = []
    template_name = "api/swagger_ui.html"


urlpatterns = [
    path("", include(router.urls)),
    path("dashboard/", viewsets.DashboardView.as_view(), name="dashboard"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
]
