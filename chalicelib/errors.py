"""Domain exceptions and their one mapping to HTTP responses and WebSocket frames.

Every refusal the app makes is a :class:`DomainError` with a stable ``code``
(documented in docs/protocol.md and the OpenAPI document), an HTTP status and
a French message a citizen or an officer can read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pydantic is imported lazily, where bodies and frames are parsed
    from pydantic import ValidationError


class DomainError(Exception):
    """A refusal with a stable code, an HTTP status and a readable French message."""

    code = "error"
    status = 400
    default_message = "La demande n'a pas pu être traitée."

    def __init__(
        self,
        message: str | None = None,
        *,
        field: str | None = None,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.field = field
        self.details = details or []
        self.headers = headers or {}
        super().__init__(self.message)

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        if self.details:
            body["details"] = self.details
        return body


class InvalidJson(DomainError):
    code = "invalid_json"
    default_message = "Le contenu envoyé n'est pas du JSON valide."


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 422
    default_message = "Certains champs sont invalides."


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = "Ressource introuvable."


class Unauthorized(DomainError):
    code = "unauthorized"
    status = 401
    default_message = "Authentification requise."


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    default_message = "Accès refusé."


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = "L'état de la ressource ne permet pas cette action."


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
    default_message = "Trop de demandes. Réessayez dans un instant."

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        super().__init__(message, headers={"Retry-After": str(max(1, retry_after))})
        self.retry_after = max(1, retry_after)

    def payload(self) -> dict[str, Any]:
        body = super().payload()
        body["retry_after"] = self.retry_after
        return body


class PayloadTooLarge(DomainError):
    code = "payload_too_large"
    status = 413
    default_message = "Le contenu envoyé est trop volumineux."


def _field_path(loc: tuple[int | str, ...]) -> str:
    return printable(".".join(str(part) for part in loc))


def from_validation_error(error: ValidationError, prefix: str = "") -> InvalidInput:
    """Turn a pydantic error into an InvalidInput naming each bad field."""
    details = []
    for item in error.errors(include_url=False, include_input=False):
        loc = item.get("loc", ())
        path = _field_path(tuple(loc)) if loc else prefix or "body"
        details.append(
            {"field": path, "problem": item.get("type", "invalid"), "message": french_problem(item)}
        )
    first = details[0]["field"] if details else None
    message = "Champ invalide : " + ", ".join(d["field"] for d in details) + "."
    return InvalidInput(message, field=first, details=details)


_FRENCH = {
    "missing": "Ce champ est obligatoire.",
    "string_too_long": "Ce texte est trop long.",
    "string_too_short": "Ce champ est trop court ou vide.",
    "literal_error": "Cette valeur n'est pas acceptée.",
    "enum": "Cette valeur n'est pas acceptée.",
    "extra_forbidden": "Ce champ n'est pas attendu.",
    "int_parsing": "Un nombre entier est attendu.",
    "int_type": "Un nombre entier est attendu.",
    "string_type": "Un texte est attendu.",
    "string_unicode": "Ce texte contient des caractères invalides.",
    "bool_type": "Oui ou non est attendu.",
    "bool_parsing": "Oui ou non est attendu.",
    "greater_than_equal": "Cette valeur est trop petite.",
    "less_than_equal": "Cette valeur est trop grande.",
    "string_pattern_mismatch": "Le format n'est pas valide.",
    "model_type": "Un objet JSON est attendu.",
    "dict_type": "Un objet JSON est attendu.",
    "list_type": "Une liste est attendue.",
    "too_long": "Trop d'éléments.",
    "union_tag_invalid": "Type inconnu.",
    "union_tag_not_found": "Le type est obligatoire.",
}


# What a pattern means, in French, for the patterns whose generic message would not help
# (chalicelib/fields.py registers them).
_PATTERNS: dict[str, str] = {}


def describe_pattern(pattern: str, message: str) -> None:
    """Say in French what a string that does not match ``pattern`` lacks."""
    _PATTERNS[pattern] = message


def printable(text: str) -> str:
    """``text`` as it can be sent back in an answer (a lone surrogate cannot be encoded)."""
    return text.encode("utf-8", "replace").decode("utf-8")


def french_problem(item: Any) -> str:
    """A plain French sentence for one pydantic error item."""
    kind = item.get("type", "")
    if kind == "string_pattern_mismatch":
        described = _PATTERNS.get(str((item.get("ctx") or {}).get("pattern", "")))
        if described:
            return described
    if kind == "value_error":
        # Our own validators raise ValueError with a French message.
        ctx = item.get("ctx") or {}
        err = ctx.get("error")
        if err is not None:
            return str(err)
    return _FRENCH.get(kind, "Valeur invalide.")
