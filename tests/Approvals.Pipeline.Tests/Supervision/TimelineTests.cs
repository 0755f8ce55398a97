using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Approvals.Pipeline.Supervision;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;

namespace Approvals.Pipeline.Tests.Supervision;

public sealed class TimelineTests(SupervisionHost host) : IClassFixture<SupervisionHost>
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task AppendAsync_ThreeEvents_LinksHashesAndServesValidChain()
    {
        var caseId = SupervisionHost.NewCaseId();
        var first = await Append(caseId, "k1", "Submitted", details: new Dictionary<string, string?> { ["申请人"] = "张三", ["note"] = null });
        var second = await Append(caseId, "k2", "Accepted", clock: new TimelineClock("Running", new DateOnly(2026, 12, 4), 0, 10, null));
        var third = await Append(caseId, "k3", "DepartmentNotified", department: "market");

        first.Seq.Should().Be(1);
        first.PrevHash.Should().Be(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("genesis:" + caseId))));
        second.PrevHash.Should().Be(first.Hash);
        third.PrevHash.Should().Be(second.Hash);
        third.Seq.Should().Be(3);

        using var client = host.Client();
        var timeline = await client.GetFromJsonAsync<JsonElement>($"/api/supervision/applications/{caseId}/timeline", _ct);
        timeline.GetProperty("chainValid").GetBoolean().Should().BeTrue();
        timeline.GetProperty("caseNumber").GetString().Should().Be("CN-" + caseId[..6]);
        var entries = timeline.GetProperty("entries").EnumerateArray().ToList();
        entries.Select(e => e.GetProperty("seq").GetInt64()).Should().Equal(1, 2, 3);
        entries[0].GetProperty("details").GetProperty("申请人").GetString().Should().Be("张三");
        entries[1].GetProperty("clock").GetProperty("dueDate").GetString().Should().Be("2026-12-04");
        entries[2].GetProperty("department").GetString().Should().Be("market");
        entries[2].GetProperty("hash").GetString().Should().Be(third.Hash);
    }

    [Fact]
    public void Compute_KnownFields_IsSha256OfNetstrings()
    {
        // The documented encoding, recomputed independently of TimelineHash.
        string[] fields = ["approvals-timeline-v1", "7", "2026-11-23T01:00:00.0000000Z", "Accepted", "service-centre", "", "{\"a\":\"中\"}", "", "ab"];
        var encoded = string.Concat(fields.Select(f => $"{Encoding.UTF8.GetByteCount(f)}:{f},"));
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(encoded)));

        TimelineHash.Compute(7, "2026-11-23T01:00:00.0000000Z", "Accepted", "service-centre", null, "{\"a\":\"中\"}", null, "ab").Should().Be(expected);
        TimelineHash.DetailsJson(new Dictionary<string, string?> { ["b"] = "2", ["a"] = "中" }).Should().Be("{\"a\":\"中\",\"b\":\"2\"}");
    }

    [Fact]
    public async Task AppendAsync_SameIdempotencyKeyTwice_AppendsOnceAndReturnsFirstEntry()
    {
        var caseId = SupervisionHost.NewCaseId();
        var first = await Append(caseId, "activity-42", "Submitted");
        var again = await Append(caseId, "activity-42", "Submitted");
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Append(caseId, "activity-43", "Accepted")));

        again.Should().BeEquivalentTo(first);
        concurrent.Select(e => e.Seq).Distinct().Should().Equal(2);
        var read = await host.Services.GetRequiredService<TimelineStore>().ReadAsync(caseId, _ct);
        read!.Entries.Select(e => e.Seq).Should().Equal(1, 2);
        read.ChainValid.Should().BeTrue();
    }

    [Fact]
    public async Task AppendAsync_TwentyInParallel_SeqsOneToTwentyWithoutGapsAndChainValid()
    {
        var caseId = SupervisionHost.NewCaseId();
        var appended = await Task.WhenAll(Enumerable.Range(1, 20).Select(i => Append(caseId, "parallel-" + i, "DepartmentDecided", department: "d" + i)));

        appended.Select(e => e.Seq).Order().Should().Equal(Enumerable.Range(1, 20).Select(i => (long)i));
        var read = await host.Services.GetRequiredService<TimelineStore>().ReadAsync(caseId, _ct);
        read!.ChainValid.Should().BeTrue();
        read.Entries.Should().HaveCount(20);
        read.Entries.Select(e => e.DepartmentId).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task AppendAsync_ManyCasesAtOnceInSharedShards_EveryChainGapFreeAndValid()
    {
        // 40 cases over the shards: appends of different cases in one shard share transactions. One case's head is
        // moved behind this store's cache by another store, so a transaction it shares fails and each is retried alone.
        var store = host.Services.GetRequiredService<TimelineStore>();
        var elsewhere = ActivatorUtilities.CreateInstance<TimelineStore>(host.Services);
        var cases = Enumerable.Range(0, 40).Select(_ => SupervisionHost.NewCaseId()).ToList();
        cases.Select(TimelineKeys.Partition).Distinct().Count().Should().BeLessThan(cases.Count, "several cases share a shard");
        await Task.WhenAll(cases.Select(c => Append(c, "first", "Submitted")));
        await AppendTo(elsewhere, cases[7], "moved", "Accepted");
        await Task.WhenAll(cases.SelectMany(c => Enumerable.Range(1, 4).Select(i => Append(c, "n" + i, "DepartmentNotified", department: "d" + i))));

        foreach (var c in cases)
        {
            var read = await store.ReadAsync(c, _ct);
            read!.ChainValid.Should().BeTrue();
            read.Entries.Select(e => e.Seq).Should().Equal(Enumerable.Range(1, c == cases[7] ? 6 : 5).Select(i => (long)i), "seqs of case {0} are gap-free and unique", c);
        }
    }

    [Fact]
    public async Task AppendAsync_AnotherProcessAppendedMeanwhile_CachedHeadReplacedAndChainStaysGapFree()
    {
        // A second store stands for another host process: its own cache, the same table.
        var caseId = SupervisionHost.NewCaseId();
        var here = host.Services.GetRequiredService<TimelineStore>();
        var elsewhere = ActivatorUtilities.CreateInstance<TimelineStore>(host.Services);
        var first = await Append(caseId, "h1", "Submitted");                      // caches the head here
        var second = await AppendTo(elsewhere, caseId, "e1", "Accepted");        // moves the head behind our cache
        var third = await Append(caseId, "h2", "DepartmentNotified");            // stale cache: must re-read, not fork
        var again = await AppendTo(elsewhere, caseId, "h2", "DepartmentNotified"); // same key elsewhere: the first entry

        new[] { first.Seq, second.Seq, third.Seq }.Should().Equal(1, 2, 3);
        third.PrevHash.Should().Be(second.Hash);
        again.Should().BeEquivalentTo(third);
        var read = await here.ReadAsync(caseId, _ct);
        read!.ChainValid.Should().BeTrue();
        read.Entries.Select(e => e.Seq).Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task GetTimeline_RowEditedInTable_ChainInvalidNamingTheSeq()
    {
        var caseId = SupervisionHost.NewCaseId();
        for (var i = 1; i <= 5; i++)
        {
            await Append(caseId, "t" + i, "Event" + i, actor: "officer:market:li");
        }

        // Someone with table access rewrites who acted at seq 3.
        var row = (await host.TimelineTable.GetEntityAsync<TableEntity>(TimelineKeys.Partition(caseId), TimelineKeys.Entry(caseId, 3), cancellationToken: _ct)).Value;
        row["Actor"] = "officer:market:wang";
        await host.TimelineTable.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, _ct);

        using var client = host.Client();
        var timeline = await client.GetFromJsonAsync<JsonElement>($"/api/supervision/applications/{caseId}/timeline", _ct);
        timeline.GetProperty("chainValid").GetBoolean().Should().BeFalse();
        timeline.GetProperty("brokenAtSeq").GetInt64().Should().Be(3);
        timeline.GetProperty("failure").GetString().Should().Be("hash-mismatch");
    }

    [Fact]
    public async Task ReadAsync_HashRecomputedAfterEdit_NextLinkBreaks()
    {
        var caseId = SupervisionHost.NewCaseId();
        for (var i = 1; i <= 4; i++)
        {
            await Append(caseId, "t" + i, "Event" + i);
        }

        var row = (await host.TimelineTable.GetEntityAsync<TimelineRow>(TimelineKeys.Partition(caseId), TimelineKeys.Entry(caseId, 2), cancellationToken: _ct)).Value;
        row.Type = "Approved";
        row.Hash = row.Recompute();
        await host.TimelineTable.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, _ct);

        var read = await host.Services.GetRequiredService<TimelineStore>().ReadAsync(caseId, _ct);
        read!.ChainValid.Should().BeFalse();
        read.BrokenAtSeq.Should().Be(3);
        read.Failure.Should().Be("prev-hash-mismatch");
    }

    [Fact]
    public async Task ReadAsync_WhileEntriesAreAppended_EveryReadShowsAValidChain()
    {
        // A supervisor's page reads a running case's timeline while its steps append: an append that lands between
        // the read's requests must not show as a broken chain.
        var caseId = SupervisionHost.NewCaseId();
        await Append(caseId, "first", "Submitted");
        var store = host.Services.GetRequiredService<TimelineStore>();
        var writing = Task.Run(async () =>
        {
            for (var i = 0; i < 60; i++)
            {
                await Append(caseId, "live-" + i, "DepartmentNotified");
            }
        });
        var reads = 0;
        while (!writing.IsCompleted)
        {
            var read = await store.ReadAsync(caseId, _ct);
            read!.ChainValid.Should().BeTrue($"read {reads} saw {read.Entries.Count} entries: {read.Failure} at {read.BrokenAtSeq}");
            reads++;
        }

        await writing;
        reads.Should().BeGreaterThan(5, "the reads overlapped the appends");
        (await store.ReadAsync(caseId, _ct))!.Entries.Should().HaveCount(61);
    }

    [Fact]
    public async Task ReadAsync_LastEntryDeleted_Truncated()
    {
        var caseId = SupervisionHost.NewCaseId();
        for (var i = 1; i <= 3; i++)
        {
            await Append(caseId, "t" + i, "Event" + i);
        }

        await host.TimelineTable.DeleteEntityAsync(TimelineKeys.Partition(caseId), TimelineKeys.Entry(caseId, 3), cancellationToken: _ct);

        var read = await host.Services.GetRequiredService<TimelineStore>().ReadAsync(caseId, _ct);
        read!.ChainValid.Should().BeFalse();
        read.BrokenAtSeq.Should().Be(3);
        read.Failure.Should().Be("truncated");
    }

    [Fact]
    public async Task ReadAsync_FinishedChainRewrittenWholesale_AnchorMismatch()
    {
        var caseId = SupervisionHost.NewCaseId();
        await Append(caseId, "t1", "Submitted");
        await Append(caseId, "t2", "DepartmentDecided");
        await Append(caseId, "t3", "Published");   // final: anchored outside the table

        // A forger rewrites seq 2 and recomputes every later hash and the head: the table alone looks consistent.
        var pk = TimelineKeys.Partition(caseId);
        var prev = (await host.TimelineTable.GetEntityAsync<TimelineRow>(pk, TimelineKeys.Entry(caseId, 1), cancellationToken: _ct)).Value.Hash;
        for (var seq = 2; seq <= 3; seq++)
        {
            var row = (await host.TimelineTable.GetEntityAsync<TimelineRow>(pk, TimelineKeys.Entry(caseId, seq), cancellationToken: _ct)).Value;
            row.Actor = seq == 2 ? "officer:market:forged" : row.Actor;
            row.PrevHash = prev;
            row.Hash = row.Recompute();
            prev = row.Hash;
            await host.TimelineTable.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, _ct);
        }

        var head = (await host.TimelineTable.GetEntityAsync<TimelineHeadRow>(pk, TimelineKeys.Head(caseId), cancellationToken: _ct)).Value;
        head.LastHash = prev;
        await host.TimelineTable.UpdateEntityAsync(head, head.ETag, TableUpdateMode.Replace, _ct);

        var read = await host.Services.GetRequiredService<TimelineStore>().ReadAsync(caseId, _ct);
        read!.AnchoredSeq.Should().Be(3);
        read.ChainValid.Should().BeFalse();
        read.Failure.Should().Be("anchor-mismatch");
        read.BrokenAtSeq.Should().Be(3);
    }

    [Fact]
    public async Task GetTimeline_UnknownCase_404Problem()
    {
        using var client = host.Client();
        var response = await client.GetAsync($"/api/supervision/applications/{SupervisionHost.NewCaseId()}/timeline", _ct);
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("applicant", HttpStatusCode.Forbidden)]
    [InlineData("officer", HttpStatusCode.Forbidden)]
    public async Task GetTimeline_NotASupervisor_Refused(string? role, HttpStatusCode expected)
    {
        var caseId = SupervisionHost.NewCaseId();
        await Append(caseId, "t1", "Submitted");
        using var client = host.Client(role);
        var response = await client.GetAsync($"/api/supervision/applications/{caseId}/timeline", _ct);
        response.StatusCode.Should().Be(expected);
    }

    private Task<TimelineEntry> Append(string caseId, string key, string type, string actor = "system", string? department = null,
        IReadOnlyDictionary<string, string?>? details = null, TimelineClock? clock = null) =>
        host.Recorder.AppendAsync(new TimelineAppend(caseId, "CN-" + caseId[..6], key, host.Time.GetUtcNow(), type, actor, department, details, clock), _ct);

    private Task<TimelineEntry> AppendTo(TimelineStore store, string caseId, string key, string type) =>
        store.AppendAsync(new TimelineAppend(caseId, "CN-" + caseId[..6], key, host.Time.GetUtcNow(), type, "system", null, null, null), _ct);
}
