"""Django admin of this app."""
