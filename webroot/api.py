"""The one NinjaAPI at /api with every router mounted (prefix "": each router uses full paths).

Import ``api`` from here, not from ``simpoc.api``, wherever the whole API is meant (the URLconf,
the OpenAPI export, tests that walk every route): the routers are mounted when this module loads.
The mounting order is the order of the paths in the OpenAPI document.
"""

from gallery.api import router as gallery_router
from media_gen.api import router as media_gen_router
from portability.api import router as portability_router
from simpoc.api import api
from simulation.api import router as simulation_router
from webroot.combine_api import router as combine_router
from webroot.makereal_api import router as makereal_router

api.add_router("", gallery_router)
api.add_router("", portability_router)
# Before media_gen: its /videos/{generation_id} would otherwise take /videos/combine (and answer 405).
api.add_router("", combine_router)
api.add_router("", media_gen_router)
api.add_router("", simulation_router)
api.add_router("", makereal_router)

__all__ = ["api"]
