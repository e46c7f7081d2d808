"""Addresses for search engines at the site's root (not per language)."""

from __future__ import annotations

from django.urls import path

from . import seo

app_name = "releases_seo"

urlpatterns = [
    path("sitemap.xml", seo.sitemap, name="sitemap"),
    path("sitemap-news.xml", seo.news_sitemap, name="news_sitemap"),
    path("robots.txt", seo.robots_txt, name="robots"),
]
