"""django-q2 task functions of this app: thin, calling services."""
