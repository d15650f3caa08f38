"""Every write of insights: folding a day's facts, recording offline counts and
satisfaction answers."""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ventanilla.applications.enums import ApplicationStatus
from ventanilla.applications.models import Application, Upload
from ventanilla.applications.selectors import application_get_for_applicant, application_summary
from ventanilla.casework.enums import Outcome
from ventanilla.casework.models import Case
from ventanilla.catalogue.enums import Channel
from ventanilla.catalogue.models import PublicService
from ventanilla.catalogue.selectors import working_calendar
from ventanilla.core.errors import SatisfactionRefusedError, ValidationError
from ventanilla.exchange.enums import CallOutcome
from ventanilla.exchange.models import Call
from ventanilla.identity.models import Agency, User
from ventanilla.insights.enums import OfflineChannel, SatisfactionAnswer
from ventanilla.insights.models import (
    COMMENT_MAX_LENGTH,
    COUNTERS,
    DecisionTime,
    Fact,
    FoldRun,
    GovernmentMonthDecisionTime,
    MonthDecisionTime,
    MonthFact,
    OfflineCount,
    SatisfactionResponse,
)
from ventanilla.payments.enums import PaymentStatus
from ventanilla.payments.models import Payment

Key = tuple[int, int, str]  # service id, agency id, channel

# How far back the worker catches up on days it missed (it was stopped, or a fold failed).
CATCH_UP_DAYS = 31


def _bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The local day ``day`` as [start, end) instants: a range, so indexes serve it."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def _channel(value: str | None) -> str:
    return value or Channel.WEB.value


@dataclass(frozen=True)
class FoldReport:
    day: dt.date
    facts: int
    decision_times: int


def _count(
    facts: dict[Key, Counter[str]],
    rows: Iterable[dict[str, Any]],
    field: str,
    agency_of: dict[int, int] | None = None,
) -> None:
    """Add each row's ``n`` to ``field``; a row without an agency (an application not yet
    sent) counts for its service's competent agency, from ``agency_of``."""
    for row in rows:
        agency_id = row["agency_id"] if agency_of is None else agency_of[row["service_id"]]
        facts[(row["service_id"], agency_id, _channel(row["channel"]))][field] += row["n"]


