namespace Approvals.Durable.Tests;

internal static class Wait
{
    /// <summary>Polls a condition until it holds (no fixed sleeps: returns as soon as it is true).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string because)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            if (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"Timed out after {timeout}: {because}");
            }

            await Task.Delay(20);
        }
    }

    public static Task UntilStatusAsync(DurableTaskClient client, string id, Func<OrchestrationMetadata, bool> predicate, string because)
        => UntilAsync(async () => await client.GetInstanceAsync(id) is { } m && predicate(m), TimeSpan.FromSeconds(30), because);

    public static CancellationToken Timeout(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
