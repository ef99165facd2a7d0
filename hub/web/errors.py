"""The one error type for request values: each bad field with its reason, and its 4xx answer.

A parser, a validator or a service raises `InvalidInput`; a route that has a form to
show again catches it and re-renders the form with the messages, and every other
route lets it reach the app's handler (`hub.app`), which answers problem+json for
/api/ and /webhooks/ and an error page naming the fields elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.responses import JSONResponse

PROBLEM = "application/problem+json"


@dataclass(frozen=True)
class FieldError:
    """One bad field: ``path`` names it (``lines/0/price`` inside a JSON body), ``reason`` says why."""

    path: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


class InvalidInput(ValueError):
    """Request values that cannot be used; ``errors`` lists every bad field."""

    def __init__(
        self,
        errors: list[FieldError] | FieldError,
        status: int = 422,
        title: str = "The request is not valid.",
    ) -> None:
        self.errors = [errors] if isinstance(errors, FieldError) else list(errors)
        super().__init__("; ".join(str(error) for error in self.errors))
        self.status, self.title = status, title

    @classmethod
    def one(cls, path: str, reason: str, status: int = 422) -> InvalidInput:
        return cls(FieldError(path, reason), status)

    @property
    def field(self) -> str:
        """The first bad field's name: what a form with one message shows."""
        return self.errors[0].path if self.errors else ""

    @property
    def reason(self) -> str:
        return self.errors[0].reason if self.errors else ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "status": self.status,
            "errors": [error.as_dict() for error in self.errors],
        }


def problem(status: int, title: str, errors: list[FieldError] | None = None) -> JSONResponse:
    """An RFC 9457 problem answer, with the bad fields when there are some."""
    body: dict[str, Any] = {"title": title, "status": status}
    if errors is not None:
        body["errors"] = [error.as_dict() for error in errors]
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def invalid_input_problem(error: InvalidInput) -> JSONResponse:
    return problem(error.status, error.title, error.errors)
