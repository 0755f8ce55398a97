using Approvals.Durable.Storage;
using Azure;
using Azure.Data.Tables;
using FluentAssertions;
using Xunit;

namespace Approvals.Durable.Tests;

/// <summary>Writes sharing a transaction get exactly the outcome each would have had alone.</summary>
public sealed class PartitionBatcherTests : IAsyncLifetime
{
    private static readonly StorageConnection Storage = StorageConnection.Create(EngineHost.Azurite);
    private readonly TableClient _table = Storage.Tables.GetTableClient(EngineHost.NewHubName("pb"));

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

    [Fact]
    public async Task SubmitAsync_WritesMergingIntoOneSummaryRow_ShareTransactionsAndTheRowGetsEveryProperty()
    {
        var batcher = new PartitionBatcher(_table);
        var before = Storage.RequestCounter.Tables;

        // Each write inserts its own row and upserts its copy into one shared row (as the case view row is kept).
        var writes = Enumerable.Range(0, 10).Select(i => batcher.SubmitAsync(
        [
            new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("s", $"row{i}") { ["V"] = i }),
            new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity("s", "summary") { [$"P{i}"] = i, ["Last"] = i }),
        ], CancellationToken.None)).ToList();
        var responses = await Task.WhenAll(writes);

        responses.Should().OnlyContain(r => r.Count == 2, "one response per operation of each write");
        (Storage.RequestCounter.Tables - before).Should().BeLessThan(10, "upsert-merges of one row no longer keep writes out of a shared transaction");
        var summary = (await _table.GetEntityAsync<TableEntity>("s", "summary")).Value;
        Enumerable.Range(0, 10).Select(i => summary.GetInt32($"P{i}")).Should().Equal(Enumerable.Range(0, 10).Select(i => (int?)i));
        summary.GetInt32("Last").Should().Be(9, "folded in submission order, the last write's value wins as it would one by one");
        var rows = new List<TableEntity>();
        await foreach (var e in _table.QueryAsync<TableEntity>(e => e.PartitionKey == "s" && e.RowKey != "summary"))
        {
            rows.Add(e);
        }

        rows.Should().HaveCount(10);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(200, true)]
    public async Task SubmitAsync_WritesArrivingApartAtAnIdlePartition_ShareOneTransactionOnlyWhenLingering(int lingerMs, bool shared)
    {
        var batcher = new PartitionBatcher(_table, TimeSpan.FromMilliseconds(lingerMs));
        var partition = $"l{lingerMs}";
        var before = Storage.RequestCounter.Tables;

        // Five writes 10 ms apart: without a linger the first finds the partition idle and goes out alone.
        var writes = new List<Task<IReadOnlyList<Response>>>();
        for (var i = 0; i < 5; i++)
        {
            writes.Add(batcher.SubmitAsync([new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, $"r{i}"))], CancellationToken.None));
            await Task.Delay(10);
        }

        await Task.WhenAll(writes);
        var transactions = Storage.RequestCounter.Tables - before;
        if (shared)
        {
            transactions.Should().Be(1, "the first write waited 200 ms for the others");
        }
        else
        {
            transactions.Should().BeGreaterThan(1, "the first write went out at once");
        }

        var stored = 0;
        await foreach (var _ in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition))
        {
            stored++;
        }

        stored.Should().Be(5);
    }

    [Fact]
    public async Task SubmitAsync_UrgentWriteDuringALinger_EndsItAndTakesTheLingeringWritesAlong()
    {
        // A linger far longer than the test: only the urgent write can have ended it.
        var batcher = new PartitionBatcher(_table, TimeSpan.FromSeconds(30));
        var before = Storage.RequestCounter.Tables;
        var lingering = Enumerable.Range(0, 3)
            .Select(i => batcher.SubmitAsync([new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("urgent", $"r{i}"))], CancellationToken.None))
            .ToList();
        await Task.Delay(50);
        lingering.Should().OnlyContain(w => !w.IsCompleted, "they wait for others to join");

        var urgent = batcher.SubmitAsync([new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("urgent", "now"))], CancellationToken.None, urgent: true);
        var all = Task.WhenAll(lingering.Append(urgent));
        (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(10)))).Should().BeSameAs(all, "the urgent write ended the linger");
        (Storage.RequestCounter.Tables - before).Should().Be(1, "the lingering writes went in the urgent one's transaction");

        // An urgent write at an idle partition does not linger at all.
        var alone = batcher.SubmitAsync([new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("urgent", "alone"))], CancellationToken.None, urgent: true);
        (await Task.WhenAny(alone, Task.Delay(TimeSpan.FromSeconds(10)))).Should().BeSameAs(alone);
    }

    [Fact]
    public async Task SubmitAsync_ServiceUnreachableForASharedTransaction_EveryWriteFailsAndThePartitionKeepsWorking()
    {
        // Nothing listens on port 1: after its retries the SDK throws an AggregateException, not a RequestFailedException.
        var options = new TableClientOptions();
        (options.Retry.MaxRetries, options.Retry.Delay) = (2, TimeSpan.FromMilliseconds(1));
        var unreachable = new TableClient(new Uri("http://127.0.0.1:1/devstoreaccount1"), "nowhere", new TableSharedKeyCredential("devstoreaccount1", Convert.ToBase64String(new byte[64])), options);
        var batcher = new PartitionBatcher(unreachable, TimeSpan.FromMilliseconds(50));

        var writes = Enumerable.Range(0, 3)
            .Select(i => batcher.SubmitAsync([new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("down", $"r{i}"))], CancellationToken.None))
            .ToList();
        var all = Task.WhenAll(writes);
        (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(20)))).Should().BeSameAs(all, "every write gets an outcome");
        writes.Should().OnlyContain(w => w.IsFaulted);

        // The partition's queue did not stop: a later write is attempted and fails too, rather than waiting forever.
        var later = batcher.SubmitAsync([new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("down", "later"))], CancellationToken.None);
        (await Task.WhenAny(later, Task.Delay(TimeSpan.FromSeconds(20)))).Should().BeSameAs(later);
        later.IsFaulted.Should().BeTrue();
    }
}
