using Approvals.Durable.Storage;
using Azure;
using Azure.Data.Tables;
using FluentAssertions;
using Xunit;

namespace Approvals.Durable.Tests;

/// <summary>Writes sharing a transaction get exactly the outcome each would have had alone.</summary>
public sealed class PartitionBatcherTests : IAsyncLifetime
{
    private readonly TableClient _table = StorageConnection.Create(EngineHost.Azurite).Tables.GetTableClient(EngineHost.NewHubName("pb"));

    public async Task InitializeAsync() => await _table.CreateIfNotExistsAsync();

    public async Task DisposeAsync() => await _table.DeleteAsync();

    [Fact]
    public async Task SubmitAsync_OneWriteConflictsAmongMany_OnlyThatWriteFailsAndTheOthersAreStored()
    {
        await _table.AddEntityAsync(new TableEntity("p", "taken") { ["V"] = "first" });
        var batcher = new PartitionBatcher(_table);

        // Submitted without awaiting in between, so most of them wait together and share a transaction.
        var writes = Enumerable.Range(0, 20)
            .Select(i => batcher.SubmitAsync([new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", i == 7 ? "taken" : $"r{i:D2}") { ["V"] = "second" })], CancellationToken.None))
            .ToList();
        var outcomes = await Task.WhenAll(writes.Select(async w =>
        {
            try
            {
                await w;
                return 0;
            }
            catch (RequestFailedException e)
            {
                return e.Status;
            }
        }));

        outcomes.Should().Equal(Enumerable.Range(0, 20).Select(i => i == 7 ? 409 : 0), "only the insert of an existing row fails, with the service's own status");
        var stored = new List<TableEntity>();
        await foreach (var e in _table.QueryAsync<TableEntity>(e => e.PartitionKey == "p"))
        {
            stored.Add(e);
        }

        stored.Should().HaveCount(20);
        stored.Single(e => e.RowKey == "taken").GetString("V").Should().Be("first");
    }

    [Fact]
    public async Task SubmitAsync_SharedWithAStaleETag_StaleWriteGets412AndReturnsEachWritesETags()
    {
        var first = await _table.AddEntityAsync(new TableEntity("q", "status") { ["V"] = 1 });
        await _table.UpdateEntityAsync(new TableEntity("q", "status") { ["V"] = 2 }, first.Headers.ETag!.Value, TableUpdateMode.Replace);
        var batcher = new PartitionBatcher(_table);

        var stale = batcher.SubmitAsync([new TableTransactionAction(TableTransactionActionType.UpdateReplace, new TableEntity("q", "status") { ["V"] = 3 }, first.Headers.ETag!.Value)], CancellationToken.None);
        var fresh = batcher.SubmitAsync([new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("q", "a")), new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("q", "b"))], CancellationToken.None);

        (await fresh).Should().HaveCount(2, "one response per operation of the write").And.OnlyContain(r => r.Headers.ETag.HasValue);
        (await FluentActions.Awaiting(() => stale).Should().ThrowAsync<RequestFailedException>()).Which.Status.Should().Be(412);
        (await _table.GetEntityAsync<TableEntity>("q", "status")).Value.GetInt32("V").Should().Be(2);
    }
}
