"""The REST API of a seller's team: its people, invitations, assignment, internal notes.

The seller's side only: a buyer, or anyone outside the thread, gets 404. A viewer of the team
reads notes; writing one needs the owner or agent role (403 ``role_forbidden``). Inviting,
changing roles and removing members are the owners' (``accounts.members.OWNER_ONLY_ROUTES``).
"""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import members
from accounts.models import MemberRole, ShopMember, User
from accounts.typing import api_user
from core.api import StrictCharField, StrictChoiceField, StrictIntegerField, error_responses
from core.errors import NotFound
from core.parsers import DepthLimitedJSONParser
from messaging.models import ThreadNote
from messaging.team import assignment, notes, services
from messaging.team.selectors import team_invitation_open_list, team_member_list

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
    member_id = serializers.IntegerField(
        allow_null=True,
        help_text="The membership's id, for `PATCH`/`DELETE /team/members/{member_id}`; null "
        "for the shop's own account.",
    )
    display_name = serializers.CharField()
    role = serializers.CharField(
        help_text="`owner` (the shop's own account too), `agent`, `viewer`"
    )
    can_be_assigned = serializers.BooleanField()


def _shop(request: Request) -> User:
    """The shop whose team the request is about; 404 for anyone who is not a seller's."""
    shop = api_user(request)
    if not shop.is_seller:
        raise NotFound("Only a seller's shop has a team.")
    return shop


def _person(membership: ShopMember) -> dict[str, object]:
    return {
        "id": membership.user.pk,
        "member_id": membership.pk,
        "display_name": membership.user.display_name,
        "role": membership.role,
        "can_be_assigned": membership.can_write,
    }


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
        shop = _shop(request)
        people = [
            {
                "id": shop.pk,
                "member_id": None,
                "display_name": shop.display_name,
                "role": "owner",
                "can_be_assigned": True,
            },
            *(_person(m) for m in team_member_list(shop=shop)),
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
        shop = _shop(request)
        payload = AssignInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        assignment.threads_assign(
            shop=shop, thread_ids=data["thread_ids"], assignee_id=data["assignee"]
        )
        return Response(
            {"thread_ids": sorted(set(data["thread_ids"])), "assignee": data["assignee"]}
        )


@extend_schema_field({"type": "string", "format": "email", "maxLength": 254})
class EmailAddressField(StrictCharField):
    """An email address: the service checks it (400 `invalid_email`), as the team page does."""


OWNER_ONLY = "`role_forbidden`: only the shop's account and the team's owners manage the team"


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    role = serializers.CharField(help_text="`owner`, `agent` or `viewer`")
    invited_by = serializers.CharField(source="invited_by.display_name", allow_null=True)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(
        help_text="The link in the email works until then, once."
    )


class InvitationInputSerializer(serializers.Serializer):
    email = EmailAddressField(max_length=254, help_text="Where the invitation's link is sent.")
    role = StrictChoiceField(choices=MemberRole.choices)


class TeamInvitationsApi(APIView):
    parser_classes = [DepthLimitedJSONParser]

    @extend_schema(
        operation_id="team_invitations_list",
        summary="My shop's invitations still waiting for an answer, newest first",
        responses={
            200: InvitationSerializer(many=True),
            **error_responses(
                401, 403, 404, 429, descriptions={403: OWNER_ONLY, 404: "`not_found`: not a seller"}
            ),
        },
    )
    def get(self, request: Request) -> Response:
        invitations = team_invitation_open_list(shop=_shop(request)).select_related("invited_by")
        return Response(InvitationSerializer(invitations, many=True).data)

    @extend_schema(
        operation_id="team_invitations_create",
        summary="Invite a person to my shop's team by email, with a role",
        description=(
            "The invitation is emailed with a signed link that works once, until `expires_at`. "
            "A new invitation to an address that has one waiting replaces it (the old link "
            "stops working)."
        ),
        request=InvitationInputSerializer,
        responses={
            201: InvitationSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                429,
                descriptions={
                    400: "`invalid_email`, `invalid_role`, `already_member`, "
                    "`too_many_members`, `too_many_invitations` (with `fields`)",
                    403: OWNER_ONLY,
                    404: "`not_found`: not a seller",
                },
            ),
        },
    )
    def post(self, request: Request) -> Response:
        shop = _shop(request)
        payload = InvitationInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        invitation = services.invitation_create(
            shop=shop,
            invited_by=members.acting_user(request._request),
            email=payload.validated_data["email"],
            role=payload.validated_data["role"],
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class TeamInvitationApi(APIView):
    @extend_schema(
        operation_id="team_invitations_revoke",
        summary="Withdraw an invitation: its link stops working",
        responses={
            204: None,
            **error_responses(
                401,
                403,
                404,
                429,
                descriptions={
                    403: OWNER_ONLY,
                    404: "`not_found`: no such invitation waiting in my shop",
                },
            ),
        },
    )
    def delete(self, request: Request, invitation_id: int) -> Response:
        services.invitation_revoke(shop=_shop(request), invitation_id=invitation_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberRoleInputSerializer(serializers.Serializer):
    role = StrictChoiceField(choices=MemberRole.choices)


class TeamMemberApi(APIView):
    parser_classes = [DepthLimitedJSONParser]

    @extend_schema(
        operation_id="team_members_update",
        summary="Change a member's role; it applies from their next request, tokens included",
        request=MemberRoleInputSerializer,
        responses={
            200: TeamPersonSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                429,
                descriptions={
                    400: "`invalid_role`",
                    403: OWNER_ONLY,
                    404: "`not_found`: no such member of my shop's team",
                },
            ),
        },
    )
    def patch(self, request: Request, member_id: int) -> Response:
        shop = _shop(request)
        payload = MemberRoleInputSerializer(data=request.data)
        # Another shop's member is a 404 before anything is said about the role.
        role = payload.validated_data["role"] if payload.is_valid() else ""
        membership = services.member_role_set(shop=shop, member_id=member_id, role=role)
        return Response(TeamPersonSerializer(_person(membership)).data)

    @extend_schema(
        operation_id="team_members_remove",
        summary="Take a person off the team: their sessions end and their API tokens stop",
        responses={
            204: None,
            **error_responses(
                401,
                403,
                404,
                429,
                descriptions={
                    403: OWNER_ONLY,
                    404: "`not_found`: no such member of my shop's team",
                },
            ),
        },
    )
    def delete(self, request: Request, member_id: int) -> Response:
        services.member_remove(shop=_shop(request), member_id=member_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
