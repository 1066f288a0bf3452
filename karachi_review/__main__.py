"""``python -m karachi_review`` runs the command-line front end."""

import sys

from karachi_review.cli import main

sys.exit(main())
