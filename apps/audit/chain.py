"""Tamper evidence: every audit event is a link of its hospital's hash chain.

Each hospital's events form one chain, and events without a hospital (the super admin's
work, a failed log-in under an unknown name) one more. An event's `seq` is its place in
its chain (1, 2, … without gaps), `prev_hash` the hash of the event before it (GENESIS for
the first) and `hash` a SHA-256 over its own content and `prev_hash`. An edit, a deletion,
a reordering or an insertion, even by a database superuser with every trigger switched
off, leaves a link that no longer holds, and `verify_chains` (`manage.py verify_audit`)
names the first one in each chain.

What a chain cannot prove by itself is where it ends: whoever can write the table can cut
off its last events, or append invented ones with correctly computed hashes, and adjust the
head row to match. Only a copy of the head hash kept elsewhere (`verify_audit` prints each
chain's) shows that; every event up to a head so kept is then fixed.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.db import connection, transaction
from django.db.models import Model, Q

from apps.audit.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64
PLATFORM_CHAIN = 0  # the chain of events without a hospital (hospital ids start at 1)


def content_hash(event) -> str:
    """SHA-256 over the event's content and the previous event's hash, as canonical JSON.

    Canonical so that it reads back the same from either database: sorted keys, fixed
    separators, ASCII only, the time in UTC to the microsecond, and `changes` as the
    policy stores it (text, whole numbers, booleans, null; no floats to be re-spelt).
    """
    content = {
        "seq": event.seq,
        "prev_hash": event.prev_hash,
        "hospital": event.hospital_id,
        "created_at": event.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_username": event.actor_username,
        "actor_role": event.actor_role,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "summary": event.summary,
        "changes": event.changes,
        "ip_address": event.ip_address,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def link(event: AuditEvent) -> None:
    """Give the unsaved `event` the next place in its chain, and save it. Inside the change's transaction.

    One upsert of the chain's head row takes the next place and keeps the row locked until
    commit, so simultaneous events of one hospital queue there (on SQLite the database's
    write lock does the same) and each links to the event of the place before. The head is
    created by the first event of its chain, without a race. Two statements: the upsert,
    which also returns the previous event's hash, and the event's INSERT; a third only when
    that event was committed while the upsert waited for the head (`_previous_hash`).
    """
    with connection.cursor() as cursor:
        cursor.execute(*_next_place(event))
        event.seq, event.prev_hash = cursor.fetchone()
    if event.prev_hash is None:
        event.prev_hash = _previous_hash(event)
    event.hash = content_hash(event)
    event.save(force_insert=True)


def _in_chain(hospital_id: int | None) -> Q:
    """The events of one hospital's chain; None: those without a hospital, the platform's chain."""
    return Q(hospital__isnull=True) if hospital_id is None else Q(hospital_id=hospital_id)


def related_model(field_name: str) -> type[Model]:
    """The model an AuditEvent foreign key points at (its hospital, its actor)."""
    related = AuditEvent._meta.get_field(field_name).related_model
    if not isinstance(related, type):  # a lazy "app.Model" string before the app registry is ready
        raise TypeError(f"AuditEvent.{field_name} is not resolved yet")
    return related


def _next_place(event: AuditEvent) -> tuple[str, list]:
    """The upsert: the chain's next place, and the hash of the event in the place before it, if visible.

    On PostgreSQL its rows come from a share lock on the rows the event's foreign keys point
    at (its hospital, its actor), taken before the head's. The INSERT's own foreign-key checks
    would take those locks after it: a service holding one of those rows FOR UPDATE (the
    hospital, to number an MRN; a doctor, to hand out tokens) while waiting for the head would
    deadlock with an event holding the head and waiting for that row. So whoever holds a chain's
    head never waits for anything but its own commit.
    """
    quote = connection.ops.quote_name
    head, events = quote(AuditChainHead._meta.db_table), quote(AuditEvent._meta.db_table)
    in_chain, chain_params = (
        ("hospital_id = %s", [event.hospital_id]) if event.hospital_id else ("hospital_id IS NULL", [])
    )
    rows, params = "VALUES (%s, 1)", [event.hospital_id or PLATFORM_CHAIN]
    referenced = [(field, pk) for field, pk in (("hospital", event.hospital_id), ("actor", event.actor_id)) if pk]
    if connection.vendor == "postgresql" and referenced:
        tables = [quote(related_model(field)._meta.db_table) for field, _ in referenced]
        where = " AND ".join(f"{table}.id = %s" for table in tables)
        rows = f"SELECT %s, 1 FROM (SELECT 1 FROM {', '.join(tables)} WHERE {where} FOR KEY SHARE) AS referenced"  # noqa: S608 (our tables' names)
        params += [pk for _, pk in referenced]
    previous = f"(SELECT hash FROM {events} WHERE {in_chain} AND seq = {head}.seq - 1)"  # noqa: S608 (our tables' names)
    sql = f"INSERT INTO {head} (chain, seq) {rows} ON CONFLICT (chain) DO UPDATE SET seq = {head}.seq + 1 "
    sql += f"RETURNING seq, {previous}"
    return sql, params + chain_params


def _previous_hash(event: AuditEvent) -> str:
    """The hash of the event in the place before `event`'s, read afresh.

    The upsert's own read sees the database as it was when the statement began; when it had
    to wait for the head, the event it waited for committed after that, and only a new
    statement sees it (PostgreSQL, READ COMMITTED).
    """
    if event.seq == 1:
        return GENESIS
    previous = AuditEvent.objects.filter(_in_chain(event.hospital_id), seq=event.seq - 1)
    # None: someone deleted it. The clinic's work goes on; verify_audit reports the gap.
    return previous.values_list("hash", flat=True).first() or GENESIS


@dataclass(frozen=True)
class ChainReport:
    hospital_id: int | None
    events: int
    head_seq: int
    head_hash: str
    broken: str = ""  # the first link that does not hold, said plainly; empty when the chain is intact


def verify_chains() -> list[ChainReport]:
    """Walk every chain from its first event to its head; platform chain first, then by hospital id.

    One snapshot of the whole log (PostgreSQL: a read-only REPEATABLE READ transaction, unless
    called inside a transaction already), so events the app appends meanwhile cannot look like a
    broken end. On SQLite the walk holds the database's write lock while it reads.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        heads = {head.chain: head for head in AuditChainHead.objects.all()}
        hospitals: set[int | None] = set(AuditEvent.objects.order_by().values_list("hospital_id", flat=True).distinct())
        hospitals |= {chain or None for chain in heads}
        return [
            _verify(hospital_id, heads.get(hospital_id or PLATFORM_CHAIN))
            for hospital_id in sorted(hospitals, key=lambda pk: pk or PLATFORM_CHAIN)
        ]


