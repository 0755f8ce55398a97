using Approvals.Pipeline.Cases;
using Azure;
using FluentAssertions;
using Xunit;

namespace Approvals.Pipeline.Tests.Pipeline;

/// <summary>The callback's memory of open tasks: only open rows, copies, and bounded.</summary>
public sealed class OpenTaskRowsTests
{
    private static DepartmentRow Row(string caseId, string status = StepStatus.Pending) =>
        new() { PartitionKey = caseId, RowKey = DepartmentRow.KeyFor(caseId, "health"), DepartmentId = "health", TaskId = "t1", Status = status };

    [Fact]
    public void Remember_OpenRow_GivesACopyWithTheETag_AndADecidedRowIsForgotten()
    {
        var rows = new OpenTaskRows();
        rows.Remember(Row("c1"), new ETag("W/\"1\""));

        var got = rows.Get("c1", "health")!;
        got.ETag.Should().Be(new ETag("W/\"1\""));
        got.TaskId = "changed by the caller";
        rows.Get("c1", "health")!.TaskId.Should().Be("t1", "callers get copies");

        rows.Remember(Row("c1", StepStatus.Approved), new ETag("W/\"2\""));
        rows.Get("c1", "health").Should().BeNull("only open tasks are remembered");
    }

    [Fact]
    public void Remember_BeyondCapacity_StartsOverInsteadOfGrowingOrStoppingForGood()
    {
        var rows = new OpenTaskRows();
        for (var i = 0; i < OpenTaskRows.Capacity; i++)
        {
            rows.Remember(Row($"c{i}"), new ETag("W/\"1\""));
        }

        rows.Count.Should().Be(OpenTaskRows.Capacity);
        rows.Remember(Row("one-more"), new ETag("W/\"1\""));

        rows.Count.Should().BeLessThanOrEqualTo(OpenTaskRows.Capacity);
        rows.Get("one-more", "health").Should().NotBeNull("a full memory makes room rather than ignoring new tasks");
    }
}
