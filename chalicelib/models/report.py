"""The reports table: one partition per report, one item per spot (docs/data-model.md).

``pk = report#<id>`` holds the report (``sk = report``), its status changes
(``event#<time>#<n>``), its photos (``photo#<id>``) and the optional contact of
the citizen (``contact``, with a shorter TTL): an officer's view of a report is
one Query. ``pk = spot#<id>, sk = spot`` counts the reports of one place.
Every item carries a ``ttl``; readers ignore expired items (DynamoDB deletes
them within days, moto never does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.models import Model

from chalicelib.clock import now
from chalicelib.models.base import (
    cancelled_on_condition,
    is_condition_failure,
    register,
    transaction,
)

REPORT_SK = "report"
SPOT_SK = "spot"
CONTACT_SK = "contact"
EVENT_PREFIX = "event#"
PHOTO_PREFIX = "photo#"


def report_pk(report_id: str) -> str:
    return f"report#{report_id}"


def spot_pk(spot_id: str) -> str:
    return f"spot#{spot_id}"


class _Indexed(Model):
    """Attributes the secondary indexes are built on (see report_index.py)."""

    class Meta:
        table_name = "reports"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    ttl = NumberAttribute()
    # Display row projected into the indexes (JSON), so a list page needs no GetItem.
    row = JSONAttribute(null=True)
    gsi_sk = UnicodeAttribute(null=True)
    all_pk = UnicodeAttribute(null=True)
    kind_pk = UnicodeAttribute(null=True)
    status_pk = UnicodeAttribute(null=True)
    dept_pk = UnicodeAttribute(null=True)
    kind_status_pk = UnicodeAttribute(null=True)
    kind_dept_pk = UnicodeAttribute(null=True)
    status_dept_pk = UnicodeAttribute(null=True)
    kind_status_dept_pk = UnicodeAttribute(null=True)
    spot_pk = UnicodeAttribute(null=True)


@register("reports")
class ReportItem(_Indexed):
    """A report as the citizen filed it, with its current status."""

    class Meta:
        table_name = "reports"

    report_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    status = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    address = UnicodeAttribute()
    postcode = UnicodeAttribute()
    commune = UnicodeAttribute()
    dept = UnicodeAttribute()
    lat = NumberAttribute(null=True)
    lon = NumberAttribute(null=True)
    observed = JSONAttribute()
    details = JSONAttribute()
    description = UnicodeAttribute()
    tracking_hash = UnicodeAttribute()
    spot_id = UnicodeAttribute()
    photo_slots = NumberAttribute(default=0)
    # Filed by an officer from this chat conversation (docs/reports.md).
    conversation_id = UnicodeAttribute(null=True)


@register("reports")
class SpotItem(_Indexed):
    """One place (and kind) reports are grouped under, with their count."""

    class Meta:
        table_name = "reports"

    spot_id = UnicodeAttribute(null=True)
    report_count = NumberAttribute(null=True)
    first_at = UnicodeAttribute(null=True)
    last_at = UnicodeAttribute(null=True)


@register("reports")
class ReportEvent(Model):
    """One status change: who, when, from, to, why. Never updated."""

    class Meta:
        table_name = "reports"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    at = UnicodeAttribute()
    officer_id = UnicodeAttribute()
    officer = UnicodeAttribute()
    from_status = UnicodeAttribute()
    to_status = UnicodeAttribute()
    note = UnicodeAttribute()
    ttl = NumberAttribute()


@register("reports")
class ReportPhoto(Model):
    """A photo slot: ``pending`` until the upload is cleaned, then ``clean``."""

    class Meta:
        table_name = "reports"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    photo_id = UnicodeAttribute()
    state = UnicodeAttribute()
    content_type = UnicodeAttribute()
    upload_key = UnicodeAttribute()
    clean_key = UnicodeAttribute(null=True)
    width = NumberAttribute(null=True)
    height = NumberAttribute(null=True)
    size = NumberAttribute(null=True)
    created_at = UnicodeAttribute()
    ttl = NumberAttribute()


@register("reports")
class ReportContact(Model):
    """How to call the citizen back, when they chose to leave it (personal data, 90 days)."""

    class Meta:
        table_name = "reports"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    name = UnicodeAttribute(null=True)
    reach = UnicodeAttribute()
    ttl = NumberAttribute()


class ReportIdTaken(Exception):
    """The random report id already exists (the caller draws another)."""


@dataclass(frozen=True)
class SpotUpdate:
    """What one new report adds to its spot."""

    spot_id: str
    at: str
    ttl: int
    row: dict[str, Any]
    index_keys: dict[str, str]


def _alive(ttl: float | None) -> bool:
    return ttl is not None and ttl > now()


def create_report(report: ReportItem, spot: SpotUpdate, contact: ReportContact | None) -> None:
    """Store a new report and count it on its spot, all or nothing (one TransactWriteItems)."""
    actions: list[Action] = [
        SpotItem.report_count.add(1),
        SpotItem.first_at.set(SpotItem.first_at | spot.at),
        SpotItem.last_at.set(spot.at),
        SpotItem.spot_id.set(spot.spot_id),
        SpotItem.ttl.set(spot.ttl),
        SpotItem.row.set(SpotItem.row | spot.row),
    ]
    actions += [getattr(SpotItem, name).set(value) for name, value in spot.index_keys.items()]
    try:
        with transaction() as tx:
            tx.save(report, condition=ReportItem.pk.does_not_exist())
            tx.update(SpotItem(spot_pk(spot.spot_id), SPOT_SK), actions=actions)
            if contact is not None:
                tx.save(contact, condition=ReportContact.pk.does_not_exist())
    except TransactWriteError as error:
        if any(cancelled_on_condition(error)):
            raise ReportIdTaken() from error
        raise


def get_report(report_id: str, consistent: bool = True) -> ReportItem | None:
    """The report, or None when unknown or past its retention."""
    try:
        item = ReportItem.get(report_pk(report_id), REPORT_SK, consistent_read=consistent)
    except DoesNotExist:
        return None
    return item if _alive(item.ttl) else None


@dataclass
class ReportFile:
    """Everything stored under one report: what an officer's view shows."""

    report: ReportItem
    contact: ReportContact | None = None
    events: list[ReportEvent] = field(default_factory=list)
    photos: list[ReportPhoto] = field(default_factory=list)


