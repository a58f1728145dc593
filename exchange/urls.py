"""Names without a namespace: `exchange` and `exchange_export`."""

from django.urls import path

from exchange import views

urlpatterns = [
    path("", views.exchange, name="exchange"),
    path("export/", views.exchange_export, name="exchange_export"),
]
