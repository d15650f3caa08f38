"""The error hierarchy every app raises from: each carries a message a person can act on."""

from __future__ import annotations


class VentanillaError(Exception):
    """Base of Ventanilla's own errors."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(VentanillaError):
    """Input that breaks a rule; ``field`` names where, for forms and APIs."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class NotFoundError(VentanillaError):
    """The thing does not exist, or the person may not know that it does."""


class PermissionDeniedError(VentanillaError):
    """The person is known but may not do this."""


class CatalogueLoadError(ValidationError):
    """A catalogue file is broken: names the file, the field and the reason."""

    def __init__(self, *, file: str, field: str, reason: str) -> None:
        self.file = file
        self.reason = reason
        where = f"{file}: {field}" if field else file
        super().__init__(f"{where}: {reason}", field=field)


class NationalIdInvalidError(ValidationError):
    """A national id number that is malformed or fails its check digit."""


class RuleSyntaxError(ValidationError):
    """A rule (eligibility, fee) that does not parse; ``field`` is where it was written."""


class RuleEvaluationError(VentanillaError):
    """A rule that parsed but could not be evaluated on the data it was given."""


class EligibilityError(ValidationError):
    """The applicant does not meet a service's eligibility rule; the message says which."""


class UploadRefusedError(ValidationError):
    """A file refused for what it is (empty, too large, not of an accepted type); nothing is
    stored. ``field`` is the slug of the upload it was sent as."""


class AnswersInvalidError(ValidationError):
    """Answers to a service's form that break its schema; ``field`` names the answer."""

    def __init__(self, message: str, *, field: str = "", errors: dict[str, str] | None = None):
        super().__init__(message, field=field)
        self.errors = errors or ({field: message} if field else {})


class ApplicationStateError(VentanillaError):
    """An application asked to do what its state does not allow (e.g. edit after submission)."""


class CaseTransitionError(VentanillaError):
    """A workflow action that the case's state or the official's role does not allow."""


class CardNumberInvalidError(ValidationError):
    """A card number that is malformed or fails its check digit; refused before any charge."""


class PaymentDeclinedError(VentanillaError):
    """The provider declined the card; the payment is already recorded as declined."""


class PaymentProviderTimeoutError(VentanillaError):
    """The provider did not answer in time, so whether money moved is unknown; the payment
    is already recorded as failed, and a retry with the same idempotency key is safe."""


class PaymentDuplicateError(VentanillaError):
    """A payment for something already paid, or being paid, refused before any charge."""


class PaymentStateError(VentanillaError):
    """A payment asked to do what its status does not allow (e.g. refund one never taken)."""


class DocumentIssueError(VentanillaError):
    """A document asked to be issued or revoked when the case or the document does not allow
    it (the case is not approved, its service issues no document, already revoked)."""


class PaymentRequiredError(ValidationError):
    """An application of a service with a fee, sent before its fee is paid."""


class LedgerRecordTypeError(VentanillaError):
    """A ledger entry of a type nobody registered, or one appended outside a transaction."""


class RegistryEventKindError(VentanillaError):
    """A registry event of a kind that ``registries.enums.RegistryEventKind`` does not list."""


class LedgerProofError(ValidationError):
    """A proof or range asked for outside the tree (the public endpoints answer 400)."""


class ExchangeError(VentanillaError):
    """A mediated data call that did not return data; ``reason`` is its code in the log,
    ``call_id`` the id of the call's log row once it is written."""

    reason = "failed"
    call_id: int | None = None


class ExchangeNotAllowedError(ExchangeError):
    """The provider has not granted the client system access to this data service."""

    reason = "not_allowed"


class ExchangeSubsystemInactiveError(ExchangeNotAllowedError):
    """The client system is switched off by its member: it may call nothing."""

    reason = "client_inactive"


class ExchangeNoLegalBasisError(ExchangeError):
    """Neither the purpose and an open case of the client about the person, nor the
    person's consent, allows this look-up."""

    reason = "no_legal_basis"


class ExchangeSubjectUnknownError(ExchangeError):
    """The provider's registry has no record of the person or company asked about."""

    reason = "subject_unknown"


class ExchangeProviderFailedError(ExchangeError):
    reason = "provider_failed"


class ExchangeProviderTimeoutError(ExchangeError):
    reason = "provider_timeout"


class ExchangeInvalidResponseError(ExchangeError):
    """The provider answered something that does not match the service's schema: nothing
    of it is passed on."""

    reason = "invalid_response"


class SatisfactionRefusedError(ValidationError):
    """A satisfaction answer that cannot be taken: the application is not decided yet, or
    its applicant has answered already (one answer per application)."""


class DatasetInvalidError(ValidationError):
    """A dataset, resource or table that breaks a catalogue rule; ``errors`` maps each
    wrong field to its messages (as CKAN's validation errors do). Nothing was written."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        field = next(iter(errors))
        super().__init__(errors[field][0], field=field)
        self.errors = errors


class SearchQueryInvalidError(ValidationError):
    """A search filter the catalogue cannot answer (an unknown field, broken syntax)."""
