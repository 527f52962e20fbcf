from rest_framework.authentication import TokenAuthentication as BaseTokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


class TokenAuthentication(BaseTokenAuthentication):
    """DRF's token authentication, fetching the user's unit in the same query: every action reads it."""

    def authenticate_credentials(self, key):
        try:
            token = Token.objects.select_related("user__unit").get(key=key)
        except Token.DoesNotExist:
            raise AuthenticationFailed("令牌无效") from None
        if not token.user.is_active:
            raise AuthenticationFailed("账号已停用")
        return token.user, token