def _fold(day: dt.date) -> tuple[dict[Key, Counter[str]], dict[Key, Decimal], Counter[Any]]:
    """Count what happened on ``day``, from the records themselves."""
    start, end = _bounds(day)
    facts: dict[Key, Counter[str]] = defaultdict(Counter)
    amounts: dict[Key, Decimal] = defaultdict(Decimal)
    times: Counter[tuple[int, int, str, int]] = Counter()
    agency_of = dict(PublicService.objects.values_list("pk", "competent_agency_id"))
    channel_of_case = Subquery(
        Application.objects.filter(reference=OuterRef("reference")).values("channel")[:1]
    )

    started = (
        Application.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("service_id", "channel")
        .annotate(n=Count("id"))
    )
    _count(facts, started, "started", agency_of)
    # A case opens in the transaction that sends its application: it is the sending.
    submitted = (
        Case.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("service_id", "agency_id", channel=channel_of_case)
        .annotate(n=Count("id"))
    )
    _count(facts, submitted, "submitted")
    quiet_start, quiet_end = (
        moment - dt.timedelta(days=settings.VENTANILLA_INSIGHTS_ABANDONED_AFTER_DAYS)
        for moment in (start, end)
    )
    abandoned = (
        Application.objects.filter(
            status=ApplicationStatus.DRAFT, updated_at__gte=quiet_start, updated_at__lt=quiet_end
        )
        .values("service_id", "channel")
        .annotate(n=Count("id"))
    )
    _count(facts, abandoned, "abandoned", agency_of)

    calendar = working_calendar()
    decided = Case.objects.filter(closed_at__gte=start, closed_at__lt=end).values(
        "service_id",
        "agency_id",
        "outcome",
        "created_at",
        "closed_at",
        channel=channel_of_case,
        expected=Subquery(
            Application.objects.filter(reference=OuterRef("reference")).values(
                "decision_expected_by"
            )[:1]
        ),
    )
    for case in decided:
        key = (case["service_id"], case["agency_id"], _channel(case["channel"]))
        facts[key][case["outcome"]] += 1
        if case["outcome"] == Outcome.WITHDRAWN:
            continue
        decided_on = timezone.localdate(case["closed_at"])
        if case["expected"] is not None:
            facts[key][
                "within_deadline" if decided_on <= case["expected"] else "missed_deadline"
            ] += 1
        days = calendar.working_days_between(timezone.localdate(case["created_at"]), decided_on)
        times[(*key, days)] += 1

    taken = Payment.objects.filter(
        captured_at__gte=start,
        captured_at__lt=end,
        status__in=[PaymentStatus.CAPTURED, PaymentStatus.REFUNDED],
        reference__startswith="application:",
    ).values_list("reference", "amount")
    by_public_id: dict[uuid.UUID, list[Decimal]] = defaultdict(list)
    for reference, amount in taken:
        try:
            by_public_id[uuid.UUID(reference.removeprefix("application:"))].append(amount)
        except ValueError:
            continue  # not an application's fee
    paid_for = Application.objects.filter(public_id__in=by_public_id).values_list(
        "public_id", "service_id", "channel"
    )
    for public_id, service_id, channel in paid_for:
        key = (service_id, agency_of[service_id], _channel(channel))
        facts[key]["payments"] += len(by_public_id[public_id])
        amounts[key] += sum(by_public_id[public_id], Decimal(0))

    fetched = (
        Call.objects.filter(at__gte=start, at__lt=end, outcome=CallOutcome.COMPLETED)
        .exclude(case_reference="")
        .values("case_reference")
        .annotate(n=Count("id"))
    )
    calls = {row["case_reference"]: row["n"] for row in fetched}
    for looked_up in Case.objects.filter(reference__in=calls).values(
        "reference", "service_id", "agency_id", channel=channel_of_case
    ):
        key = (looked_up["service_id"], looked_up["agency_id"], _channel(looked_up["channel"]))
        facts[key]["evidence_fetched"] += calls[looked_up["reference"]]
    asked = (
        Upload.objects.filter(
            application__submitted_at__gte=start, application__submitted_at__lt=end
        )
        .values(
            service_id=Subquery(
                Application.objects.filter(pk=OuterRef("application_id")).values("service_id")
            ),
            channel=Subquery(
                Application.objects.filter(pk=OuterRef("application_id")).values("channel")
            ),
        )
        .annotate(n=Count("id"))
    )
    for row in asked:
        key = (row["service_id"], agency_of[row["service_id"]], _channel(row["channel"]))
        facts[key]["evidence_asked"] += row["n"]

    answers = (
        SatisfactionResponse.objects.filter(answered_at__gte=start, answered_at__lt=end)
        .values("answer", "application__service_id", "application__channel")
        .annotate(n=Count("id"))
    )
    for row in answers:
        service_id = row["application__service_id"]
        key = (service_id, agency_of[service_id], _channel(row["application__channel"]))
        facts[key][row["answer"]] += row["n"]

    for service_id, channel, count in OfflineCount.objects.filter(day=day).values_list(
        "service_id", "channel", "count"
    ):
        facts[(service_id, agency_of[service_id], channel)]["submitted"] += count
    return facts, amounts, times


@transaction.atomic
def facts_fold_day(*, day: dt.date) -> FoldReport:
    """Replace ``day``'s facts with what the records say now.

    Idempotent: folding a day again, with no new records, gives the same rows; folding it
    after a failure, or after records arrived late, gives the right ones. The day's
    ``FoldRun`` row is locked first, so two folds of one day wait for each other rather
    than both inserting.
    """
    FoldRun.objects.get_or_create(day=day)
    run = FoldRun.objects.select_for_update().get(day=day)
    facts, amounts, times = _fold(day)
    Fact.objects.filter(day=day).delete()
    DecisionTime.objects.filter(day=day).delete()
    Fact.objects.bulk_create(
        Fact(
            day=day,
            service_id=service_id,
            agency_id=agency_id,
            channel=channel,
            payments_amount=amounts.get((service_id, agency_id, channel), Decimal(0)),
            **counts,
        )
        for (service_id, agency_id, channel), counts in sorted(facts.items())
    )
    DecisionTime.objects.bulk_create(
        DecisionTime(
            day=day,
            service_id=service_id,
            agency_id=agency_id,
            channel=channel,
            working_days=days,
            decisions=decisions,
        )
        for (service_id, agency_id, channel, days), decisions in sorted(times.items())
    )
    facts_rollup_month(month=day.replace(day=1))
    run.folded_at = timezone.now()
    run.save(update_fields=["folded_at"])
    return FoldReport(day=day, facts=len(facts), decision_times=len(times))


