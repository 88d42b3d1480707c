"""``python -m whyrelu``: the ``whyrelu`` command line."""

import sys

from spec.cli import main

if __name__ == "__main__":
    sys.exit(main())
