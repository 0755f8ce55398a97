using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Approvals.Durable.Core;

namespace Approvals.Durable.Storage;

/// <summary>One episode's effects, committed as a single entity-group transaction.</summary>
internal sealed record EpisodeCommit(
    InstanceState State,
    IReadOnlyList<HistoryRecord> NewEvents,
    IReadOnlyList<string> ConsumedInboxKeys,
    IReadOnlyList<string> DeletedRowKeys,
    bool Insert = false,
    IReadOnlyList<WorkMessage>? NewInbox = null,
    IReadOnlyList<(string InstanceId, WorkMessage Message)>? Deliveries = null);

/// <summary>
/// Reads and writes instance rows. Every write that changes an instance goes through one ETag-guarded transaction
/// in the instance's partition, so a crash between any two storage calls leaves either the previous episode or the
/// next one — never half of one (engine.md point 2).
/// </summary>
internal sealed class InstanceStore(TaskHub hub)
{
    /// <summary>Operations per transaction we allow ourselves (the service allows 100).</summary>
    public const int MaxBatchOperations = 99;

    // Episode commits, creations, inbox inserts and outbox clears of one partition's instances share transactions.
    // The engine's own writes may linger (DurableTaskOptions.CommitLinger) for others to join; a client's are urgent.
    private readonly PartitionBatcher _writes = new(hub.Instances, hub.Options.CommitLinger);

    private TableClient Table => hub.Instances;

    public async Task<InstanceState?> GetStatusAsync(string instanceId, bool withPayloads, CancellationToken ct)
    {
        var pk = Keys.PartitionKey(hub.PartitionOf(instanceId));
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(pk, Keys.Status(instanceId), cancellationToken: ct);
        return response.HasValue ? await InstanceState.FromEntityAsync(response.Value!, hub.Payloads, withPayloads, ct) : null;
    }

    public async Task<List<HistoryRecord>> GetHistoryAsync(string instanceId, string executionId, CancellationToken ct)
    {
        var prefix = Keys.HistoryPrefix(instanceId, executionId);
        var events = new List<HistoryRecord>();
        await foreach (var row in RangeAsync(hub.PartitionOf(instanceId), prefix, ct))
        {
            var json = await PayloadCodec.ReadAsync(row, "E", hub.Payloads, ct);
            events.AddRange(DataConverter.Deserialize<List<HistoryRecord>>(json) ?? []);
        }

        return events;
    }

    public async Task<List<WorkMessage>> GetInboxAsync(string instanceId, CancellationToken ct)
    {
        var messages = new List<WorkMessage>();
        await foreach (var row in RangeAsync(hub.PartitionOf(instanceId), Keys.InboxPrefix(instanceId), ct))
        {
            messages.Add(await ReadMessageAsync(row, ct));
        }

        return messages;
    }

    public async Task<WorkMessage> ReadMessageAsync(TableEntity row, CancellationToken ct)
    {
        var json = await PayloadCodec.ReadAsync(row, "M", hub.Payloads, ct);
        return DataConverter.Deserialize<WorkMessage>(json)! with { InboxRowKey = row.RowKey };
    }

