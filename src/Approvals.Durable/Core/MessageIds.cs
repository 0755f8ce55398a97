namespace Approvals.Durable.Core;

/// <summary>
/// Inbox message ids sort by time (row keys are processed in order) and are unique per sender.
/// Ids of messages an instance sends from its history are deterministic, so a re-send after a crash
/// collides with (or is deduplicated against) the first one.
/// </summary>
internal static class MessageIds
{
    private static long _counter;

    public static string New(DateTimeOffset now)
        => $"{now.UtcTicks:D19}-{Interlocked.Increment(ref _counter) & 0xFFFFFF:X6}{Guid.NewGuid().ToString("N")[..10]}";

    public static string Deterministic(DateTime at, string sender, string executionId, string suffix)
        => $"{at.Ticks:D19}-{Storage.Keys.Escape(sender)}.{executionId}.{suffix}";
}
