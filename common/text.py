"""Text as people type, paste or import it, made safe to store, show and export.

`clean_text` is the one function every typed or imported text goes through: it removes the
invisible characters Word, accounting programs and copied web pages leave behind (C0 and C1
controls, bidirectional overrides that can make "000,6" read as "6,000", zero-width
spaces), keeps line breaks only where the field has lines, and for a code or number field
turns full-width ASCII (Ｇ１２３, typed with a Chinese IME) into the plain characters.
NUL is never stored (PostgreSQL refuses it): forms and the importer refuse it first, with
a message (`has_nul`); `clean_text` drops it as the last line of defence.
"""

import re

from django.db import models

# C0 controls but tab, line feed and carriage return; DEL; C1 controls.
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# Bidirectional marks, embeddings, overrides and isolates; zero-width space, word joiner,
# byte order mark; the interlinear annotation characters. Not the zero-width joiner (emoji).
_INVISIBLE = "\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\ufff9-\ufffb"
_REMOVED = re.compile(f"[{_CONTROLS}{_INVISIBLE}]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_SPACES_IN_A_LINE = re.compile(r"[\t\n]")
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: " "}


def has_nul(text):
    return "\x00" in (text or "")


def clean_text(value, *, multiline=False, code=False):
    """The text to store: see the module's docstring. None stays None."""
    if value is None:
        return None
    text = _LINE_BREAKS.sub("\n", str(value))
    text = _REMOVED.sub("", text)
    if not multiline:
        text = _SPACES_IN_A_LINE.sub(" ", text)
    if code:
        text = text.translate(_FULL_WIDTH)
    return text


def clean_model_text(instance):
    """Apply clean_text to every text field of a model instance, before it is saved.
    TextFields keep their lines; the model's `text_code_fields` (names) are codes or
    numbers."""
    code_fields = getattr(instance, "text_code_fields", ())
    for field in instance._meta.concrete_fields:
        if not isinstance(field, (models.CharField, models.TextField)):
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str):
            cleaned = clean_text(
                value,
                multiline=isinstance(field, models.TextField),
                code=field.name in code_fields,
            )
            if cleaned != value:
                setattr(instance, field.attname, cleaned)


def clean_text_before_save(sender, instance, raw=False, **kwargs):
    """A pre_save receiver: each app connects it for its own models (apps.py)."""
    if not raw:  # loading a fixture stores what it holds
        clean_model_text(instance)


def connect_text_cleaning(app_config):
    from django.db.models.signals import pre_save

    for model in app_config.get_models():
        pre_save.connect(
            clean_text_before_save, sender=model, dispatch_uid=f"clean_text:{model._meta.label}"
        )
