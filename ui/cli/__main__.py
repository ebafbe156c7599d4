"""`python -m ui.cli`: the `ttx` command."""

import sys

from ui.cli import main

sys.exit(main())
