"""OperationOutcome: every problem found in a request, each with a FHIRPath expression saying where.

Issues never repeat member identifiers or names (no PHI in error messages)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Issue:
    code: str  # FHIR issue-type: structure, required, value, invalid, not-found, code-invalid, ...
    message: str
    expression: str = ""
    severity: str = "error"

    def as_fhir(self) -> dict[str, Any]:
        issue: dict[str, Any] = {
            "severity": self.severity,
            "code": self.code,
            "diagnostics": self.message,
        }
        if self.expression:
            issue["expression"] = [self.expression]
        return issue


class FhirProblem(Exception):
    """The request cannot be answered: the issues go back as an OperationOutcome with `status`."""

    def __init__(self, issues: Sequence[Issue], status: int = 400) -> None:
        super().__init__("; ".join(i.message for i in issues))
        self.issues = tuple(issues)
        self.status = status


def operation_outcome(issues: Iterable[Issue]) -> dict[str, Any]:
    return {"resourceType": "OperationOutcome", "issue": [i.as_fhir() for i in issues]}


def issues_from_fields(
    errors: Mapping[str, Sequence[Any]], paths: Mapping[str, str], code: str = "business-rule"
) -> list[Issue]:
    """Service errors (messages per field) as issues, each at the FHIR path the field came from."""
    found = []
    for field, messages in errors.items():
        for message in messages:
            text = message if isinstance(message, str) else "; ".join(map(str, message))
            found.append(Issue(code, text, paths.get(field, "Claim")))
    return found
