"""The feedback table: surveys and workshop volunteers, each item with its TTL.

- ``chat#<conversation id> / survey``: the post-chat survey; the key *is* the
  rule "one survey per conversation" (conditional put).
- ``nonuser#<id> / survey``: the survey of people who never used the service.
- ``volunteers / <created_at>#<id>``: workshop volunteers, newest last; one
  small partition a supervisor pages through (personal data: 90-day TTL).
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError, QueryError
from pynamodb.models import Model

from chalicelib.clock import now
from chalicelib.models.base import is_condition_failure, register
from chalicelib.models.cursor import CursorError, decode_cursor, encode_cursor

VOLUNTEERS_PK = "volunteers"
SURVEY_SK = "survey"


class _FeedbackRow(Model):
    """The keys, creation time and expiry every item of the feedback table has."""

    class Meta:
        table_name = "feedback"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    created_at = UnicodeAttribute()
    ttl = NumberAttribute()


@register("feedback")
class ChatSurvey(_FeedbackRow):
    """Answers of a citizen after a closed conversation."""

    conversation_id = UnicodeAttribute()
    found_easily = UnicodeAttribute()
    understood = UnicodeAttribute()
    found_service = UnicodeAttribute()
    rating = NumberAttribute()
    comment = UnicodeAttribute(null=True)


@register("feedback")
class NonUserSurvey(_FeedbackRow):
    """Answers of someone who has never used the online police station."""

    wanted_online = UnicodeAttribute()
    how_far = JSONAttribute()
    comment = UnicodeAttribute(null=True)


@register("feedback")
class Volunteer(_FeedbackRow):
    """A workshop volunteer (personal data, short TTL, supervisors only)."""

    volunteer_id = UnicodeAttribute()
    name = UnicodeAttribute()
    reach = UnicodeAttribute()
    availability = UnicodeAttribute()
    consent_at = UnicodeAttribute()


def chat_survey_pk(conversation_id: str) -> str:
    return f"chat#{conversation_id}"


def save_chat_survey(survey: ChatSurvey) -> bool:
    """Store the survey of a conversation; False when that conversation already has one."""
    try:
        survey.save(condition=ChatSurvey.pk.does_not_exist())
    except PutError as error:
        if is_condition_failure(error):
            return False
        raise
    return True


def save_non_user_survey(survey: NonUserSurvey) -> None:
    """Store one non-user survey (random key: never overwrites)."""
    survey.save(condition=NonUserSurvey.pk.does_not_exist())


def save_volunteer(volunteer: Volunteer) -> None:
    """Store one volunteer (random key: never overwrites)."""
    volunteer.save(condition=Volunteer.pk.does_not_exist())


def volunteers_page(limit: int, cursor: str | None) -> tuple[list[Volunteer], str | None]:
    """One page of unexpired volunteers, newest first (one Query)."""
    start = (
        decode_cursor(cursor, "volunteers", {"pk": "S", "sk": "S"}, fixed={"pk": VOLUNTEERS_PK})
        if cursor
        else None
    )
    try:
        response = Volunteer._get_connection().query(
            VOLUNTEERS_PK,
            filter_condition=Volunteer.ttl > int(now()),
            limit=limit,
            exclusive_start_key=start,
            scan_index_forward=False,
        )
    except QueryError as error:
        if start is not None and getattr(error, "cause_response_code", "") == "ValidationException":
            raise CursorError() from error
        raise
    last = response.get("LastEvaluatedKey")
    items = [Volunteer.from_raw_data(raw) for raw in response.get("Items", [])]
    return items, (encode_cursor(last, "volunteers") if last else None)
