"""Reads of care management, one module per capability (icm: intensive care management)."""
