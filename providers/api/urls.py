from rest_framework.routers import SimpleRouter

from providers.api.views import ProviderViewSet, SiteViewSet

app_name = "providers-api"

router = SimpleRouter()
router.register("providers", ProviderViewSet, basename="provider")
router.register("sites", SiteViewSet, basename="site")

urlpatterns = router.urls
