"""Pages of utilization management, one module (or package) per capability."""
