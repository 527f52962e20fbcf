"""The type of a request whose user has signed in, for the type checker only.

DRF types `request.user` as `User | AnonymousUser`; behind the API's IsAuthenticated default, and the
web's login_required, it is always a `User`. Views annotate their request as `SignedInRequest` so the
lifecycle's `actor: User` arguments check. At run time it is DRF's Request itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.request import Request

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

    class SignedInRequest(Request):
        @property
        def user(self) -> User: ...
        @user.setter
        def user(self, value: User | AnonymousUser) -> None: ...

else:
    SignedInRequest = Request
