using Approvals.Pipeline.Cases;
using Approvals.Pipeline.Departments;
using Approvals.Licensing.Calendar;
using Approvals.Licensing.Catalogue;
using Approvals.Licensing.Clock;

namespace Approvals.Pipeline.Orchestrations;

/// <summary>What the activities share: the case store, the inbox, the timeline, the clocks and the time.</summary>
internal sealed class PipelineServices(CaseStore cases, InboxStore inbox, CaseJournal journal, CaseClocks clocks, TimeProvider time)
{
    public CaseStore Cases => cases;

    public InboxStore Inbox => inbox;

    public CaseJournal Journal => journal;

    public CaseClocks Clocks => clocks;

    public TimeProvider Time => time;

    public (LicenceType Type, WorkingCalendar Calendar) Pinned(CaseInput c)
    {
        var type = clocks.Type(c.LicenceTypeId, c.LicenceTypeVersion);
        return (type, clocks.Calendar(type.Jurisdiction, c.CalendarVersion));
    }

    /// <summary>The step's name, role and rules (the service centre's acceptance step included).</summary>
    public (string Name, string Role, ClockRules Rules) Step(LicenceType type, string departmentId)
    {
        if (departmentId == type.ServiceCentre.DepartmentId)
        {
            var name = clocks.Catalogue.FindDepartment(departmentId)?.Name ?? departmentId;
            return (name, "ServiceCentre", new ClockRules(type.ServiceCentre.LimitWorkingDays, DeemedAcceptanceWorkingDays: Licensing.LegalLimits.DeemedAcceptanceWorkingDays));
        }

        var step = type.Departments.First(d => d.DepartmentId == departmentId);
        return (step.Name, step.Role.ToString(), ClockRules.ForStep(type, step));
    }

    /// <summary>The step clock now, and the date shown as its due date (for acceptance: the deemed-acceptance day).</summary>
    public (ClockState State, DateOnly? Due) Evaluate(CaseInput c, string departmentId, IReadOnlyList<ClockEventDto> events, DateTimeOffset at)
    {
        var (type, calendar) = Pinned(c);
        var state = CaseClocks.Evaluate(events, calendar, Step(type, departmentId).Rules, at);
        var due = state.DueDate ?? (state.DeemedAcceptedAt is { } d ? calendar.LocalDate(d) : null);
        return (state, due);
    }

    /// <summary>
    /// Who decided, as the timeline records it: <c>officer:{department}:{token subject}</c> for a decision by token,
    /// <c>backoffice:{department}</c> for a signed callback (the name it claims goes into the details as <c>claimedOfficer</c>).
    /// </summary>
    public static string Actor(DecisionEvent d) =>
        d.Via == DecisionEvent.ViaOfficer ? $"officer:{d.DepartmentId}:{d.Officer}" : $"backoffice:{d.DepartmentId}";
}
