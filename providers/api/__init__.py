"""The read API of the provider network (/api/v1/providers/, /api/v1/sites/), scoped like the pages."""
