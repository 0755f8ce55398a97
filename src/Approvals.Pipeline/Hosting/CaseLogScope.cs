namespace Approvals.Pipeline.Hosting;

/// <summary>
/// Puts the case (the <c>{id}</c> route value of case routes) into the logging scope of the request, so every log
/// line written while serving it carries <c>CaseId</c>; case events add the human case number (<c>CaseNumber</c>, see
/// <c>CaseJournal</c>). Both identify a file, not a person; names, ID numbers and addresses of applicants are never
/// logged (they stay in the case rows).
/// </summary>
internal static class CaseLogScope
{
    public const string Key = "CaseId";

    public static IApplicationBuilder UseCaseLogScope(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Approvals.Cases");
        return app.Use(async (context, next) =>
        {
            if (context.Request.RouteValues.TryGetValue("id", out var id) && id is string caseId
                && (context.Request.Path.StartsWithSegments("/api/applications") || context.Request.Path.StartsWithSegments("/api/supervision/applications")))
            {
                using (logger.BeginScope(new Dictionary<string, object> { [Key] = caseId }))
                {
                    await next(context);
                }

                return;
            }

            await next(context);
        });
    }
}
