"""Officers' presence, capacity and load.

Indexes (sparse):
- ``presence``: officers online or away (``presence_pk`` = their status).
- ``available``: officers online with free capacity, least loaded first, then the one
  assigned longest ago (``avail_sk = <active_count>#<last_assigned_at>#<id>``): the head
  of this index is who gets the next conversation — fair and capacity-safe.
- ``gone``: officers whose every socket dropped (``gone_pk``, ``gone_at``), for the sweeper.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import size
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.models.base import ConditionFailed, plain, refused_on_condition, register

AVAILABLE_PK = "online"
GONE_PK = "gone"


class PresenceIndex(GlobalSecondaryIndex["Officer"]):
    class Meta:
        index_name = "presence"
        projection = KeysOnlyProjection()

    presence_pk = UnicodeAttribute(hash_key=True)
    officer_id = UnicodeAttribute(range_key=True)


class AvailableIndex(GlobalSecondaryIndex["Officer"]):
    class Meta:
        index_name = "available"
        projection = IncludeProjection(["active_count", "capacity"])

    avail_pk = UnicodeAttribute(hash_key=True)
    avail_sk = UnicodeAttribute(range_key=True)


class GoneIndex(GlobalSecondaryIndex["Officer"]):
    class Meta:
        index_name = "gone"
        projection = KeysOnlyProjection()

    gone_pk = UnicodeAttribute(hash_key=True)
    gone_at = NumberAttribute(range_key=True)


@register("officers")
class Officer(Model):
    """An officer's presence, capacity and current load."""

    class Meta:
        table_name = "officers"

    officer_id = UnicodeAttribute(hash_key=True)
    username = UnicodeAttribute()
    display_name = UnicodeAttribute(null=True)  # Cognito's `name`, from the console's id token
    # In the supervisors group, as the token of their last console socket said.
    supervisor = BooleanAttribute(default=False)
    status = UnicodeAttribute(default="offline")  # online | away | offline
    capacity = NumberAttribute(default=4)
    active_count = NumberAttribute(default=0)
    last_assigned_at = NumberAttribute(default=0)
    # connection id -> "domainName|stage" of each open console socket
    connections = MapAttribute(default=dict)  # type: ignore[var-annotated]
    presence_pk = UnicodeAttribute(null=True)
    avail_pk = UnicodeAttribute(null=True)
    avail_sk = UnicodeAttribute(null=True)
    gone_pk = UnicodeAttribute(null=True)
    gone_at = NumberAttribute(null=True)
    updated_at = NumberAttribute(default=0)

    presence = PresenceIndex()
    available = AvailableIndex()
    gone = GoneIndex()

    @property
    def shown_name(self) -> str:
        """How colleagues see this officer: the display name, else the username."""
        return str(self.display_name or self.username)

    def sockets(self) -> dict[str, str]:
        """The officer's open console sockets: connection id -> ``domainName|stage``."""
        return {str(key): str(value) for key, value in plain(self.connections).items()}


# -- operations ------------------------------------------------------------------


def availability(
    status: str,
    active_count: int,
    capacity: int,
    last_assigned_at: float,
    officer_id: str,
    *,
    reachable: bool = True,
) -> tuple[str | None, str | None]:
    """The ``available`` index keys: present only while online with free capacity, and
    with a socket (an officer ``gone`` gets no new conversation)."""
    if status != "online" or active_count >= capacity or not reachable:
        return None, None
    return AVAILABLE_PK, f"{active_count:04d}#{last_assigned_at:017.6f}#{officer_id}"


def availability_actions(
    status: str,
    active_count: int,
    capacity: int,
    last_assigned_at: float,
    officer_id: str,
    *,
    reachable: bool = True,
) -> list[Any]:
    """Update actions that keep presence and availability keys true to the new state."""
    pk, sk = availability(
        status, active_count, capacity, last_assigned_at, officer_id, reachable=reachable
    )
    actions: list[Any] = []
    if pk and sk:
        actions += [Officer.avail_pk.set(pk), Officer.avail_sk.set(sk)]
    else:
        actions += [Officer.avail_pk.remove(), Officer.avail_sk.remove()]
    if status == "offline":
        actions.append(Officer.presence_pk.remove())
    else:
        actions.append(Officer.presence_pk.set(status))
    return actions


