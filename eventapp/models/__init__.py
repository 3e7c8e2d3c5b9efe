"""Every table, one module per area; import models from here."""
from .agenda import (  # noqa: F401
    Event,
    EventKind,
    EventSection,
    EventSession,
    EventStatus,
    Person,
    Room,
    SessionSpeaker,
    SessionStatus,
    SessionType,
    SpeakerRole,
    Tag,
    TagScheme,
    UTCDateTime,
    event_tags,
    new_uid,
    session_tags,
    utcnow,
)
from .awards import (  # noqa: F401
    AwardCategory,
    AwardEntry,
    AwardsProgramme,
    CeremonyItem,
    CeremonyItemKind,
    EntryStatus,
)