def _verify(hospital_id: int | None, head: AuditChainHead | None) -> ChainReport:
    events = AuditEvent.objects.filter(_in_chain(hospital_id))
    count, expected, previous = 0, 1, None
    for event in events.order_by("seq", "id").iterator(chunk_size=2000):
        count += 1
        if problem := _broken_link(event, expected, previous):
            return ChainReport(
                hospital_id, count, event.seq, event.hash, f"event {event.pk} (seq {event.seq}): {problem}"
            )
        expected, previous = event.seq + 1, event
    last_seq, last_hash = (previous.seq, previous.hash) if previous else (0, GENESIS)
    return ChainReport(hospital_id, count, last_seq, last_hash, _broken_end(head, last_seq))


def _broken_end(head: AuditChainHead | None, last_seq: int) -> str:
    """What is wrong between the last event walked and the chain's head row."""
    if head is None:
        return "the chain has no head row (deleted?)" if last_seq else ""
    if head.seq > last_seq:
        missing = f"seq {last_seq + 1}" + (f"–{head.seq}" if head.seq > last_seq + 1 else "")
        return f"its end is missing: the head says seq {head.seq}, the last event is seq {last_seq} ({missing} deleted)"
    if head.seq < last_seq:
        return f"events after the head (seq {head.seq}) up to seq {last_seq}: written around record_event"
    return ""


def _broken_link(event: AuditEvent, expected: int, previous: AuditEvent | None) -> str:
    if event.seq < expected:
        return f"seq {event.seq} comes twice (a copy, or an event moved here)"
    if event.seq > expected:
        missing = f"seq {expected}" + (f"–{event.seq - 1}" if event.seq > expected + 1 else "")
        return f"{missing} missing before it (deleted)"
    if event.prev_hash != (previous.hash if previous else GENESIS):
        before = f"event {previous.pk} (seq {previous.seq})" if previous else "the chain's start"
        return f"it does not link to {before}: that one was changed after this was written, or this was moved"
    if content_hash(event) != event.hash:
        return "its content does not match its hash (changed after it was written)"
    return ""


def check_anchor(chain: int, seq: int, hash_: str) -> str:
    """What is wrong with a head kept elsewhere (`chain:seq:hash`, as verify_audit printed it), or '' if the
    chain still holds that event at that place: nothing up to it was cut off or rewritten since."""
    found = AuditEvent.objects.filter(_in_chain(chain or None), seq=seq).values_list("hash", flat=True).first()
    if found is None:
        return f"chain {chain} has no event at seq {seq} any more (its end was cut off)"
    if found != hash_:
        return f"the event at seq {seq} of chain {chain} is not the one kept (the chain was rewritten up to it)"
    return ""
