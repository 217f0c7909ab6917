"""What the seller's thread page shows of the team: notes, assignment, who may write."""

from typing import Any

from accounts import members
from accounts.typing import AuthenticatedHttpRequest
from messaging.models import Participant
from messaging.team import activity, assignment, notes


def team_panel_context(
    *, request: AuthenticatedHttpRequest, participant: Participant
) -> dict[str, Any]:
    """What the seller's thread page shows of the team: notes, assignment, who may write.

    Two queries: the notes (with their authors) and the people the thread can be assigned to;
    a shop with a team, a third: who of the team did what to the thread lately.
    """
    assignees = assignment.assignee_choices(shop=request.user)
    team_activity = (
        [
            {"text": activity.team_activity_text(row), "at": row.created_at}
            for row in activity.team_activity_list(thread_id=participant.thread_id)
        ]
        if len(assignees) > 1
        else []
    )
    return {
        "team_notes": list(notes.note_list(participant=participant)),
        "team_activity": team_activity,
        "assignees": assignees,
        "assignee_id": participant.assignee_id,
        "team_can_write": members.request_can_write(request),
        "team_person_id": members.acting_user(request).pk,
    }
