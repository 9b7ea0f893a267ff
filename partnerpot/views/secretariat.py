"""Partnerpotten pages (secretariat); filled in by the issue-4 work."""

from __future__ import annotations

from django.urls import path  # noqa: F401

urlpatterns: list = []
