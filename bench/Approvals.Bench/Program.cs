using Approvals.Bench.Engine;

// scripts/bench.sh <command> [scenario…]. Each benchmark family lives in its own folder with one entry point.
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};

var command = args.FirstOrDefault() ?? "engine";
return command switch
{
    "engine" => await EngineBench.RunAsync(args[1..], cts.Token),
    "pipeline" => await Approvals.Bench.Pipeline.PipelineBench.RunAsync(args[1..], cts.Token),
    _ when EngineBench.Has(command) => await EngineBench.RunAsync(args, cts.Token),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine($"Usage: scripts/bench.sh engine [{string.Join("|", EngineBench.Names)}…] | pipeline [cases]");
    return 2;
}
