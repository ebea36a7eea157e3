"""Stage 1 — extractors: documents → mentions and stated relations."""
from pathlib import Path

from conflictkg.compiled import activate

# First, before any other module of the package is imported: the compiled modules, if
# they were compiled from the sources now on disk (``conflictkg compile``).
COMPILED = activate(__path__, Path(__file__).resolve().parent)

from .pipeline import DEFAULT_EXTRACTORS, ExtractionPipeline  # noqa: E402

__all__ = ["ExtractionPipeline", "DEFAULT_EXTRACTORS"]
