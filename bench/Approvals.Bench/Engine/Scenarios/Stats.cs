namespace Approvals.Bench.Engine.Scenarios;

/// <summary>Small statistics helpers.</summary>
internal static class Stats
{
    /// <summary>Nearest-rank percentile (p in 0..100) of unsorted values.</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static T Median<T>(IReadOnlyList<T> runs, Func<T, double> by) => runs.OrderBy(by).ElementAt(runs.Count / 2);
}