def read_report_file(report_id: str) -> ReportFile | None:
    """The report with its events, photos and contact: one Query on its partition."""
    # A report has at most a few dozen items (3 photos, its status changes): one page.
    response = ReportItem._get_connection().query(report_pk(report_id), consistent_read=True)
    items = response.get("Items", [])
    by_sk = {raw["sk"]["S"]: raw for raw in items}
    raw_report = by_sk.get(REPORT_SK)
    if raw_report is None:
        return None
    report = ReportItem.from_raw_data(raw_report)
    if not _alive(report.ttl):
        return None
    found = ReportFile(report=report)
    for sk, raw in sorted(by_sk.items()):
        if sk == CONTACT_SK:
            contact = ReportContact.from_raw_data(raw)
            found.contact = contact if _alive(contact.ttl) else None
        elif sk.startswith(EVENT_PREFIX):
            found.events.append(ReportEvent.from_raw_data(raw))
        elif sk.startswith(PHOTO_PREFIX):
            found.photos.append(ReportPhoto.from_raw_data(raw))
    return found


def change_status(
    report_id: str,
    expected: str,
    to: str,
    updated_at: str,
    row: dict[str, Any],
    index_keys: dict[str, str],
    event: ReportEvent,
) -> bool:
    """Move a report from ``expected`` to ``to`` and record the event, all or nothing.

    False when the report is no longer in ``expected`` (another officer moved it
    first): nothing is written.
    """
    actions: list[Action] = [
        ReportItem.status.set(to),
        ReportItem.updated_at.set(updated_at),
        ReportItem.row.set(row),
    ]
    actions += [getattr(ReportItem, name).set(value) for name, value in index_keys.items()]
    try:
        with transaction() as tx:
            tx.update(
                ReportItem(report_pk(report_id), REPORT_SK),
                actions=actions,
                condition=ReportItem.pk.exists() & (ReportItem.status == expected),
            )
            tx.save(event, condition=ReportEvent.pk.does_not_exist())
    except TransactWriteError as error:
        if any(cancelled_on_condition(error)):
            return False
        raise
    return True


def reserve_photo(photo: ReportPhoto, max_photos: int, open_statuses: frozenset[str]) -> bool:
    """Take one of the report's photo slots and store the pending photo, all or nothing.

    False when every slot is taken or the report no longer accepts photos.
    """
    report = ReportItem(photo.pk, REPORT_SK)
    status_open = ReportItem.status.is_in(*sorted(open_statuses))
    try:
        with transaction() as tx:
            tx.update(
                report,
                actions=[ReportItem.photo_slots.add(1)],
                condition=ReportItem.pk.exists()
                & (ReportItem.photo_slots < max_photos)
                & status_open,
            )
            tx.save(photo, condition=ReportPhoto.pk.does_not_exist())
    except TransactWriteError as error:
        if any(cancelled_on_condition(error)):
            return False
        raise
    return True


def get_photo(report_id: str, photo_id: str) -> ReportPhoto | None:
    """One photo slot of a report, or None."""
    try:
        photo = ReportPhoto.get(report_pk(report_id), PHOTO_PREFIX + photo_id, consistent_read=True)
    except DoesNotExist:
        return None
    return photo if _alive(photo.ttl) else None


def mark_photo_clean(
    photo: ReportPhoto, clean_key: str, width: int, height: int, size: int
) -> bool:
    """Record that the cleaned copy exists; False if the slot is not pending any more."""
    try:
        photo.update(
            actions=[
                ReportPhoto.state.set("clean"),
                ReportPhoto.clean_key.set(clean_key),
                ReportPhoto.width.set(width),
                ReportPhoto.height.set(height),
                ReportPhoto.size.set(size),
            ],
            condition=ReportPhoto.state == "pending",
        )
    except UpdateError as error:
        if is_condition_failure(error):
            return False
        raise
    return True


def release_photo(photo: ReportPhoto) -> bool:
    """Give a pending slot back (upload missing or refused), all or nothing."""
    try:
        with transaction() as tx:
            tx.delete(photo, condition=ReportPhoto.state == "pending")
            tx.update(
                ReportItem(photo.pk, REPORT_SK),
                actions=[ReportItem.photo_slots.add(-1)],
                condition=ReportItem.photo_slots > 0,
            )
    except TransactWriteError as error:
        if any(cancelled_on_condition(error)):
            return False
        raise
    return True


def get_spot(spot_id: str) -> SpotItem | None:
    """A spot, or None when unknown or past its retention."""
    try:
        item = SpotItem.get(spot_pk(spot_id), SPOT_SK, consistent_read=False)
    except DoesNotExist:
        return None
    return item if _alive(item.ttl) else None
