using Approvals.Functions.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddLocalSettings();

var app = builder.Build();

app.MapGet("/", () => "Approvals");

app.Run();

/// <summary>Entry point; public for <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
