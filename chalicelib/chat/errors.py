"""Refusals of the chat, each with a documented code (docs/protocol.md)."""

from __future__ import annotations

from chalicelib.errors import Conflict, DomainError, Forbidden, NotFound, RateLimited


class NotJoined(DomainError):
    code = "not_joined"
    default_message = "Commencez ou reprenez d'abord une conversation."


class AlreadyJoined(Conflict):
    code = "already_joined"
    default_message = "Cette connexion suit déjà une conversation."


class ConversationNotFound(NotFound):
    code = "conversation_not_found"
    default_message = "Conversation introuvable ou lien de reprise invalide."


class ConversationClosed(Conflict):
    code = "conversation_closed"
    default_message = "Cette conversation est terminée."


class NotYourConversation(Forbidden):
    code = "not_your_conversation"
    default_message = "Cette conversation ne vous est pas attribuée."


class OfficerAtCapacity(Conflict):
    code = "at_capacity"
    default_message = "Vous avez déjà le nombre maximal de conversations ouvertes."


class QueueEmpty(Conflict):
    code = "queue_empty"
    default_message = "Aucune conversation en attente."


class TooManyConnections(Conflict):
    code = "too_many_connections"
    default_message = "Cette conversation est déjà ouverte dans trop d'onglets ou d'appareils."


class OfficersOnly(Forbidden):
    code = "officers_only"
    default_message = "Action réservée aux policiers."


class CitizensOnly(Forbidden):
    code = "citizens_only"
    default_message = "Action réservée à la personne qui a ouvert la conversation."


class OfficerUnavailable(Conflict):
    code = "officer_unavailable"
    default_message = "Ce policier n'est pas disponible pour recevoir la conversation."


class Busy(Conflict):
    code = "busy"
    default_message = "Action simultanée en cours. Réessayez."


class UnknownConnection(DomainError):
    code = "unknown_connection"
    default_message = "Connexion inconnue ou expirée. Reconnectez-vous."


class OfficerOffline(Conflict):
    code = "officer_offline"
    default_message = "Passez d'abord en ligne ou en pause."


# What a refused join still says: a limit must never hide how to get help now.
EMERGENCY_NUMBERS = (
    "Si vous êtes en danger maintenant, appelez le 17 (police secours) ou le 112 ; "
    "si vous ne pouvez pas parler, envoyez un SMS au 114. "
    "Violences conjugales : 3919 (gratuit, anonyme, 24 h/24)."
)


class TooManyConversations(RateLimited):
    """A chat source (one connection address) has opened or queued too many conversations."""

    code = "too_many_conversations"

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, -(-retry_after // 60))
        super().__init__(
            retry_after,
            "Trop de demandes de conversation ont été faites depuis votre connexion. "
            f"Réessayez dans {minutes} minute{'s' if minutes > 1 else ''}. " + EMERGENCY_NUMBERS,
        )


class NotAboutDrugs(Conflict):
    code = "not_about_drugs"
    default_message = (
        "Seule une conversation sur les stupéfiants peut devenir un signalement de point de deal."
    )


class AlreadyReported(Conflict):
    code = "already_reported"
    default_message = "Un signalement a déjà été créé depuis cette conversation."
