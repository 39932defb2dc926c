"""GreenOps Copilot entry point: ``python app.py`` starts the web UI; ``python app.py --help`` lists
the commands."""

import sys

from copilot.cli.main import main

if __name__ == "__main__":
    main(sys.argv[1:] or ["ui"])
