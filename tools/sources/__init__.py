"""Readers for real data files (grid carbon intensity) into the typed records of tools.schemas."""

from tools.sources.grid_csv import GridFileError, GridFormat, file_sha256, read_grid_csv

__all__ = ["GridFileError", "GridFormat", "file_sha256", "read_grid_csv"]
