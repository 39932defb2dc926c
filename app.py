"""GreenOps Copilot entry point: ``python app.py --help`` lists the commands."""

from copilot.cli import main

if __name__ == "__main__":
    main()