@transaction.atomic
def facts_rollup_month(*, month: dt.date) -> int:
    """Rebuild ``month``'s summed rows from its daily facts (``month`` is its first day);
    returns how many. A fold does it for its day's month; the month's ``FoldRun`` row
    (its first day's) is locked first, so folds of two days of one month take turns."""
    FoldRun.objects.get_or_create(day=month)
    FoldRun.objects.select_for_update().get(day=month)
    end = (month + dt.timedelta(days=32)).replace(day=1)
    keys = ("service_id", "agency_id", "channel")
    sums = (
        Fact.objects.filter(day__gte=month, day__lt=end)
        .values(*keys)
        .annotate(
            payments_amount_sum=Sum("payments_amount"), **{name: Sum(name) for name in COUNTERS}
        )
        .order_by(*keys)
    )
    MonthFact.objects.filter(month=month).delete()
    MonthDecisionTime.objects.filter(month=month).delete()
    made = MonthFact.objects.bulk_create(
        MonthFact(
            month=month,
            **{key: row[key] for key in keys},
            payments_amount=row["payments_amount_sum"],
            **{name: row[name] for name in COUNTERS},
        )
        for row in sums
    )
    times = (
        DecisionTime.objects.filter(day__gte=month, day__lt=end)
        .values(*keys, "working_days")
        .annotate(n=Sum("decisions"))
        .order_by(*keys, "working_days")
    )
    MonthDecisionTime.objects.bulk_create(
        MonthDecisionTime(
            month=month,
            **{key: row[key] for key in keys},
            working_days=row["working_days"],
            decisions=row["n"],
        )
        for row in times
    )
    GovernmentMonthDecisionTime.objects.filter(month=month).delete()
    GovernmentMonthDecisionTime.objects.bulk_create(
        GovernmentMonthDecisionTime(
            month=month, working_days=row["working_days"], decisions=row["n"]
        )
        for row in MonthDecisionTime.objects.filter(month=month)
        .values("working_days")
        .annotate(n=Sum("decisions"))
        .order_by("working_days")
    )
    return len(made)


def facts_fold_since(*, since: dt.date, until: dt.date | None = None) -> list[FoldReport]:
    """Fold every day from ``since`` to ``until`` (today), each in its own transaction."""
    until = until or timezone.localdate()
    if since > until:
        raise ValidationError(_("The first day to fold must not be after the last."))
    days = (until - since).days + 1
    return [facts_fold_day(day=since + dt.timedelta(days=n)) for n in range(days)]


