"""Errors a lifecycle action raises. Each carries what an official needs to read a refusal:
the rule it rests on, the clause of the policy, a Chinese message, and the field at fault.

The API turns them into `{"error": {...}}` with the status below; the web UI shows the message
beside the field. Raising one inside a transaction rolls back everything the action did."""

from __future__ import annotations


class GovpmError(Exception):
    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        rule: str | None = None,
        citation: str | None = None,
        field: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule
        self.citation = citation
        self.field = field
        if code:
            self.code = code

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "rule": self.rule,
            "citation": self.citation,
            "field": self.field,
        }


class InvalidInput(GovpmError):
    """The request itself is malformed: a wrong type, an unknown key, a negative amount."""

    status = 400
    code = "invalid"


class RuleViolation(GovpmError):
    """The request is well formed but a rule of the policy forbids it."""

    status = 400
    code = "rule_violation"


class Forbidden(GovpmError):
    """The actor's role may not take this action (or answer this task)."""

    status = 403
    code = "forbidden"


class NotFound(GovpmError):
    """Also raised for what exists but the actor may not see: drafts of other units must not leak."""

    status = 404
    code = "not_found"


class Conflict(GovpmError):
    """The project is not in a stage that allows the action, often because another action won a race."""

    status = 409
    code = "conflict"
