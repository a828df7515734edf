"""Forms of care management, one module per capability."""
