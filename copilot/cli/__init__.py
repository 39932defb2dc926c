"""The command line: ``main`` creates the Typer app; every other module is a leaf of commands."""
