"""URL of client search."""

from django.urls import path

from clients.search import views

urlpatterns = [path("search/", views.search, name="client_search")]
