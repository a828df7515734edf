"""The X12 278 (005010X217) for provider systems and clearinghouses: parse, map, answer (issue 11)."""
