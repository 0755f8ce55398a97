using Approvals.Licensing.Catalogue;

namespace Approvals.Licensing.Clock;

/// <summary>The numbers a clock is evaluated with. Defaults follow the 行政许可法.</summary>
/// <param name="LimitWorkingDays">The time limit in working days (promised limit for a case, the step limit for a department).</param>
/// <param name="WarningWorkingDays">预警 when this many working days or fewer are left.</param>
/// <param name="FollowUpWorkingDays">红牌 when still open this many working days after the due date (督办 period).</param>
/// <param name="MaxExtensionWorkingDays">Cap of the single extension; 10 working days by Art. 42.</param>
/// <param name="DeemedAcceptanceWorkingDays">Working days after submission without 一次性告知 before deemed acceptance; 5 by Art. 32.</param>
public sealed record ClockRules(
    int LimitWorkingDays,
    int WarningWorkingDays = 1,
    int FollowUpWorkingDays = 5,
    int MaxExtensionWorkingDays = LegalLimits.MaxExtensionWorkingDays,
    int DeemedAcceptanceWorkingDays = LegalLimits.DeemedAcceptanceWorkingDays)
{
    /// <summary>Rules for the whole case: the promised limit and the type's follow-up period.</summary>
    public static ClockRules ForCase(LicenceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return new ClockRules(type.PromisedLimitWorkingDays, FollowUpWorkingDays: type.FollowUpWorkingDays);
    }

    /// <summary>Rules for one department step: the step's own limit and the type's follow-up period.</summary>
    public static ClockRules ForStep(LicenceType type, DepartmentStep step)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(step);
        return new ClockRules(step.LimitWorkingDays, FollowUpWorkingDays: type.FollowUpWorkingDays);
    }
}
