"""The command line's messages in the user's language (Qt translation, context ``Cli``).

    from desktop_crm.cli_i18n import Cli
    print(Cli.tr("wrote {n:,} customers to {path}", n=n, path=path))

The language is decided once per run (``setup``, called by ``cli.main``): the command's
``--lang`` when it has one and it was given, else the ``language`` setting, where ``system``
means the environment (LC_ALL, LC_MESSAGES, LANG, the first one set; QLocale.system() when
none is, as on Windows). Chinese comes from ``desktop_crm/i18n/desktop_crm_zh_CN.qm`` through
a standalone ``QTranslator``, loaded at the first message translated: no QCoreApplication
(``QTranslator.translate`` needs none; ``report`` and ``screenshot`` make a QApplication of
their own later), and a command that prints only JSON or CSV never imports Qt.

lupdate (scripts/translations) finds the texts because every call is written
``Cli.tr("literal", ...)`` (lupdate takes the name before ``.tr`` as the context) or, for a
table of texts, ``QT_TRANSLATE_NOOP("Cli", "literal")``. Placeholders are ``{name}`` fields of
``str.format`` so a translation may put them in another order; never an f-string (lupdate
would store its braces as they are written).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

I18N_DIR = Path(__file__).parent / "i18n"  # the same folder as app.I18N_DIR
LANGUAGES = ("zh_CN", "en")
CONTEXT = "Cli"

_language: str | None = None
_translator = None  # QTranslator, or False when there is none to load


def system_language() -> str:
    """zh_CN when the environment's message locale is Chinese, else en."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh_CN" if value.startswith("zh") else "en"
    from PySide6.QtCore import QLocale  # Windows and macOS: the system's own setting

    return "zh_CN" if QLocale.system().name().startswith("zh") else "en"


def choose_language(override: str | None = None) -> str:
    """``--lang`` if given, else the ``language`` setting (``system``: the environment)."""
    if override in LANGUAGES:
        return override
    from desktop_crm.services.settings import Settings

    lang = Settings().get("language")
    return system_language() if lang not in LANGUAGES else lang


def setup(override: str | None = None) -> str:
    """Decide this run's language; the translation is loaded when first needed."""
    global _language, _translator
    _language, _translator = choose_language(override), None
    return _language


def language() -> str:
    return _language or setup()


def _loaded():
    global _translator
    if _translator is None:
        _translator = False
        lang = language()
        if lang != "en":
            from PySide6.QtCore import QTranslator

            translator = QTranslator()
            if translator.load(str(I18N_DIR / f"desktop_crm_{lang}.qm")):
                _translator = translator
            else:
                log.warning("no translation file for %s in %s", lang, I18N_DIR)
    return _translator


def lookup(context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
    """``source`` of lupdate context ``context`` in this run's language (the source itself
    when it has no translation). The signature of ``QCoreApplication.translate``, so the
    label tables and functions of views/labels.py and views/import_labels.py can be given
    it and say the GUI's words without a QApplication."""
    translator = _loaded()
    if not translator:
        return source
    return translator.translate(context, source, disambiguation, n) or source


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate reads
    """Marks ``text`` for lupdate; translate it later with ``Cli.tr(TABLE[key], ...)``."""
    return text


class Cli:
    """The lupdate context of the command line's messages."""

    @staticmethod
    def tr(source: str, /, **fields) -> str:
        """``source`` in this run's language, its ``{name}`` fields filled in. A translation
        whose fields do not match the source's is not used (the English is)."""
        text = lookup(CONTEXT, source)
        if not fields:
            return text
        try:
            return text.format(**fields)
        except (KeyError, IndexError, ValueError):
            if text is source:
                raise
            log.warning("translation of %r does not fit its fields", source)
            return source.format(**fields)
