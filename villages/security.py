"""The account log: logins, failed logins, logouts, lockouts, and changes to who may do
what. Who, when, from which client, and (for a change) who made it.

Failed logins are counted and locked out by django-axes (settings.AXES_*); this log is
what township staff read. It is append-only: the model refuses changes, and on PostgreSQL
so does the database (disclosures migration 0013).
"""

import contextvars

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.clients import client_address

# The request being answered, so that a change to a user's groups or permissions names
# who made it and from where (m2m_changed gets neither). Set by AccountLogMiddleware.
current_request = contextvars.ContextVar("current_request", default=None)
# Set while `migrate` refreshes the role groups (villages/roles.py): the code's doing, not
# a person's, and recorded in the code's history.
by_migration = contextvars.ContextVar("by_migration", default=False)


def people_of(user):
    """The accounts a township staff member looks after: the staff of their townships
    and of those townships' villages."""
    townships = user.townships.all()
    return get_user_model().objects.filter(
        Q(townships__in=townships) | Q(villages__township__in=townships)
    )


class SecurityEventQuerySet(models.QuerySet):
    def for_user(self, user):
        """Superusers see every event; township staff those of the people of their
        townships (a failed login for a name nobody has is the superuser's to see)."""
        if user.is_superuser:
            return self
        return self.filter(user__in=people_of(user))

    def update(self, **kwargs):
        raise AccountLogError(_("The account log is append-only."))

    def delete(self):
        raise AccountLogError(_("The account log is append-only."))


class AccountLogError(Exception):
    pass


class SecurityEvent(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logged out")
        LOCKED_OUT = "locked_out", _("Locked out")
        UNLOCKED = "unlocked", _("Lockout lifted")
        GROUPS = "groups", _("Roles changed")
        PERMISSIONS = "permissions", _("Permissions changed")
        ACCOUNT = "account", _("Account changed")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    username = models.CharField(_("user name"), max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    client = models.CharField(_("client address"), max_length=100, blank=True)
    detail = models.TextField(_("detail"), blank=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("account log entry")
        verbose_name_plural = _("account log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AccountLogError(_("The account log is append-only."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AccountLogError(_("The account log is append-only."))


def record(kind, *, request=None, user=None, username="", detail=""):
    """Log one event; the request (given, or the one being answered) names the client
    and, for changes, who made them."""
    request = request or current_request.get()
    actor = getattr(request, "user", None) if request is not None else None
    if username and user is None:
        user = get_user_model().objects.filter(username=username).first()
    return SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=username or (user.get_username() if user else ""),
        actor=actor if actor is not None and actor.is_authenticated else None,
        client=client_address(request) if request is not None else "",
        detail=detail,
    )


class AccountLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


# Signal receivers, connected in VillagesConfig.ready.


def logged_in(sender, request, user, **kwargs):
    record(SecurityEvent.Kind.LOGIN, request=request, user=user)


def logged_out(sender, request, user, **kwargs):
    record(SecurityEvent.Kind.LOGOUT, request=request, user=user)


def login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    record(SecurityEvent.Kind.LOGIN_FAILED, request=request, username=username)


def locked_out(sender, request, username, ip_address, **kwargs):
    record(SecurityEvent.Kind.LOCKED_OUT, request=request, username=(username or "")[:150])


def _names(model, pks):
    if model is Group:
        return sorted(Group.objects.filter(pk__in=pks).values_list("name", flat=True))
    return sorted(
        f"{app}.{codename}"
        for app, codename in model.objects.filter(pk__in=pks).values_list(
            "content_type__app_label", "codename"
        )
    )


def _related_pks(through, instance):
    """Ids on the other side of `through` from `instance`: what a clear() will remove."""
    source, target = (
        field for field in through._meta.get_fields() if field.is_relation and field.many_to_one
    )
    if not isinstance(instance, source.related_model):
        source, target = target, source
    rows = through.objects.filter(**{source.name: instance.pk})
    return set(rows.values_list(target.attname, flat=True))


def membership_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Groups or permissions given to or taken from a user, or a role's permissions."""
    if action == "pre_clear":
        instance._cleared_pks = _related_pks(sender, instance)
        return
    if action == "post_clear":
        action, pk_set = "post_remove", getattr(instance, "_cleared_pks", set())
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    sign = "+" if action == "post_add" else "-"
    if by_migration.get():
        return
    if sender is Group.permissions.through:
        if not reverse:  # A role's permissions: concerns everyone in it, logged once.
            names = " ".join(sign + name for name in _names(model, pk_set))
            record(SecurityEvent.Kind.PERMISSIONS, username=f"[{instance}]", detail=names)
        return
    User = get_user_model()
    kind = (
        SecurityEvent.Kind.GROUPS
        if sender is User.groups.through
        else SecurityEvent.Kind.PERMISSIONS
    )
    if reverse:  # Users added to or removed from a group (or permission) from its side.
        detail = sign + (_names(type(instance), [instance.pk]) or [str(instance)])[0]
        for user in User.objects.filter(pk__in=pk_set):
            record(kind, user=user, detail=detail)
        return
    record(kind, user=instance, detail=" ".join(sign + name for name in _names(model, pk_set)))


ACCOUNT_FLAGS = ("is_active", "is_staff", "is_superuser")


def account_flags_changing(sender, instance, update_fields=None, raw=False, **kwargs):
    """Log when a user becomes (or stops being) active, staff or superuser."""
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(ACCOUNT_FLAGS):
        return  # e.g. last_login on every login
    stored = sender.objects.filter(pk=instance.pk).values(*ACCOUNT_FLAGS).first()
    if stored is None:
        return
    changes = [
        f"{flag}: {stored[flag]} → {getattr(instance, flag)}"
        for flag in ACCOUNT_FLAGS
        if stored[flag] != getattr(instance, flag)
    ]
    if changes:
        record(SecurityEvent.Kind.ACCOUNT, user=instance, detail="; ".join(changes))


def password_changing(sender, instance, update_fields=None, raw=False, **kwargs):
    """Log a password change (not the password): every other session of the user ends
    with it (Django's session auth hash)."""
    if raw or instance.pk is None or getattr(instance, "_password", None) is None:
        return
    record(SecurityEvent.Kind.ACCOUNT, user=instance, detail="password changed")


def connect():
    from axes.signals import user_locked_out
    from django.contrib.auth import signals
    from django.db.models.signals import m2m_changed, pre_save

    User = get_user_model()
    signals.user_logged_in.connect(logged_in, dispatch_uid="account_log.login")
    signals.user_logged_out.connect(logged_out, dispatch_uid="account_log.logout")
    signals.user_login_failed.connect(login_failed, dispatch_uid="account_log.failed")
    user_locked_out.connect(locked_out, dispatch_uid="account_log.locked_out")
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(
            membership_changed, sender=through, dispatch_uid=f"account_log.{through}"
        )
    pre_save.connect(account_flags_changing, sender=User, dispatch_uid="account_log.flags")
    pre_save.connect(password_changing, sender=User, dispatch_uid="account_log.password")