def facts_fold_recent(*, today: dt.date | None = None) -> list[FoldReport]:
    """What the worker runs: today and yesterday, and any earlier day the last run did not
    reach (up to ``CATCH_UP_DAYS`` back), so a stopped worker catches up."""
    today = today or timezone.localdate()
    earliest = today - dt.timedelta(days=CATCH_UP_DAYS)
    last = (
        FoldRun.objects.filter(folded_at__isnull=False, day__gte=earliest)
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    since = min(today - dt.timedelta(days=1), last or today)
    return facts_fold_since(since=since, until=today)


def _offline_channel(value: str) -> OfflineChannel:
    try:
        return OfflineChannel(value)
    except ValueError:
        raise ValidationError(
            _("“%(channel)s” is not a channel counted by hand: use one of %(channels)s.")
            % {"channel": value, "channels": ", ".join(OfflineChannel.values)},
            field="channel",
        ) from None


def _offline_count_save(
    *, day: dt.date, service: PublicService, channel: str, count: int, actor: User | None
) -> OfflineCount:
    offline = _offline_channel(channel)
    if count < 0:
        raise ValidationError(_("A count must be 0 or more."), field="count")
    if day > timezone.localdate():
        raise ValidationError(_("A count cannot be for a day still to come."), field="day")
    row, _created = OfflineCount.objects.update_or_create(
        day=day,
        service=service,
        channel=offline,
        defaults={"count": count, "recorded_by": actor, "recorded_at": timezone.now()},
    )
    return row


@transaction.atomic
def offline_count_record(
    *,
    day: dt.date,
    service: PublicService,
    channel: str,
    count: int,
    actor: User | None = None,
) -> OfflineCount:
    """Record how many transactions of ``service`` went through ``channel`` (counter,
    phone or post) on ``day``; recording a day again replaces its count. The day's facts
    are folded again with it."""
    row = _offline_count_save(day=day, service=service, channel=channel, count=count, actor=actor)
    facts_fold_day(day=day)
    return row


OFFLINE_CSV_COLUMNS = ("day", "service", "channel", "count")


def _line_error(line: int, column: str, problem: str) -> ValidationError:
    return ValidationError(
        _("Line %(line)s, column %(column)s: %(problem)s")
        % {"line": line, "column": column, "problem": problem},
        field=column,
    )


@transaction.atomic
def offline_counts_import(
    *, file: IO[str], actor: User | None = None, agency: Agency | None = None
) -> int:
    """Record the counts in a CSV file with the columns day (YYYY-MM-DD), service (slug),
    channel (counter, phone or post) and count, and fold their days again. All or nothing:
    a wrong row names its line and column, and nothing is recorded. With ``agency``, only
    that agency's services may be counted (an official's import). Returns how many rows
    there were."""
    reader = csv.DictReader(file)
    if reader.fieldnames is None or set(OFFLINE_CSV_COLUMNS) - set(reader.fieldnames):
        raise ValidationError(
            _("The file must have the columns %(columns)s.")
            % {"columns": ", ".join(OFFLINE_CSV_COLUMNS)}
        )
    services = PublicService.objects.all()
    if agency is not None:
        services = services.filter(competent_agency=agency)
    by_slug = {s.slug: s for s in services}
    days: set[dt.date] = set()
    recorded = 0
    for line, row in enumerate(reader, start=2):
        value = {column: (row[column] or "").strip() for column in OFFLINE_CSV_COLUMNS}
        try:
            day = dt.date.fromisoformat(value["day"])
        except ValueError:
            raise _line_error(
                line,
                "day",
                _("“%(value)s” is not a day written YYYY-MM-DD.") % {"value": value["day"]},
            ) from None
        try:
            count = int(value["count"])
        except ValueError:
            raise _line_error(
                line, "count", _("“%(value)s” is not a whole number.") % {"value": value["count"]}
            ) from None
        service = by_slug.get(value["service"])
        if service is None:
            problem = (
                _("there is no service “%(service)s”.")
                if agency is None
                else _("%(agency)s has no service “%(service)s”.")
            ) % {"service": value["service"], "agency": agency.local_name if agency else ""}
            raise _line_error(line, "service", problem)
        try:
            _offline_count_save(
                day=day, service=service, channel=value["channel"], count=count, actor=actor
            )
        except ValidationError as error:
            raise _line_error(line, error.field or "count", error.message) from None
        days.add(day)
        recorded += 1
    for day in sorted(days):
        facts_fold_day(day=day)
    return recorded


def satisfaction_answer(
    *, application: Application, applicant: User, answer: str, comment: str = ""
) -> SatisfactionResponse:
    """Record how satisfied ``applicant`` was with ``application``, once it is decided.

    One answer per application: a second (or two at once) is refused with
    ``SatisfactionRefusedError``. Another person's application is ``NotFoundError``.
    """
    application = application_get_for_applicant(
        applicant=applicant, public_id=application.public_id
    )
    if not application_summary(application=application).is_closed:
        raise SatisfactionRefusedError(
            _("You can tell us how satisfied you are once your application has been decided.")
        )
    if answer not in SatisfactionAnswer.values:
        raise ValidationError(_("Select how satisfied you are."), field="answer")
    comment = comment.strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            _("Your comment must be %(count)s characters or fewer.")
            % {"count": COMMENT_MAX_LENGTH},
            field="comment",
        )
    already = _("You have already told us how satisfied you were with this application.")
    if SatisfactionResponse.objects.filter(application=application).exists():
        raise SatisfactionRefusedError(already)
    try:
        with transaction.atomic():
            return SatisfactionResponse.objects.create(
                application=application,
                answer=answer,
                comment=comment,
                answered_at=timezone.now(),
            )
    except IntegrityError:  # the same answer sent twice at once: the other one counted
        raise SatisfactionRefusedError(already) from None
