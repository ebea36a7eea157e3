"""One module per ``conflictkg`` sub-command (see ``conflictkg.cli``)."""
