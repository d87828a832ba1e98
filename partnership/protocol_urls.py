app_name = "partnership"

urlpatterns: list = []