    /// <summary>Commits an episode; returns the status row's new ETag.</summary>
    /// <exception cref="StaleInstanceException">Another writer committed first.</exception>
    public async Task<ETag> CommitAsync(EpisodeCommit commit, CancellationToken ct)
    {
        var state = commit.State;
        var pk = Keys.PartitionKey(hub.PartitionOf(state.InstanceId));
        var actions = new List<TableTransactionAction>(2 + commit.ConsumedInboxKeys.Count + commit.DeletedRowKeys.Count);
        var status = await state.ToEntityAsync(pk, hub.Payloads, ct);
        actions.Add(commit.Insert
            ? new TableTransactionAction(TableTransactionActionType.Add, status)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, status, state.ETag));
        if (commit.NewEvents.Count > 0)
        {
            var row = new TableEntity(pk, Keys.History(state.InstanceId, state.ExecutionId, state.Episodes - 1));
            var json = DataConverter.Serialize(commit.NewEvents)!;
            await PayloadCodec.WriteAsync(row, "E", json, hub.Payloads, () => $"{Keys.Escape(state.InstanceId)}/h/{state.ExecutionId}/{state.Episodes - 1:D6}", PayloadCodec.MaxInlineBytes, ct);
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, row));
        }

        foreach (var m in commit.NewInbox ?? [])
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, await ToMessageEntityAsync(pk, state.InstanceId, m, ct)));
        }

        // Messages to other instances of this partition (a child's completion to its parent) commit with the episode.
        foreach (var (target, m) in commit.Deliveries ?? [])
        {
            if (hub.PartitionOf(target) != hub.PartitionOf(state.InstanceId))
            {
                throw new InvalidOperationException($"'{target}' is not in the partition of '{state.InstanceId}'.");
            }

            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, await ToMessageEntityAsync(pk, target, m, ct)));
        }

        actions.AddRange(commit.ConsumedInboxKeys.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(pk, k), ETag.All)));
        actions.AddRange(commit.DeletedRowKeys.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(pk, k), ETag.All)));
        try
        {
            var response = await _writes.SubmitAsync(actions, ct);
            return response[0].Headers.ETag ?? throw new InvalidOperationException("The table service returned no ETag for the status row.");
        }
        catch (RequestFailedException e) when (StorageErrors.IsConflict(e) || (StorageErrors.IsAlreadyExists(e) && commit.Insert) || StorageErrors.IsNotFound(e))
        {
            // 412: someone else wrote the status row; 404: an inbox row we consumed was already consumed. Either way our view is stale.
            throw new StaleInstanceException(state.InstanceId);
        }
    }

    /// <summary>Creates (or re-creates a terminal) instance with its start message, atomically.</summary>
    /// <returns>
    /// False when a non-terminal instance with that id exists. On success <paramref name="state"/>'s ETag is the
    /// status row's new one, so <paramref name="state"/> equals what is stored and can be handed to the owner as is.
    /// </returns>
    /// <remarks><paramref name="urgent"/>: a client is waiting, so the write never lingers (see <see cref="PartitionBatcher.SubmitAsync"/>).</remarks>
    public async Task<bool> TryCreateAsync(InstanceState state, WorkMessage start, InstanceState? existing, CancellationToken ct, bool urgent = false)
    {
        var pk = Keys.PartitionKey(hub.PartitionOf(state.InstanceId));
        var status = await state.ToEntityAsync(pk, hub.Payloads, ct);
        var message = await ToMessageEntityAsync(pk, state.InstanceId, start, ct);
        var actions = new List<TableTransactionAction>
        {
            existing is null
                ? new TableTransactionAction(TableTransactionActionType.Add, status)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, status, existing.ETag),
            new(TableTransactionActionType.Add, message),
        };
        try
        {
            var response = await _writes.SubmitAsync(actions, ct, urgent);
            state.ETag = response[0].Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException e) when (StorageErrors.IsAlreadyExists(e) || StorageErrors.IsConflict(e))
        {
            return false;
        }
    }

    /// <summary>Puts a message in an instance's inbox. Idempotent: a message id already there is not written twice.</summary>
    /// <remarks><paramref name="urgent"/>: a client is waiting, so the write never lingers (see <see cref="PartitionBatcher.SubmitAsync"/>).</remarks>
    public async Task SendAsync(string instanceId, WorkMessage message, CancellationToken ct, bool urgent = false)
    {
        var pk = Keys.PartitionKey(hub.PartitionOf(instanceId));
        var entity = await ToMessageEntityAsync(pk, instanceId, message, ct);
        try
        {
            await _writes.SubmitAsync([new TableTransactionAction(TableTransactionActionType.Add, entity)], ct, urgent);
        }
        catch (RequestFailedException e) when (StorageErrors.IsAlreadyExists(e))
        {
            // Re-send after a crash: the first copy is still waiting.
        }
    }

    /// <summary>
    /// Clears the outbox flag of a finished instance whose messages were all sent, in a transaction shared with other
    /// instances' clears, without waiting for it. Until it lands the flag still says "re-send on recovery", which is
    /// only redundant (receivers drop duplicates by message id). A conflict means someone else has written the row
    /// since (a re-created instance, a new owner): then the flag is theirs and is left alone.
    /// </summary>
    public void ClearOutboxLater(InstanceState state)
    {
        var pk = Keys.PartitionKey(hub.PartitionOf(state.InstanceId));
        var entity = new TableEntity(pk, Keys.Status(state.InstanceId)) { ["Outbox"] = false };
        _ = _writes.SubmitAsync([new TableTransactionAction(TableTransactionActionType.UpdateMerge, entity, state.ETag)], CancellationToken.None)
            .ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    public async Task<ETag> ClearOutboxAsync(InstanceState state, CancellationToken ct)
    {
        var pk = Keys.PartitionKey(hub.PartitionOf(state.InstanceId));
        var entity = new TableEntity(pk, Keys.Status(state.InstanceId)) { ["Outbox"] = false };
        try
        {
            var response = await Table.UpdateEntityAsync(entity, state.ETag, TableUpdateMode.Merge, ct);
            return response.Headers.ETag ?? state.ETag;
        }
        catch (RequestFailedException e) when (StorageErrors.IsConflict(e) || StorageErrors.IsNotFound(e))
        {
            throw new StaleInstanceException(state.InstanceId);
        }
    }

    public async Task DeleteInboxRowsAsync(string instanceId, IReadOnlyList<string> rowKeys, CancellationToken ct)
    {
        var pk = Keys.PartitionKey(hub.PartitionOf(instanceId));
        foreach (var chunk in rowKeys.Chunk(MaxBatchOperations))
        {
            try
            {
                await Table.SubmitTransactionAsync(chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(pk, k), ETag.All)), ct);
            }
            catch (RequestFailedException e) when (StorageErrors.IsNotFound(e))
            {
                throw new StaleInstanceException(instanceId);
            }
        }
    }

    /// <summary>Rows of one partition whose keys start with <paramref name="prefix"/>: a key-range query, never a scan.</summary>
    public AsyncPageable<TableEntity> RangeAsync(int partition, string prefix, CancellationToken ct, string? extraFilter = null, int? pageSize = null, IEnumerable<string>? select = null)
    {
        var pk = Keys.PartitionKey(partition);
        var upper = Keys.UpperBound(prefix);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {prefix} and RowKey lt {upper}");
        if (extraFilter is not null)
        {
            filter = $"{filter} and ({extraFilter})";
        }

        return Table.QueryAsync<TableEntity>(filter, pageSize, select, ct);
    }

    /// <summary>Deletes every row of an instance (status, all executions' history, inbox) and its blobs.</summary>
    public async Task DeleteInstanceAsync(string instanceId, CancellationToken ct)
    {
        var partition = hub.PartitionOf(instanceId);
        var pk = Keys.PartitionKey(partition);
        var keys = new List<string>();
        await foreach (var row in RangeAsync(partition, Keys.InstanceHistoryPrefix(instanceId), ct, select: ["RowKey"]))
        {
            keys.Add(row.RowKey);
        }

        await foreach (var row in RangeAsync(partition, Keys.InboxPrefix(instanceId), ct, select: ["RowKey"]))
        {
            keys.Add(row.RowKey);
        }

        // History first, status last: a crash midway leaves a status row, so the purge can simply be repeated.
        keys.Add(Keys.Status(instanceId));
        foreach (var chunk in keys.Chunk(MaxBatchOperations))
        {
            await Table.SubmitTransactionAsync(chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(pk, k), ETag.All)), ct);
        }

        await foreach (var blob in hub.Payloads.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = $"{Keys.Escape(instanceId)}/" }, ct))
        {
            await hub.Payloads.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: ct);
        }
    }

    private async Task<TableEntity> ToMessageEntityAsync(string pk, string instanceId, WorkMessage message, CancellationToken ct)
    {
        var entity = new TableEntity(pk, Keys.Inbox(instanceId, message.MessageId));
        await PayloadCodec.WriteAsync(entity, "M", DataConverter.Serialize(message), hub.Payloads, () => $"{Keys.Escape(instanceId)}/i/{message.MessageId}", PayloadCodec.MaxInlineBytes, ct);
        return entity;
    }

    /// <summary>Status rows of a partition, optionally filtered, as an async stream.</summary>
    public async IAsyncEnumerable<InstanceState> StatusRowsAsync(int partition, string? filter, bool withPayloads, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var row in RangeAsync(partition, "S|", ct, filter))
        {
            yield return await InstanceState.FromEntityAsync(row, hub.Payloads, withPayloads, ct);
        }
    }
}