def get(officer_id: str) -> Officer | None:
    try:
        return Officer.get(officer_id, consistent_read=True)
    except Officer.DoesNotExist:
        return None


def shown_names(officer_ids: set[str]) -> dict[str, str]:
    """Officer id -> the name colleagues see (one BatchGetItem per 100 ids)."""
    if not officer_ids:
        return {}
    return {
        str(found.officer_id): found.shown_name
        for found in Officer.batch_get(
            sorted(officer_ids), attributes_to_get=["officer_id", "username", "display_name"]
        )
    }


def attach_socket(
    officer_id: str,
    username: str,
    connection_id: str,
    endpoint: str,
    default_capacity: int,
    at: float,
    *,
    display_name: str = "",
    supervisor: bool = False,
) -> Officer:
    """Record an officer socket (creating the officer on first sight); clears ``gone``."""
    officer = Officer(officer_id)
    for _ in range(3):
        try:
            officer.update(
                actions=[Officer.connections[connection_id].set(endpoint)],
                condition=Officer.connections.exists(),
            )
            break
        except UpdateError:
            pass
        try:
            # First socket ever: the map must exist before a key can be set in it.
            officer.update(
                actions=[Officer.connections.set({connection_id: endpoint})],
                condition=Officer.connections.does_not_exist(),
            )
            break
        except UpdateError:
            continue  # another socket created the map meanwhile: add to it
    officer.update(
        actions=[
            Officer.username.set(username),
            *([Officer.display_name.set(display_name)] if display_name else []),
            Officer.supervisor.set(supervisor),
            Officer.capacity.set(Officer.capacity | default_capacity),
            Officer.active_count.set(Officer.active_count | 0),
            Officer.last_assigned_at.set(Officer.last_assigned_at | 0),
            Officer.status.set(Officer.status | "offline"),
            Officer.gone_pk.remove(),
            Officer.gone_at.remove(),
            Officer.updated_at.set(at),
        ]
    )
    refresh_availability(officer, at)
    return officer


def refresh_availability(officer: Officer, at: float) -> None:
    """Put the index keys back in line with status and load (after a reconnect)."""
    pk, sk = availability(
        str(officer.status),
        int(officer.active_count),
        int(officer.capacity),
        float(officer.last_assigned_at),
        officer.officer_id,
    )
    if officer.avail_pk == pk and officer.avail_sk == sk:
        return
    try:
        officer.update(
            actions=[
                Officer.updated_at.set(at),
                *availability_actions(
                    str(officer.status),
                    int(officer.active_count),
                    int(officer.capacity),
                    float(officer.last_assigned_at),
                    officer.officer_id,
                ),
            ],
            condition=Officer.active_count == officer.active_count,
        )
    except UpdateError:
        pass  # the load changed meanwhile: that write set the keys


def detach_socket(officer_id: str, connection_id: str, at: float) -> Officer | None:
    """Forget an officer socket; with none left, the officer is ``gone`` (grace period)."""
    officer = Officer(officer_id)
    try:
        officer.update(
            actions=[Officer.connections[connection_id].remove()],
            condition=Officer.officer_id.exists(),
        )
    except UpdateError:
        return None
    if not officer.sockets():
        try:
            # Gone officers get no new conversation; they keep their status for a return.
            officer.update(
                actions=[
                    Officer.gone_pk.set(GONE_PK),
                    Officer.gone_at.set(at),
                    Officer.avail_pk.remove(),
                    Officer.avail_sk.remove(),
                ],
                condition=size(Officer.connections) == 0,
            )
        except UpdateError:
            pass  # reconnected meanwhile
    return officer


