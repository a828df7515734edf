"""Writes of utilization management, one module per capability (registration, review, appeals, ...)."""
