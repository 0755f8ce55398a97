using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Approvals.Pipeline.Tests.Pipeline;

/// <summary>Memory is measured for the whole process: this class runs alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(MeasuresProcessMemory), DisableParallelization = true)]
public sealed class MeasuresProcessMemory;

/// <summary>A 200 MB material streams through: the host never holds it in memory.</summary>
[Collection(nameof(MeasuresProcessMemory))]
public sealed class LargeUploadTests(KestrelPipelineApp app) : IClassFixture<KestrelPipelineApp>
{
    private const long Size = 200L * 1000 * 1000;
    private const long MaxGrowth = 64L * 1024 * 1024;

    [Fact]
    public async Task Upload_200MB_CompletesWithMemoryGrowthUnder64MB()
    {
        var driver = new Driver(app, "applicant-big");
        var id = await driver.CreateDraftAsync();
        // Warm up the upload path so one-off allocations (pipelines, pools, JIT) are not counted as growth.
        (await driver.UploadAsync(id, "big-archive", new ByteArrayContent(TestFiles.Pdf(1024 * 1024)), "application/pdf", "warmup.pdf")).StatusCode.Should().Be(HttpStatusCode.Created);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var baselineHeap = GC.GetTotalMemory(true);
        var baselineWorkingSet = process.WorkingSet64;
        long peakHeap = 0, peakWorkingSet = 0;
        using var done = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                process.Refresh();
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
                peakWorkingSet = Math.Max(peakWorkingSet, process.WorkingSet64);
                await Task.Delay(20);
            }
        });

        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var watch = Stopwatch.StartNew();
        // A plain HttpClient on the socket: the factory's client buffers request bodies in the test process.
        using var http = new HttpClient { BaseAddress = driver.Http.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = driver.Http.DefaultRequestHeaders.Authorization;
        var content = new StreamContent(new GeneratedStream(Size), 1024 * 1024);
        content.Headers.ContentType = new("application/pdf");
        content.Headers.ContentDisposition = new("attachment") { FileName = "drawings.pdf" };
        var response = await http.PutAsync($"/api/applications/{id}/materials/big-archive", content);
        watch.Stop();
        await done.CancelAsync();
        await sampler;

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var stored = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        stored["size"]!.GetValue<long>().Should().Be(Size);
        stored["version"]!.GetValue<int>().Should().Be(2);
        Console.WriteLine($"200 MB upload: heap +{(peakHeap - baselineHeap) / 1048576} MB, ws +{(peakWorkingSet - baselineWorkingSet) / 1048576} MB, allocated {(GC.GetTotalAllocatedBytes() - allocatedBefore) / 1048576} MB, {watch.Elapsed}");
        (peakHeap - baselineHeap).Should().BeLessThan(MaxGrowth, $"managed heap grew {(peakHeap - baselineHeap) / 1048576} MB in {watch.Elapsed}");
        (peakWorkingSet - baselineWorkingSet).Should().BeLessThan(MaxGrowth, $"working set grew {(peakWorkingSet - baselineWorkingSet) / 1048576} MB in {watch.Elapsed}");
        var sizes = new List<long?>();
        await foreach (var blob in app.Storage.Materials.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, id + "/big-archive/", CancellationToken.None))
        {
            sizes.Add(blob.Properties.ContentLength);
        }

        sizes.Should().Contain(Size);
    }
}
