"""Writes of care management, one module per capability (icm_*: intensive care management)."""
