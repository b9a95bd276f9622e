"""``python -m symfisher`` runs the command line."""

import sys

from symfisher.cli import main

sys.exit(main())
