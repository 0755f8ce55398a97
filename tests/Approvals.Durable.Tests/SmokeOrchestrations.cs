namespace Approvals.Durable.Tests;

internal sealed class SayHello : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult($"Hello {input}");
}

internal sealed class HelloSequence : TaskOrchestrator<string, List<string>>
{
    public override async Task<List<string>> RunAsync(TaskOrchestrationContext context, string input)
    {
        var result = new List<string>();
        foreach (var name in new[] { "Beijing", "Shanghai", input })
        {
            result.Add(await context.CallActivityAsync<string>(nameof(SayHello), name));
        }

        return result;
    }
}

internal sealed class FanOut : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        var tasks = Enumerable.Range(0, input).Select(i => context.CallActivityAsync<string>(nameof(SayHello), i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var results = await Task.WhenAll(tasks);
        return results.Length;
    }
}
