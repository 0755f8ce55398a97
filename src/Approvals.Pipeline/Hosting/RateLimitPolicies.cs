using System.Globalization;
using System.Threading.RateLimiting;
using Approvals.Pipeline.Identity;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Approvals.Pipeline.Hosting;

/// <summary>
/// Per-client rate limits, chosen by the endpoint's OpenAPI tag so that no applicant or public route can be added
/// without one: <c>Applicant</c> routes get a token bucket per signed-in applicant (<c>sub</c>; the client address
/// when not signed in), <c>Public</c> routes one per client address. Department callbacks (signed, per department)
/// and supervision routes are not limited here. A refused request gets 429 with <c>Retry-After</c> and a problem
/// document. Behind the Container Apps ingress the client address comes from <c>X-Forwarded-For</c>
/// (<c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c>).
/// </summary>
internal static class RateLimitPolicies
{
    public const string ApplicantTag = "Applicant";
    public const string PublicTag = "Public";

    public static IServiceCollection AddApprovalsRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<HostingOptions>>((o, hosting) =>
        {
            var options = hosting.Value.RateLimiting;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, options));
            o.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(HttpContext context, RateLimitingOptions options)
    {
        var tags = context.GetEndpoint()?.Metadata.GetOrderedMetadata<ITagsMetadata>().SelectMany(t => t.Tags) ?? [];
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        foreach (var tag in tags)
        {
            if (tag == ApplicantTag)
            {
                var who = context.User.Subject() is { } sub ? "sub:" + sub : "ip:" + address;
                return Bucket("applicant|" + who, options.ApplicantPermitsPerMinute);
            }

            if (tag == PublicTag)
            {
                return Bucket("public|" + address, options.PublicPermitsPerMinute);
            }
        }

        return RateLimitPartition.GetNoLimiter("unlimited");
    }

    /// <summary>A bucket holding a minute's permits, refilled evenly every second: bursts allowed, the average held.</summary>
    private static RateLimitPartition<string> Bucket(string key, int permitsPerMinute) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = permitsPerMinute,
            TokensPerPeriod = Math.Max(1, permitsPerMinute / 60),
            ReplenishmentPeriod = TimeSpan.FromSeconds(permitsPerMinute >= 60 ? 1 : 60.0 / permitsPerMinute),
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        var seconds = (int)Math.Ceiling(Math.Max(1, retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await ProblemResponses.WriteAsync(http, StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests.",
            $"Slow down: try again in {seconds} s.");
    }
}
