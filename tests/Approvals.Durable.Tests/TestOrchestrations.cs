using System.Collections.Concurrent;

namespace Approvals.Durable.Tests;

/// <summary>Counts activity executions per test (keyed by a per-test id in the input).</summary>
internal static class Counters
{
    public static readonly ConcurrentDictionary<string, int> Runs = new();

    public static int Next(string key) => Runs.AddOrUpdate(key, 1, (_, n) => n + 1);
}

internal sealed class FlakyActivity : TaskActivity<string, string>
{
    // Fails the first two times for a key, then succeeds.
    public override Task<string> RunAsync(TaskActivityContext context, string input)
    {
        var n = Counters.Next(input);
        return n <= 2 ? throw new InvalidOperationException($"attempt {n} failed") : Task.FromResult($"ok after {n}");
    }
}

internal sealed class AlwaysFails : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => throw new ArgumentException($"bad input {input}");
}

internal sealed class Echo : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult(input);
}

internal sealed class RetryOrchestration : TaskOrchestrator<string, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, string input)
        => context.CallActivityAsync<string>(nameof(FlakyActivity), input, TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromMilliseconds(50), 2.0)));
}

internal sealed class FailingChild : TaskOrchestrator<string, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, string input) => context.CallActivityAsync<string>(nameof(AlwaysFails), input);
}

internal sealed class ParentOfFailingChild : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        try
        {
            await context.CallSubOrchestratorAsync<string>(nameof(FailingChild), input);
            return "no failure";
        }
        catch (TaskFailedException e)
        {
            return $"{e.TaskName}|{e.FailureDetails.ErrorType}|{e.FailureDetails.ErrorMessage}";
        }
    }
}

internal sealed class ChildEcho : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input) => "child:" + await context.CallActivityAsync<string>(nameof(Echo), input);
}

internal sealed class ParentOfChildren : TaskOrchestrator<int, List<string>>
{
    public override async Task<List<string>> RunAsync(TaskOrchestrationContext context, int input)
        => [.. await Task.WhenAll(Enumerable.Range(0, input).Select(i => context.CallSubOrchestratorAsync<string>(nameof(ChildEcho), $"c{i}")))];
}

internal sealed class WaitForApproval : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var first = await context.WaitForExternalEvent<string>("approve");
        return first;
    }
}

internal sealed class TwoStepWait : TaskOrchestrator<string, string>
{
    // The event arrives while the orchestration is still busy with the activity: it must be buffered.
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var a = await context.CallActivityAsync<string>(nameof(Echo), input);
        var e = await context.WaitForExternalEvent<string>("go");
        return $"{a}+{e}";
    }
}

internal sealed class CancelledWaiter : TaskOrchestrator<string, string>
{
    // A waiter cancelled by a short timeout must not swallow the event meant for the second waiter.
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        try
        {
            await context.WaitForExternalEvent<string>("signal", TimeSpan.FromMilliseconds(10));
        }
        catch (TaskCanceledException)
        {
        }

        context.SetCustomStatus("waiting-again");
        return await context.WaitForExternalEvent<string>("signal");
    }
}

internal sealed class OldestWaiterFirst : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var first = context.WaitForExternalEvent<string>("e");
        var second = context.WaitForExternalEvent<string>("e");
        context.SetCustomStatus("waiting");
        return $"{await first},{await second}";
    }
}

internal sealed class LongTimer : TaskOrchestrator<int, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, int days)
    {
        var start = context.CurrentUtcDateTime;
        await context.CreateTimer(start.AddDays(days), CancellationToken.None);
        return $"{(context.CurrentUtcDateTime - start).TotalDays:F0}";
    }
}

internal sealed class Counter : TaskOrchestrator<int, int>
{
    // Eternal orchestration: ContinueAsNew until the count reaches 5.
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int count)
    {
        await context.CallActivityAsync<string>(nameof(Echo), count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (count < 5)
        {
            context.ContinueAsNew(count + 1);
        }

        return count;
    }
}

internal sealed class BigPayload : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var echoed = await context.CallActivityAsync<string>(nameof(Echo), input);
        var evt = await context.WaitForExternalEvent<string>("big");
        return $"{echoed.Length}:{evt.Length}:{(echoed == input ? "same" : "different")}";
    }
}

internal sealed class GuidOrchestration : TaskOrchestrator<string, List<Guid>>
{
    public override async Task<List<Guid>> RunAsync(TaskOrchestrationContext context, string input)
    {
        var a = context.NewGuid();
        await context.CallActivityAsync<string>(nameof(Echo), "x");
        var b = context.NewGuid();
        context.SetCustomStatus(new[] { a, b });
        await context.WaitForExternalEvent<string>("done");
        return [a, b];
    }
}

// Two versions of one orchestration, registered under the same name on two hosts, to provoke non-determinism.
internal sealed class VersionOne : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        await context.CallActivityAsync<string>(nameof(Echo), "one");
        return await context.WaitForExternalEvent<string>("continue");
    }
}

internal sealed class VersionTwo : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        await context.CallActivityAsync<string>(nameof(FlakyActivity), "two");
        return await context.WaitForExternalEvent<string>("continue");
    }
}

internal sealed class CallsMissingActivity : TaskOrchestrator<string, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, string input) => context.CallActivityAsync<string>("LateActivity", input);
}

internal sealed class LateActivity : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult("late:" + input);
}

/// <summary>Children named <c>{parent}!c{i}</c>: placed in the parent's partition.</summary>
internal sealed class ParentOfColocatedChildren : TaskOrchestrator<int, List<string>>
{
    public override async Task<List<string>> RunAsync(TaskOrchestrationContext context, int input)
        => [.. await Task.WhenAll(Enumerable.Range(0, input).Select(i =>
            context.CallSubOrchestratorAsync<string>(nameof(ChildEcho), $"c{i}", new SubOrchestrationOptions($"{context.InstanceId}!c{i}"))))];
}

/// <summary>Twenty activities one after another: every episode but the first and last only records a result and schedules the next.</summary>
internal sealed class EchoChain : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        var done = 0;
        for (var i = 0; i < input; i++)
        {
            await context.CallActivityAsync<string>(nameof(Echo), $"e{i}");
            done++;
        }

        return done;
    }
}

/// <summary>One activity, then a long wait for an event: the episode recording the activity's result has nothing after it to ride with.</summary>
internal sealed class ActivityThenWait : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var echoed = await context.CallActivityAsync<string>(nameof(Echo), input);
        return echoed + "|" + await context.WaitForExternalEvent<string>("go");
    }
}
