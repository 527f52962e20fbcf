"""/api/v1/notices/: the caller's own notices (list, filter) and marking them read."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from govpm.accounts.models import User
from govpm.core.parsers import CleanTextSerializer
from govpm.core.schema import ERRORS

from . import inbox
from .models import Notice


class NoticeOut(serializers.ModelSerializer):
    project_name = serializers.CharField(source="project.name", default=None)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "action",
            "text",
            "link",
            "due_on",
            "project",
            "project_name",
            "read",
            "created_at",
        ]

    def get_read(self, notice: Notice) -> bool:
        return notice.read_at is not None


class MarkReadIn(CleanTextSerializer):
    ids = serializers.ListField(
        label="消息编号",
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=1000,
        help_text="省略则全部标为已读",
    )


class MarkReadOut(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()


@extend_schema_view(
    get=extend_schema(
        operation_id="notices_list",
        summary="我的消息",
        parameters=[
            OpenApiParameter("unread", bool, description="只看未读"),
            OpenApiParameter("project", int, description="项目编号"),
            OpenApiParameter("kind", str, enum=list(Notice.Kind.values), description="消息类别"),
        ],
        responses={200: NoticeOut(many=True), **ERRORS},
    )
)
class NoticeList(ListAPIView):
    serializer_class = NoticeOut

    def get_queryset(self):
        params = self.request.query_params
        user = self.request.user
        assert isinstance(user, User)  # IsAuthenticated (the default permission) ran first
        return inbox.notices_for(
            user,
            unread=params.get("unread") in {"1", "true"},
            project=params.get("project", ""),
            kind=params.get("kind", ""),
        )


class MarkRead(APIView):
    @extend_schema(
        operation_id="notices_mark_read",
        summary="标为已读",
        request=MarkReadIn,
        responses={200: MarkReadOut, **ERRORS},
    )
    def post(self, request):
        data = MarkReadIn(data=request.data)
        data.is_valid(raise_exception=True)  # the error shape of govpm.core.api, in Chinese
        user = request.user
        assert isinstance(user, User)
        marked = inbox.mark_read(user, data.validated_data.get("ids"))
        return Response({"marked": marked, "unread": inbox.unread_count(user)})
