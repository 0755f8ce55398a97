using Approvals.Pipeline.Api;
using Approvals.Pipeline.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddLocalSettings();
builder.AddApprovalsHosting();   // configuration validation, storage clients, telemetry, health, limits
builder.AddApprovalsPipeline();  // Durable runtime, orchestrations, activities, stores, identity

var app = builder.Build();
app.UseApprovalsHosting();
app.MapApprovalsApi();

app.Run();

/// <summary>Entry point; public for <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
