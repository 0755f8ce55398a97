using Approvals.Pipeline.Tests.Pipeline;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Approvals.Pipeline.Tests.Hosting;

/// <summary>The host refuses to start on bad configuration and says exactly what is wrong, all at once.</summary>
public sealed class StartupValidationTests
{
    private static Exception StartFailure(PipelineApp app)
    {
        var start = () => app.CreateClient();
        return start.Should().Throw<Exception>().Which;
    }

    /// <summary>What the host says when it refuses to start with this one setting.</summary>
    private static string StartFailureWith(string setting, string value) => StartFailureWith(new() { [setting] = value });

    /// <summary>What the host says when it refuses to start with these settings.</summary>
    private static string StartFailureWith(Dictionary<string, string> settings)
    {
        using var app = new PipelineApp();
        foreach (var (k, v) in settings)
        {
            app.Settings[k] = v;
        }

        return StartFailure(app).ToString();
    }

    [Fact]
    public void A_missing_department_secret_names_the_department()
    {
        using var app = new PipelineApp();
        app.Settings["Departments:health:CallbackSecret"] = "";
        app.Settings["Departments:fire-rescue:CallbackSecret"] = "";

        var message = StartFailure(app).ToString();

        message.Should().Contain("Department 'health' (卫生健康委员会) has no callback secret: set Departments__health__CallbackSecret");
        message.Should().Contain("Department 'fire-rescue' (消防救援支队) has no callback secret", "every problem is reported at once");
        message.Should().NotContain("'market-supervision'");
    }

    [Fact]
    public void A_weak_secret_or_a_relative_webhook_url_is_refused_without_echoing_the_value()
    {
        using var app = new PipelineApp();
        app.Settings["Departments:health:CallbackSecret"] = "whsec_c2hvcnQ=";
        app.Settings["Departments:market-supervision:WebhookUrl"] = "/hooks/market";

        var message = StartFailure(app).ToString();

        message.Should().Contain("Department 'health' (卫生健康委员会): Departments__health__CallbackSecret must be whsec_ followed by the base64 of at least 24 bytes");
        message.Should().Contain("Departments__market-supervision__WebhookUrl must be an absolute http(s) URL");
        message.Should().NotContain("c2hvcnQ=");
    }

    [Fact]
    public void Production_requires_a_signing_key_a_public_https_url_and_a_token_authority()
    {
        using var app = new PipelineApp { EnvironmentName = "Production" };
        app.Settings["Licensing:SigningKeyPem"] = "";
        app.Settings["Approvals:PublicBaseUrl"] = "http://approvals.example.gov.cn";

        var message = StartFailure(app).ToString();

        message.Should().Contain("Licensing__SigningKeyPem is not set");
        message.Should().Contain("Authentication__Schemes__Bearer__Authority is not set");
        message.Should().Contain("Approvals__PublicBaseUrl must be an absolute https URL");
    }

    [Fact]
    public void Production_starts_when_every_required_setting_is_given()
    {
        using var app = new PipelineApp { EnvironmentName = "Production" };
        app.Settings["Approvals:PublicBaseUrl"] = "https://approvals.example.gov.cn";
        app.Settings["Authentication:Schemes:Bearer:Authority"] = "https://login.example.gov.cn/tenant/v2.0";
        // The in-memory test tokens keep validating with the configured symmetric key; no metadata is fetched at start.

        var start = () => app.CreateClient();

        start.Should().NotThrow();
    }

    [Fact]
    public void Storage_must_be_a_connection_string_or_an_account_uri()
    {
        StartFailureWith("AzureWebJobsStorage", "not a storage account!").Should().Contain("AzureWebJobsStorage is neither a valid storage connection string nor a storage account URI");
    }

    [Fact]
    public void Unknown_exporters_and_azure_monitor_without_its_connection_string_are_refused()
    {
        using var app = new PipelineApp();
        app.Settings["Telemetry:Exporter"] = "console,azuremonitor,zipkin";
        app.Settings["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "";

        var message = StartFailure(app).ToString();

        message.Should().Contain("Telemetry__Exporter 'zipkin' is unknown");
        message.Should().Contain("azuremonitor but APPLICATIONINSIGHTS_CONNECTION_STRING is not set");
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("5000")]
    public void Projection_linger_outside_0_to_1000_ms_is_refused(string value)
    {
        StartFailureWith("Projections:LingerMilliseconds", value).Should().Contain("Projections__LingerMilliseconds must be between 0 and 1000");
    }

    [Fact]
    public void Durable_settings_out_of_range_are_refused_together()
    {
        var message = StartFailureWith(new()
        {
            ["DurableTask:PartitionCount"] = "17",
            ["DurableTask:MaxQueuePollingInterval"] = "00:10:00",
            ["DurableTask:HubName"] = "1hub",
        });

        message.Should().Contain("DurableTask__PartitionCount 17 must be between 1 and 16")
            .And.Contain("DurableTask__MaxQueuePollingInterval 00:10:00 must be between")
            .And.Contain("DurableTask__HubName '1hub' must be 3–45 letters or digits");
    }

    [Fact]
    public void Durable_defaults_poll_idle_queues_every_second()
    {
        using var app = new PipelineApp();

        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Approvals.Pipeline.Runtime.DurableRuntimeOptions>>().Value;

        options.MaxQueuePollingInterval.Should().Be(TimeSpan.FromSeconds(1));
        options.ControlQueueVisibilityTimeout.Should().BeLessThanOrEqualTo(TimeSpan.FromMinutes(1), "a killed host must not stall its instances for the provider's 5-minute default");
    }
}