def set_status(officer: Officer, status: str, at: float) -> Officer:
    """Change presence, keeping the index keys true (optimistic on the current load).

    ConditionFailed when the load changed since ``officer`` was read.
    """
    with refused_on_condition():
        officer.update(
            actions=[
                Officer.status.set(status),
                Officer.updated_at.set(at),
                *availability_actions(
                    status,
                    int(officer.active_count),
                    int(officer.capacity),
                    float(officer.last_assigned_at),
                    officer.officer_id,
                ),
            ],
            condition=Officer.active_count == officer.active_count,
        )
    return officer


def set_capacity(officer: Officer, capacity: int, at: float) -> Officer:
    """Change capacity (ConditionFailed when the load changed since ``officer`` was read)."""
    with refused_on_condition():
        officer.update(
            actions=[
                Officer.capacity.set(capacity),
                Officer.updated_at.set(at),
                *availability_actions(
                    str(officer.status),
                    int(officer.active_count),
                    capacity,
                    float(officer.last_assigned_at),
                    officer.officer_id,
                ),
            ],
            condition=Officer.active_count == officer.active_count,
        )
    return officer


def available(limit: int = 5) -> list[Officer]:
    """Online officers with free capacity: least loaded, then longest since an assignment."""
    return list(Officer.available.query(AVAILABLE_PK, scan_index_forward=True, limit=limit))


def online_count() -> int:
    """How many officers are online (a COUNT query on ``presence``: one item per officer)."""
    return int(Officer.presence.count("online"))


def on_duty_count() -> int:
    """Officers online or away: on duty, whether or not they take conversations by themselves."""
    return int(Officer.presence.count("online")) + int(Officer.presence.count("away"))


def online_capacity() -> tuple[int, int]:
    """Officers online, and how many conversations they hold together at most (their
    capacities): one Query of ``presence`` and one BatchGetItem per 100 officers."""
    ids = [item.officer_id for item in Officer.presence.query("online")]
    if not ids:
        return 0, 0
    found = Officer.batch_get(ids, attributes_to_get=["officer_id", "capacity"])
    return len(ids), sum(int(officer.capacity) for officer in found)


def online_ids(limit: int | None = None) -> list[str]:
    """Ids of officers online (one Query of the keys-only ``presence`` index; ``limit``
    bounds it where only "anyone else?" matters)."""
    return [item.officer_id for item in Officer.presence.query("online", limit=limit)]


def with_presence() -> list[str]:
    """Ids of officers online or away."""
    ids = [item.officer_id for item in Officer.presence.query("online")]
    ids += [item.officer_id for item in Officer.presence.query("away")]
    return ids


def present() -> list[Officer]:
    """Officers online or away, whole (their sockets, load, names): two Queries of
    ``presence`` and one strongly consistent BatchGetItem per 100 officers; online ones
    first, as :func:`with_presence` lists them."""
    ids = with_presence()
    if not ids:
        return []
    found = {found.officer_id: found for found in Officer.batch_get(ids, consistent_read=True)}
    return [found[officer_id] for officer_id in ids if officer_id in found]


def gone_before(at: float) -> list[str]:
    return [item.officer_id for item in Officer.gone.query(GONE_PK, Officer.gone_at < at)]


def clear_gone(officer: Officer, at: float) -> bool:
    """After the grace period: offline, no sockets expected, out of every index.

    False when the officer came back meanwhile (no longer ``gone``): nothing written.
    """
    try:
        with refused_on_condition():
            officer.update(
                actions=[
                    Officer.status.set("offline"),
                    Officer.gone_pk.remove(),
                    Officer.gone_at.remove(),
                    Officer.updated_at.set(at),
                    *availability_actions(
                        "offline",
                        int(officer.active_count),
                        int(officer.capacity),
                        float(officer.last_assigned_at),
                        officer.officer_id,
                    ),
                ],
                condition=Officer.gone_pk.exists(),
            )
    except ConditionFailed:
        return False
    return True
