"""Stage 2 — resolvers: mentions' names → entities with stable ids."""
from .resolver import Name, Resolution, resolve

__all__ = ["Name", "Resolution", "resolve"]
