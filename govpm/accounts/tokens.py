"""API tokens: issue one per device, revoke on logout (issue 13 item 2). Hashing and expiry are knox's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction

from .models import AuthToken, User


@dataclass(frozen=True)
class IssuedToken:
    key: str  # shown once, to the client; only its digest is stored
    expiry: datetime
    device: str


def issue_token(user: User, *, device: str = "") -> IssuedToken:
    """A new token for `user` on `device`, replacing the token that device held (one per device)."""
    with transaction.atomic():
        # The user row lock serialises two sign-ins from the same device, so neither leaves a second token.
        User.objects.select_for_update().filter(pk=user.pk).first()
        AuthToken.objects.filter(user=user, device=device).delete()
        instance, key = AuthToken.objects.create(user=user, expiry=settings.GOVPM_TOKEN_TTL, device=device)
    return IssuedToken(key=key, expiry=instance.expiry, device=device)


def revoke_token(token: AuthToken) -> None:
    """Logout: the presented token stops working at once."""
    AuthToken.objects.filter(pk=token.pk).delete()


def revoke_all_tokens(user: User) -> int:
    """Logout everywhere: every token of the user; the number revoked."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted
