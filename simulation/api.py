"""Thin ninja router of this app; mounted on the one NinjaAPI in simpoc/api.py."""

from ninja import Router

router = Router()
