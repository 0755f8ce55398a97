using Approvals.Licensing.Calendar;
using Approvals.Licensing.Catalogue;
using Approvals.Licensing.Clock;

namespace Approvals.Pipeline.Cases;

/// <summary>
/// A clock event in a shape that survives JSON (orchestration inputs, table properties): the licensing library's
/// <see cref="ClockEvent"/> is a record hierarchy, this is its flat, serialisable twin.
/// </summary>
internal sealed record ClockEventDto(string Kind, DateTimeOffset At, PauseReason? Reason = null, string? LegalBasis = null, int? WorkingDays = null, string? Note = null)
{
    public static ClockEventDto Submitted(DateTimeOffset at) => new(nameof(Licensing.Clock.Submitted), at);

    public static ClockEventDto Accepted(DateTimeOffset at) => new(nameof(Licensing.Clock.Accepted), at);

    public static ClockEventDto Paused(DateTimeOffset at, PauseReason reason, string legalBasis) => new(nameof(Licensing.Clock.Paused), at, reason, legalBasis);

    public static ClockEventDto Resumed(DateTimeOffset at) => new(nameof(Licensing.Clock.Resumed), at);

    public static ClockEventDto Decided(DateTimeOffset at) => new(nameof(Licensing.Clock.Decided), at);

    public ClockEvent ToClockEvent() => Kind switch
    {
        nameof(Licensing.Clock.Submitted) => new Submitted(At),
        nameof(Licensing.Clock.Accepted) => new Accepted(At),
        nameof(Licensing.Clock.Paused) => new Paused(At, Reason ?? PauseReason.Other, LegalBasis ?? ""),
        nameof(Licensing.Clock.Resumed) => new Resumed(At),
        nameof(Licensing.Clock.Extended) => new Extended(At, WorkingDays ?? 0, Note ?? ""),
        nameof(Licensing.Clock.Decided) => new Decided(At),
        _ => throw new InvalidOperationException($"Unknown clock event kind '{Kind}'."),
    };
}

/// <summary>Evaluates case and step clocks with the calendar version pinned in the case.</summary>
internal sealed class CaseClocks(LicenceCatalogue catalogue, CalendarRegistry calendars)
{
    public LicenceCatalogue Catalogue => catalogue;

    public LicenceType Type(string typeId, string version) =>
        catalogue.Find(typeId, version) ?? throw new InvalidOperationException($"Licence type {typeId} version {version} is not in the catalogue.");

    public WorkingCalendar Calendar(string jurisdiction, string? version) => calendars.Get(jurisdiction, version);

    /// <summary>
    /// Rules of the whole case: the promised limit and follow-up period of the type, and deemed acceptance after
    /// 5 working days as Art. 32 says — the service centre's own (shorter) promise does not change the law.
    /// </summary>
    public static ClockRules CaseRules(LicenceType type) =>
        ClockRules.ForCase(type) with { DeemedAcceptanceWorkingDays = Licensing.LegalLimits.DeemedAcceptanceWorkingDays };

    public static ClockState Evaluate(IEnumerable<ClockEventDto> events, WorkingCalendar calendar, ClockRules rules, DateTimeOffset now) =>
        CaseClock.Evaluate(events.Select(e => e.ToClockEvent()).ToList(), calendar, rules, now);

    /// <summary>The next instant after <paramref name="now"/> at which the alert level rises, or null (paused, stopped, red).</summary>
    public static DateTimeOffset? NextAlertAt(ClockState state, DateTimeOffset now) =>
        new[] { state.WarningAt, state.OverdueAt, state.RedCardAt }
            .Where(t => t is not null && t.Value > now)
            .Select(t => t!.Value)
            .Order()
            .Cast<DateTimeOffset?>()
            .FirstOrDefault();
}
