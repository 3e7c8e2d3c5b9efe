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
from .registration import (  # noqa: F401
    ApprovalMode,
    BookingState,
    EmailChange,
    MailStatus,
    OutboxAttachment,
    OutboxMessage,
    ParticipationMode,
    Registration,
    RegistrationChange,
    RegistrationPolicy,
    RegistrationState,
    RegistrationToken,
    SessionBooking,
)
from .organiser import (  # noqa: F401
    AgendaRevision,
    AuditEntry,
    DraftSession,
    DraftSpeaker,
    Role,
    User,
    event_organisers,
    event_people,
)
from .messages import Message, MessageRecipient  # noqa: F401
from .questions import (  # noqa: F401
    AskedOf,
    QuestionChoice,
    QuestionKind,
    RegistrationAnswer,
    RegistrationQuestion,
    answer_choices,
)
from .delegations import Delegation  # noqa: F401
from .online import OnlineLink, RegistrationReminder  # noqa: F401
from .documents import (  # noqa: F401
    Document,
    DocumentAccess,
    DocumentFile,
    DocumentKind,
    StoredBlob,
    draft_session_tags,
)
from .cache import PublicVersion  # noqa: F401
from .login_sessions import LoginSession  # noqa: F401
