from conflictkg.cli import entry

entry()
