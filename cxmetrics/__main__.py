"""Entry point of `python -m cxmetrics`."""

import sys

from .cli import main

sys.exit(main())
