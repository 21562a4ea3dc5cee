"""`python -m exprun.server` is `exprun`."""

import sys

from exprun.server.cli import main

sys.exit(main())
