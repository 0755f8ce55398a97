using Approvals.Pipeline.Tests.Pipeline;

namespace Approvals.Pipeline.Tests.Departments;

/// <summary>The case-file link lifetime is checked at start-up like every other setting.</summary>
public sealed class CaseFileSettingsTests
{
    [Theory]
    [InlineData("00:00:30")]
    [InlineData("8.00:00:00")]
    [InlineData("a day")]
    public void LinkLifetime_OutsideOneMinuteToSevenDays_RefusedAtStartUp(string value)
    {
        using var app = new PipelineApp();
        app.Settings["CaseFiles:LinkLifetime"] = value;

        var start = () => app.CreateClient();

        start.Should().Throw<Exception>().Which.ToString().Should().Contain("CaseFiles__LinkLifetime must be a time span between 00:01:00 and 7.00:00:00");
    }
}
