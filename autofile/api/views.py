"""The REST API: one thin class per operation; selectors read, services write.

Every query filters on the organization the token (or signed-in member) acts for; an id
of another organization's object answers 404 like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from autofile.api import serializers as s
from autofile.api.pagination import ByIdPagination
from autofile.api.permissions import organization_of, user_of
from autofile.api.problems import Refused, Unprocessable
from autofile.api.selectors import api_member_get, api_packet_for_update, api_packet_get
from autofile.api.services import packet_act
from autofile.mirror.selectors import connection_get, connection_summaries, sync_status
from autofile.packets import services as packet_services
from autofile.packets.errors import TransitionRefused
from autofile.packets.models import ImportRule, Packet, RebateProgram
from autofile.packets.selectors import program_choices, program_get, rule_get, rules_for
from autofile.review.selectors import QueueFilters, queue_packets


def _refused(exc: TransitionRefused) -> exceptions.APIException:
    if exc.code in ("missing", "invalid"):
        return Unprocessable(exc.message, code=exc.code)
    return Refused(exc.message, code=exc.code)


def _packet_or_404(request: Request, packet_id: int) -> Packet:
    packet = api_packet_for_update(organization=organization_of(request), packet_id=packet_id)
    if packet is None:
        raise exceptions.NotFound("No such packet.")
    return packet


def _detail(request: Request, packet_id: int) -> Response:
    packet = api_packet_get(organization=organization_of(request), packet_id=packet_id)
    if packet is None:
        raise exceptions.NotFound("No such packet.")
    return Response(s.PacketDetailSerializer(packet).data)


# --- packets


@extend_schema(tags=["packets"], parameters=[s.PacketFilterSerializer])
class PacketListApi(generics.ListAPIView[Packet]):
    """The packets the queue's filters match, newest first, a cursor page at a time."""

    serializer_class = s.PacketSerializer

    def get_queryset(self) -> QuerySet[Packet]:
        filters = s.PacketFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return queue_packets(
            organization=organization_of(self.request),
            user=user_of(self.request),
            filters=QueueFilters(**filters.validated_data),
        )


@extend_schema(tags=["packets"])
class PacketDetailApi(APIView):
    @extend_schema(responses=s.PacketDetailSerializer)
    def get(self, request: Request, packet_id: int) -> Response:
        """One packet with its findings, history and the status actions open to it."""
        return _detail(request, packet_id)


@extend_schema(tags=["packets"])
class PacketActionApi(APIView):
    @extend_schema(request=s.PacketActionSerializer, responses=s.PacketDetailSerializer)
    def post(self, request: Request, packet_id: int) -> Response:
        """Move the packet (start review, mark ready, submit, approve, pay, kick back,
        reject, withdraw) by the same rules as the packet page; a refused move answers
        409 (not allowed now) or 422 (data missing or wrong) with the reason."""
        packet = _packet_or_404(request, packet_id)
        data = s.PacketActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        try:
            packet_act(
                packet=packet, user=user_of(request), action=values.pop("action"), data=values
            )
        except TransitionRefused as exc:
            raise _refused(exc) from None
        return _detail(request, packet_id)


@extend_schema(tags=["packets"])
class PacketClaimApi(APIView):
    @extend_schema(request=None, responses=s.PacketDetailSerializer)
    def post(self, request: Request, packet_id: int) -> Response:
        """Take an unassigned packet (for a token: its creator takes it)."""
        packet = _packet_or_404(request, packet_id)
        try:
            packet_services.packet_claim(packet=packet, user=user_of(request))
        except TransitionRefused as exc:
            raise _refused(exc) from None
        return _detail(request, packet_id)


@extend_schema(tags=["packets"])
class PacketAssignApi(APIView):
    @extend_schema(request=s.PacketAssignSerializer, responses=s.PacketDetailSerializer)
    def post(self, request: Request, packet_id: int) -> Response:
        """Give the packet to a member of the organization, or to nobody."""
        organization = organization_of(request)
        packet = _packet_or_404(request, packet_id)
        data = s.PacketAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignee = None
        if (user_id := data.validated_data["assignee_id"]) is not None:
            assignee = api_member_get(organization=organization, user_id=user_id)
            if assignee is None:
                raise Unprocessable("No member of this organization has this id.")
        try:
            packet_services.packet_assign(packet=packet, assignee=assignee, user=user_of(request))
        except TransitionRefused as exc:
            raise _refused(exc) from None
        return _detail(request, packet_id)


# --- programs and rules


@extend_schema(tags=["programs"])
class ProgramListApi(generics.ListAPIView[RebateProgram]):
    """The organization's rebate programs."""

    serializer_class = s.ProgramSerializer
    pagination_class = ByIdPagination

    def get_queryset(self) -> QuerySet[RebateProgram]:
        return program_choices(organization=organization_of(self.request))


@extend_schema(tags=["programs"])
class ProgramDetailApi(APIView):
    @extend_schema(responses=s.ProgramDetailSerializer)
    def get(self, request: Request, rebate_program_id: int) -> Response:
        """One program with its measures, requirements, eligibility checks and kickback
        reasons."""
        program = program_get(organization=organization_of(request), program_id=rebate_program_id)
        if program is None:
            raise exceptions.NotFound("No such program.")
        return Response(s.ProgramDetailSerializer(program).data)


@extend_schema(tags=["rules"])
class RuleListApi(generics.ListAPIView[ImportRule]):
    """The organization's import rules (read only)."""

    serializer_class = s.RuleSerializer
    pagination_class = ByIdPagination

    def get_queryset(self) -> QuerySet[ImportRule]:
        return rules_for(organization=organization_of(self.request))


@extend_schema(tags=["rules"])
class RuleDetailApi(APIView):
    @extend_schema(responses=s.RuleSerializer)
    def get(self, request: Request, import_rule_id: int) -> Response:
        rule = rule_get(organization=organization_of(request), rule_id=import_rule_id)
        if rule is None:
            raise exceptions.NotFound("No such rule.")
        return Response(s.RuleSerializer(rule).data)


# --- sync status


@extend_schema(tags=["sync"])
class SyncListApi(APIView):
    @extend_schema(responses=s.ConnectionSyncSerializer(many=True))
    def get(self, request: Request) -> Response:
        """Each ServiceTitan connection with its mirror's size and sync health."""
        summaries = connection_summaries(organization=organization_of(request))
        return Response(s.ConnectionSyncSerializer(summaries, many=True).data)


@extend_schema(tags=["sync"])
class SyncDetailApi(APIView):
    @extend_schema(responses=s.ConnectionSyncDetailSerializer)
    def get(self, request: Request, connection_id: int) -> Response:
        """One connection's sync status per resource."""
        organization = organization_of(request)
        connection = connection_get(organization=organization, connection_id=connection_id)
        if connection is None:
            raise exceptions.NotFound("No such connection.")
        summary = next(
            c for c in connection_summaries(organization=organization) if c.connection == connection
        )
        body: dict[str, Any] = dict(s.ConnectionSyncSerializer(summary).data)
        body["resources"] = s.ResourceStatusSerializer(
            sync_status(connection=connection), many=True
        ).data
        return Response(body, status=status.HTTP_200_OK)
