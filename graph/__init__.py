"""Stage 3 — graph: entities and their ties → a networkx graph, its metrics and exports."""
from pathlib import Path

from conflictkg.compiled import activate

# The compiled Louvain (graph/louvain.py), if compiled from the source now on disk.
COMPILED = activate(__path__, Path(__file__).resolve().parent)
