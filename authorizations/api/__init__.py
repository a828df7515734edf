"""REST API of utilization management under /api/v1/, one module per capability."""
