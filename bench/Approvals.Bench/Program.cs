// scripts/bench.sh pipeline [cases] [options]: the end-to-end benchmark against Azurite.
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};

var command = args.FirstOrDefault() ?? "pipeline";
return command switch
{
    "pipeline" => await Approvals.Bench.Pipeline.PipelineBench.RunAsync(args[1..], cts.Token),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine(Approvals.Bench.Pipeline.BenchOptions.Usage);
    return 2;
}
