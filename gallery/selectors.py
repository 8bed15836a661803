"""Reads and query shaping of this app."""
