using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Approvals.Durable.Worker;

/// <summary>
/// The hosted worker: holds partition leases in <c>{Hub}Partitions</c> and runs a <see cref="PartitionProcessor"/>
/// for each owned partition. Leases live on the wall clock (never the injected test clock), last
/// <see cref="DurableTaskOptions.LeaseTtl"/> and are renewed every third of it; hosts heartbeat in the same table and
/// each takes its fair share (⌈partitions / live hosts⌉), releasing extras when more hosts appear. A killed host's
/// leases expire and move to the survivors; a restarted host with the same <see cref="DurableTaskOptions.HostId"/>
/// takes its own leases back at once.
/// </summary>
internal sealed partial class DurableTaskWorker(EngineContext engine, DurableTaskWorkerStatus status, ILogger<DurableTaskWorker> logger) : BackgroundService
{
    private const string LeasePk = "lease";
    private const string HostPk = "host";
    private readonly SemaphoreSlim _episodeSlots = new(engine.Options.MaxConcurrentEpisodes);
    private readonly Dictionary<int, ETag> _leaseTags = [];

    private TableClient Table => engine.Hub.Partitions;

    private string Me => engine.Options.HostId;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!engine.Options.WorkerEnabled)
        {
            return;
        }

        engine.Activities.ShutdownToken = stoppingToken;
        status.PartitionCount = engine.Hub.PartitionCount;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await engine.Hub.EnsureCreatedAsync(stoppingToken);
                status.IsStarted = true;
                await BalanceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogLeaseLoopFailed(logger, e);
            }

            var period = engine.Options.LeaseTtl / 3;
            await Task.Delay(period, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var p in engine.LocalPartitions.Keys.ToList())
        {
            await ReleaseAsync(p, cancellationToken);
        }

        try
        {
            await Table.DeleteEntityAsync(HostPk, Me, ETag.All, cancellationToken);
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException or OperationCanceledException)
        {
            // Storage unreachable (the SDK's retries end in an AggregateException) or shutdown cut short: the host
            // row expires on its own; a stop never fails because of it.
        }

        status.SetOwned([]);
    }

    private async Task BalanceAsync(CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var ttl = engine.Options.LeaseTtl;
        await Table.UpsertEntityAsync(new TableEntity(HostPk, Me) { ["Expires"] = now + ttl }, TableUpdateMode.Replace, ct);
        var hosts = 0;
        var leases = new Dictionary<int, TableEntity>();
        await foreach (var row in Table.QueryAsync<TableEntity>(cancellationToken: ct))
        {
            if (row.PartitionKey == HostPk && row.GetDateTimeOffset("Expires") > now)
            {
                hosts++;
            }
            else if (row.PartitionKey == LeasePk && int.TryParse(row.RowKey.AsSpan(1), out var p))
            {
                leases[p] = row;
            }
        }

        var target = (int)Math.Ceiling(engine.Hub.PartitionCount / (double)Math.Max(1, hosts));

        foreach (var p in engine.LocalPartitions.Keys.ToList())
        {
            if (!leases.TryGetValue(p, out var lease) || lease.GetString("Owner") != Me || !await TryWriteLeaseAsync(p, lease.ETag, Me, now + ttl, ct))
            {
                LogPartitionLost(logger, p);
                await StopProcessorAsync(p);
            }
        }

        foreach (var p in engine.LocalPartitions.Keys.Order().Skip(target).ToList())
        {
            await ReleaseAsync(p, ct);
        }

        for (var p = 0; p < engine.Hub.PartitionCount && engine.LocalPartitions.Count < target; p++)
        {
            if (engine.LocalPartitions.ContainsKey(p))
            {
                continue;
            }

            var free = !leases.TryGetValue(p, out var lease)
                || lease.GetString("Owner") is null or "" || lease.GetString("Owner") == Me
                || lease.GetDateTimeOffset("Expires") < now;
            if (free && await TryWriteLeaseAsync(p, lease?.ETag, Me, now + ttl, ct))
            {
                LogPartitionAcquired(logger, p, Me);
                var processor = new PartitionProcessor(p, engine, _episodeSlots);
                engine.LocalPartitions[p] = processor;
                processor.Start();
            }
        }

        status.SetOwned(engine.LocalPartitions.Keys);
    }

    private async Task<bool> TryWriteLeaseAsync(int p, ETag? etag, string owner, DateTimeOffset expires, CancellationToken ct)
    {
        var entity = new TableEntity(LeasePk, $"p{p:D2}") { ["Owner"] = owner, ["Expires"] = expires };
        try
        {
            var response = etag is { } tag
                ? await Table.UpdateEntityAsync(entity, tag, TableUpdateMode.Replace, ct)
                : await Table.AddEntityAsync(entity, ct);
            _leaseTags[p] = response.Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException e) when (Storage.StorageErrors.IsConflict(e) || Storage.StorageErrors.IsAlreadyExists(e))
        {
            return false; // another host got there first
        }
    }

    private async Task ReleaseAsync(int p, CancellationToken ct)
    {
        await StopProcessorAsync(p);
        if (_leaseTags.TryGetValue(p, out var tag))
        {
            await TryWriteLeaseAsync(p, tag, "", DateTimeOffset.UtcNow, ct);
            LogPartitionReleased(logger, p);
        }
    }

    private async Task StopProcessorAsync(int p)
    {
        if (engine.LocalPartitions.TryRemove(p, out var processor))
        {
            await processor.StopAsync();
        }

        status.SetOwned(engine.LocalPartitions.Keys);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Partition {Partition} acquired by {HostId}")]
    private static partial void LogPartitionAcquired(ILogger logger, int partition, string hostId);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Partition {Partition} released")]
    private static partial void LogPartitionReleased(ILogger logger, int partition);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Partition {Partition} lost (lease taken or expired)")]
    private static partial void LogPartitionLost(ILogger logger, int partition);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Partition lease loop failed")]
    private static partial void LogLeaseLoopFailed(ILogger logger, Exception e);
}
