"""Access tokens for the systems around the job centre (an employer's HR system, the municipality's
reporting): one per sending system, with scopes. Only a SHA-256 hash of each token is stored; the
plaintext is shown once when the token is made (admin or `manage.py api_token_create`).

A token is 32 random bytes, so a plain hash is enough (nothing to guess from it, no slow hash needed)
and it does not depend on SECRET_KEY: rotating the key never breaks the systems' tokens.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "fh_"


def token_hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        REFERRALS_WRITE = "referrals:write", _("send fast-track referrals")
        # Wired to the absence-spell service by its own endpoint (not part of this module).
        ABSENCE_WRITE = "absence:write", _("send absence spells")
        REPORTING_READ = "reporting:read", _("read cases, deadlines and meetings for reporting")
        REPORTING_CPR = "reporting:cpr", _("see full CPR numbers and names in reporting")

    name = models.CharField(_("sending system"), max_length=100, unique=True,
                            help_text=_("Written to the access log as the actor of every call."))
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(
        _("requests per minute"), default=60, help_text=_("Calls above this in one minute get status 429."))
    key_prefix = models.CharField(_("token begins with"), max_length=12, editable=False)
    key_hash = models.CharField(_("hash of the token"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False, verbose_name=_("created by"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return self.name

    def set_new_key(self, plaintext: str | None = None) -> str:
        """A fresh token for this system: the hash is kept, the plaintext returned (show it once)."""
        plaintext = plaintext or TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.key_hash = token_hash(plaintext)
        self.key_prefix = plaintext[:10]
        return plaintext

    @classmethod
    def issue(cls, *, name: str, scopes: list[str], rate_limit_per_minute: int = 60, created_by=None,
              plaintext: str | None = None) -> tuple[ApiToken, str]:
        unknown = set(scopes) - set(cls.Scope.values)
        if unknown:
            raise ValueError(f"Unknown scopes: {sorted(unknown)}")
        token = cls(name=name, scopes=sorted(set(scopes)), rate_limit_per_minute=rate_limit_per_minute,
                    created_by=created_by)
        key = token.set_new_key(plaintext)
        token.save()
        return token, key

    @classmethod
    def find(cls, plaintext: str) -> ApiToken | None:
        """The live token with this plaintext, else None (unknown or revoked)."""
        if not plaintext or len(plaintext) > 200:
            return None
        return cls.objects.filter(key_hash=token_hash(plaintext), revoked_at__isnull=True).first()

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        return scope in (self.scopes or [])
