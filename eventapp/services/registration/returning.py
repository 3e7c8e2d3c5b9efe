"""Who may register again after their registration ended."""
from ...models import RegistrationState

PARTICIPANT = "participant"


def may_register_again(registration):
    """True when the person cancelled their own registration: they may register again as a
    newcomer would. A cancellation or a refusal by the organisers stands until they change it."""
    if registration.state != RegistrationState.CANCELLED or registration.erased_at is not None:
        return False
    last = next((c for c in reversed(registration.history) if c.session_id is None), None)
    return last is not None and last.actor == PARTICIPANT
