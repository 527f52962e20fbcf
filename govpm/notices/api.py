"""/api/v1/notices/: the caller's own notices (list, filter) and marking them read."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from govpm.accounts.models import User

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


class MarkReadIn(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="省略则全部标为已读"
    )


class MarkReadOut(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()


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
    @extend_schema(request=MarkReadIn, responses=MarkReadOut)
    def post(self, request):
        data = MarkReadIn(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        assert isinstance(user, User)
        marked = inbox.mark_read(user, data.validated_data.get("ids"))
        return Response({"marked": marked, "unread": inbox.unread_count(user)})
