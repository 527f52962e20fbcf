from django.contrib.auth.models import AbstractUser
from django.db import models
from knox.models import AbstractAuthToken

from .codes import REGIONS, validate_credit_code, validate_region
from .roles import Role


class Unit(models.Model):
    """An organisation that acts in the lifecycle: a city department, a county, an enterprise, a group."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "市级部门"
        ENTERPRISE = "enterprise", "市属国有企业"
        COUNTY = "county", "县（市、区）"
        GROUP = "group", "议事协调机构"
        EXPERTS = "experts", "专家库"

    code = models.SlugField("单位代码", max_length=40, unique=True, help_text="平台内部代码，如 bdb、ndrc")
    name = models.CharField("单位名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=30)
    credit_code = models.CharField(
        "统一社会信用代码",
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_credit_code],
    )
    region_code = models.CharField(
        "行政区划",
        max_length=6,
        choices=sorted(REGIONS.items()),
        validators=[validate_region],
        default="330800",
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    doc_prefix = models.CharField("发文机关代字", max_length=20, blank=True, help_text="如 衢智办、衢发改")
    parent = models.ForeignKey(
        "self",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offices",
    )

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["region_code", "name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):  # type: ignore[django-manager-missing]  # knox (untyped) declares the token relation
    """A person who works in the platform, holding one role in one unit."""

    unit = models.ForeignKey(Unit, verbose_name="所在单位", null=True, blank=True, on_delete=models.PROTECT)
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.OBSERVER)
    display_name = models.CharField("姓名", max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    def save(self, *args, **kwargs):
        # Every password change goes through set_password (the admin, the web form, changepassword) and
        # then save: a new password revokes every API token, so a stolen token dies with the old password.
        # (Sessions die too: Django keys them to the password hash.)
        password_changed = self.pk is not None and getattr(self, "_password", None) is not None
        super().save(*args, **kwargs)
        if password_changed:
            AuthToken.objects.filter(user=self).delete()


class AuthToken(AbstractAuthToken):
    """An API token (django-rest-knox): only its SHA-512 digest is stored, so a copied database or a
    restored backup yields no usable token. It expires (settings.GOVPM_TOKEN_TTL); a user holds at most
    one per `device`, so signing in again from the same device replaces that device's token. Logging out
    deletes it; a password change deletes all of the user's tokens (User.save)."""

    device = models.CharField("设备", max_length=100, blank=True, default="")

    class Meta:
        verbose_name = verbose_name_plural = "访问令牌"
        indexes = [models.Index(fields=["user", "device"], name="accounts_token_user_device")]
