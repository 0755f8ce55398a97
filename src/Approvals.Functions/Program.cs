using Approvals.Functions.Api;
using Approvals.Functions.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddLocalSettings();
builder.AddApprovalsHosting();   // configuration validation, storage clients, telemetry, health, limits
builder.AddApprovalsPipeline();  // engine, orchestrations, activities, stores, identity

var app = builder.Build();
app.UseApprovalsHosting();
app.MapApprovalsApi();

app.Run();

/// <summary>Entry point; public for <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
