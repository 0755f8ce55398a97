namespace Approvals.Licensing.Clock;

/// <summary>The clock events break a rule (a second extension, an extension after expiry, resume when not paused…).</summary>
public sealed class ClockRuleException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ClockRuleException(string message, ClockEvent? offendingEvent = null)
        : base(message)
    {
        OffendingEvent = offendingEvent;
    }

    /// <summary>The event that broke the rule, if one did.</summary>
    public ClockEvent? OffendingEvent { get; }
}
