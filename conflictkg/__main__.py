import sys

from conflictkg.cli import main

sys.exit(main())
