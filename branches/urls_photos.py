"""A meeting's photos and guests, under `branches/meetings/` in the `branches` namespace."""

from django.urls import path

from branches import views_photos as views

urlpatterns = [
    path("<int:pk>/photos/", views.meeting_photo_add, name="meeting_photo_add"),
    path("photos/<int:pk>/", views.meeting_photo, name="meeting_photo"),
    path("photos/<int:pk>/thumbnail/", views.meeting_photo_thumbnail, name="meeting_photo_thumb"),
    path("photos/<int:pk>/delete/", views.meeting_photo_delete, name="meeting_photo_delete"),
    path("<int:pk>/guests/", views.meeting_guest_add, name="meeting_guest_add"),
    path("guests/<int:pk>/remove/", views.meeting_guest_remove, name="meeting_guest_remove"),
]
