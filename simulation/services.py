"""Writes and workflows of this app (keyword-only functions)."""
