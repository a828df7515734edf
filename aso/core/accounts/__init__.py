"""Signing in: passwords, multi-factor authentication, lockout, session lifetime, re-authentication.

See docs/security.md for how each piece maps to the HIPAA technical safeguards and OWASP ASVS.
"""
