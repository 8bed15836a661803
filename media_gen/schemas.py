"""Ninja schemas of this app."""
