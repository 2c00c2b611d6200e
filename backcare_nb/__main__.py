"""``python -m backcare_nb``: the same command line as the ``backcare-nb`` script."""

import sys

from backcare_nb.cli import main

if __name__ == "__main__":
    sys.exit(main())
