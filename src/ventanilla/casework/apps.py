from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "ventanilla.casework"
    verbose_name = _("Casework")

    def ready(self) -> None:
        from ventanilla.ledger.records import record_type_register

        meanings = {
            "casework.case.opened": _("An agency received an application and opened its case."),
            "casework.case.transitioned": _(
                "An official took a workflow action on a case, or decided it."
            ),
            "casework.case.resident_answered": _(
                "The applicant answered the agency's request for information."
            ),
            "casework.case.assigned": _("An official took a case to work on."),
            "casework.case.note_added": _("An official wrote a note on a case."),
            "casework.case.deadline_missed": _("A case was still open after its deadline."),
            "documents.document.issued": _(
                "An approved case issued a document; the entry holds its SHA-256."
            ),
            "documents.document.revoked": _("An issued document stopped being valid."),
        }
        for name, meaning in meanings.items():
            record_type_register(name, meaning)
