"""The top of the site: the root URLconf and the API with every app's router mounted.

No app imports this package. ``simpoc.api`` (the bottom) holds the one NinjaAPI with its error
format and the account endpoints; ``webroot.api`` mounts the apps' and the top apps' routers on it.
"""
