"""Permission matrix entries of the x12 endpoints."""

X12_ENTRIES: dict = {}
X12_API_ENTRIES: dict = {}
