"""Stage 1 — extractors: documents → mentions and stated relations."""
from .pipeline import DEFAULT_EXTRACTORS, ExtractionPipeline

__all__ = ["ExtractionPipeline", "DEFAULT_EXTRACTORS"]
