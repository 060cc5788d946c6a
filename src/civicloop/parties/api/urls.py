from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("parties", views.PartyViewSet, basename="api-party")

urlpatterns = router.urls
