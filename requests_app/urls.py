"""Back-office pages of requests outside the admin: the private delivery proof."""

from django.urls import path

from . import views

app_name = "requests_app"

urlpatterns = [
    path("deliveries/<int:pk>/proof/", views.delivery_proof, name="delivery-proof"),
]
