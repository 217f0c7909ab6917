"""The REST API of a seller's team: its people, assignment, internal notes in a thread.

The seller's side only: a buyer, or anyone outside the thread, gets 404. A viewer of the team
reads notes; writing one needs the owner or agent role (403 ``role_forbidden``).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import members
from accounts.models import MemberRole
from accounts.typing import api_user
from core.api import StrictCharField, StrictIntegerField, error_responses
from core.errors import NotFound
from core.parsers import DepthLimitedJSONParser
from messaging.models import ThreadNote
from messaging.team import assignment, notes
from messaging.team.selectors import team_member_list

NOT_FOUND = "`not_found`: no such thread of my shop (buyers never see notes; never a 403)"


class NoteAuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class NoteSerializer(serializers.ModelSerializer):
    author = NoteAuthorSerializer(allow_null=True)
    mentions = serializers.SerializerMethodField()

    class Meta:
        model = ThreadNote
        fields = ["id", "thread_id", "author", "body", "mentions", "created_at"]

    def get_mentions(self, note: ThreadNote) -> list[int]:
        return sorted(user.pk for user in note.mentions.all())


class NoteInputSerializer(serializers.Serializer):
    body = StrictCharField(
        allow_blank=True,
        trim_whitespace=False,
        help_text="The note (at most 5,000 characters). `@Display Name` mentions a member of "
        "the team, who is emailed.",
    )


class ThreadNotesApi(APIView):
    parser_classes = [DepthLimitedJSONParser]

    @extend_schema(
        operation_id="thread_notes_list",
        summary="The team's internal notes in a thread, oldest first (sellers and their team)",
        responses={
            200: NoteSerializer(many=True),
            **error_responses(401, 404, 429, descriptions={404: NOT_FOUND}),
        },
    )
    def get(self, request: Request, thread_id: int) -> Response:
        participant = notes.team_side_get(user=api_user(request), thread_id=thread_id)
        rows = notes.note_list(participant=participant).prefetch_related("mentions")
        return Response(NoteSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="thread_notes_create",
        summary="Write an internal note in a thread; the buyer never sees it",
        request=NoteInputSerializer,
        responses={
            201: NoteSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                429,
                descriptions={
                    400: "`empty_body`, `body_too_long`",
                    403: "`role_forbidden`: a viewer of the team reads notes only",
                    404: NOT_FOUND,
                },
            ),
        },
    )
    def post(self, request: Request, thread_id: int) -> Response:
        participant = notes.team_side_get(user=api_user(request), thread_id=thread_id)
        payload = NoteInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        note = notes.note_add(
            participant=participant,
            author=members.acting_user(request._request),
            body=payload.validated_data["body"],
        )
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class AssignInputSerializer(serializers.Serializer):
    thread_ids = serializers.ListField(
        child=StrictIntegerField(min_value=1, max_value=2**63 - 1),
        min_length=1,
        max_length=100,
        help_text="The shop's threads to assign (1 to 100); one that is not the shop's: 404, "
        "and nothing changes.",
    )
    assignee = StrictIntegerField(
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The user id of a person of the team who can reply (see `GET /team`), or "
        "null to unassign.",
    )


class AssignOutputSerializer(serializers.Serializer):
    thread_ids = serializers.ListField(child=serializers.IntegerField())
    assignee = serializers.IntegerField(allow_null=True)


class TeamPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The person's user id: the value to assign.")
    display_name = serializers.CharField()
    role = serializers.CharField(
        help_text="`owner` (the shop's own account too), `agent`, `viewer`"
    )
    can_be_assigned = serializers.BooleanField()


class TeamApi(APIView):
    @extend_schema(
        operation_id="team_list",
        summary="The people of my shop's team: the shop's account and its members",
        responses={
            200: TeamPersonSerializer(many=True),
            **error_responses(401, 404, 429, descriptions={404: "`not_found`: not a seller"}),
        },
    )
    def get(self, request: Request) -> Response:
        shop = api_user(request)
        if not shop.is_seller:
            raise NotFound("Only a seller's shop has a team.")
        people = [
            {
                "id": shop.pk,
                "display_name": shop.display_name,
                "role": "owner",
                "can_be_assigned": True,
            },
            *(
                {
                    "id": m.user.pk,
                    "display_name": m.user.display_name,
                    "role": m.role,
                    "can_be_assigned": m.role != MemberRole.VIEWER,
                }
                for m in team_member_list(shop=shop)
            ),
        ]
        return Response(TeamPersonSerializer(people, many=True).data)


class ThreadAssignApi(APIView):
    # JSON only: "unassign" is a null, which a form encoding cannot say.
    parser_classes = [DepthLimitedJSONParser]

    @extend_schema(
        operation_id="threads_assign",
        summary="Assign threads of my shop to a person of the team, or unassign them",
        request=AssignInputSerializer,
        responses={
            200: AssignOutputSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                429,
                descriptions={
                    400: "`invalid` fields, `invalid_assignee` (a viewer of the team, who "
                    "cannot reply)",
                    403: "`role_forbidden`: a viewer of the team reads only",
                    404: "`not_found`: a thread that is not the shop's, or an assignee who is "
                    "not on the team (nothing changed)",
                },
            ),
        },
    )
    def post(self, request: Request) -> Response:
        shop = api_user(request)
        if not shop.is_seller:
            raise NotFound("Only a seller's shop has a team.")
        payload = AssignInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        assignment.threads_assign(
            shop=shop, thread_ids=data["thread_ids"], assignee_id=data["assignee"]
        )
        return Response(
            {"thread_ids": sorted(set(data["thread_ids"])), "assignee": data["assignee"]}
        )
