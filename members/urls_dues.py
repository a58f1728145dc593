from django.urls import path

from members import views_dues

# Included by members/urls.py (app namespace "members").
urlpatterns = [
    path("dues/branch/<int:pk>/", views_dues.dues_grid, name="dues_grid"),
]
