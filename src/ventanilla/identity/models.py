from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ventanilla.core.i18n import localized
from ventanilla.core.models import TimeStampedModel
from ventanilla.identity.enums import Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: a resident, an official, or both."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("name"), max_length=150, blank=True)
    national_id = models.CharField(
        _("national id number"),
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        help_text=_(
            "Personal data. Links the account to the person in the population registry; "
            "checked against the registry at sign-up. Empty for officials' work accounts."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        default="en",
        help_text=_("The language we write to this person in: the one they last applied in."),
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.email


class Agency(TimeStampedModel):
    """A public body: the tenant that owns services, cases and officials."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.JSONField(_("name"), help_text=_("Per language: {'en': ..., 'es': ...}."))
    description = models.JSONField(_("description"), default=dict)
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ("slug",)

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        return localized(self.name)

    @property
    def local_description(self) -> str:
        return localized(self.description)


class Membership(TimeStampedModel):
    """An official's role in one agency. Officials act only for the agencies they belong to."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"], name="identity_membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.agency.slug} · {self.role}"


class ApiToken(models.Model):
    """A personal key for the API, for a resident's own software or an intermediary.

    Only a SHA-256 of the key is stored: a copy of the database does not give the keys
    away. The key is shown once, when it is made.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(
        max_length=12, help_text=_("The key's first characters, to tell keys apart.")
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"
