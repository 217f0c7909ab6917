"""What the seller's thread page shows of the team: notes, assignment, who may write."""

from typing import Any

from accounts import members
from accounts.models import MemberRole
from accounts.typing import AuthenticatedHttpRequest
from messaging.models import Participant
from messaging.team import assignment, notes


def team_panel_context(
    *, request: AuthenticatedHttpRequest, participant: Participant
) -> dict[str, Any]:
    """What the seller's thread page shows of the team: notes, assignment, who may write.

    Two queries: the notes (with their authors) and the people the thread can be assigned to.
    """
    me = getattr(request, "member", None)
    return {
        "team_notes": list(notes.note_list(participant=participant)),
        "assignees": assignment.assignee_choices(shop=request.user),
        "assignee_id": participant.assignee_id,
        "team_can_write": me is None or me.role != MemberRole.VIEWER,
        "team_person_id": members.acting_user(request).pk,
    }
