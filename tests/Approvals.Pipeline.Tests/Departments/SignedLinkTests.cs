using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Approvals.Pipeline.Departments;
using Approvals.Pipeline.Tests.Pipeline;

namespace Approvals.Pipeline.Tests.Departments;

/// <summary>
/// A back office reads the case file by the signed link its task notification carries: the link names one case and
/// department and expires; an altered or expired link is refused and records nothing.
/// </summary>
public sealed class SignedLinkTests : IClassFixture<WebhookReceiver>, IAsyncLifetime
{
    private readonly WebhookReceiver _receiver;
    private readonly PipelineApp _app = new();

    public SignedLinkTests(WebhookReceiver receiver)
    {
        _receiver = receiver;
        _app.Settings["Departments:health:WebhookUrl"] = receiver.BaseUrl + "/hooks/health";
        _app.Settings["CaseFiles:LinkLifetime"] = "02:00:00";
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task SignedLink_FromTaskNotification_ReadsFileAndDownloadsMaterial_AlteredOrExpiredRefused()
    {
        var driver = new Driver(_app, "applicant-link1");
        var id = await driver.CreateDraftAsync();
        var pdf = TestFiles.Pdf(4000);
        (await driver.UploadAsync(id, "application-form", pdf, "application/pdf", "申请书.pdf")).StatusCode.Should().Be(HttpStatusCode.Created);
        (await driver.UploadAsync(id, "site-photo", TestFiles.Png(), "image/png", "photo.png")).StatusCode.Should().Be(HttpStatusCode.Created);
        (await driver.Http.PostAsync($"/api/applications/{id}/submit", null)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        var notification = await NotificationAsync(id);
        var link = new Uri(notification["caseFileUrl"]!.GetValue<string>());
        var expiresAt = notification["caseFileUrlExpiresAt"]!.GetValue<DateTimeOffset>();
        expiresAt.Should().BeCloseTo(_app.Time.GetUtcNow().AddHours(2), TimeSpan.FromMinutes(1), "CaseFiles:LinkLifetime is 2 hours here");
        link.AbsolutePath.Should().Be(Officers.FilePath(id, "health"));
        link.Query.Should().NotContain("AccountKey").And.NotContain("sv=", "the link carries no storage credential, only the platform's own signature");

        using var backOffice = _app.CreateClient();
        var response = await backOffice.GetAsync(link.PathAndQuery);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var file = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        file["accessedAs"]!.GetValue<string>().Should().Be("backoffice:health");
        var version = file["materials"]!.AsArray().Single(m => m!["materialId"]!.GetValue<string>() == "application-form")!["versions"]![0]!;
        var download = await backOffice.GetAsync(version["href"]!.GetValue<string>());
        download.StatusCode.Should().Be(HttpStatusCode.OK, "the file's material links carry the same signature");
        var bytes = await download.Content.ReadAsByteArrayAsync();
        bytes.Should().Equal(pdf);
        Convert.ToHexStringLower(SHA256.HashData(bytes)).Should().Be(version["sha256"]!.GetValue<string>());

        // Altered: another case, another department, a changed signature or expiry, or a link the platform would not issue.
        var query = System.Web.HttpUtility.ParseQueryString(link.Query);
        var sig = query["sig"]!;
        var expires = long.Parse(query["expires"]!, CultureInfo.InvariantCulture);
        var otherId = await driver.SubmitCompleteCaseAsync();
        var secret = WebhookSignature.SecretBytes(PipelineApp.SecretOf("health"));
        var now = _app.Time.GetUtcNow().ToUnixTimeSeconds();
        var refused = new List<(string Url, string Code)>
        {
            ($"{Officers.FilePath(otherId, "health")}{link.Query}", "link-invalid"),
            ($"{Officers.FilePath(id, "fire-rescue")}{link.Query}", "link-invalid"),
            ($"{link.AbsolutePath}?expires={expires}&sig={(sig[0] == 'A' ? 'B' : 'A')}{sig[1..]}", "link-invalid"),
            ($"{link.AbsolutePath}?expires={expires + 3600}&sig={sig}", "link-invalid"),
            ($"{link.AbsolutePath}?expires={expires}", "link-invalid"),
            // Signed with the department's secret but beyond the lifetime this platform issues: not one of its links.
            ($"{link.AbsolutePath}?{CaseFileLinks.Query(secret, id, "health", now + 30 * 3600)}", "link-invalid"),
            // Expired a second ago, correctly signed.
            ($"{link.AbsolutePath}?{CaseFileLinks.Query(secret, id, "health", now - 1)}", "link-expired"),
            ($"{Officers.FilePath(id, "health")}/materials/application-form/versions/1?{CaseFileLinks.Query(secret, id, "health", now - 1)}", "link-expired"),
        };
        foreach (var (url, code) in refused)
        {
            var answer = await backOffice.GetAsync(url);
            answer.StatusCode.Should().Be(HttpStatusCode.Unauthorized, url);
            (await Officers.ProblemCodeAsync(answer)).Should().Be(code, url);
        }

        // Once the clock passes the expiry, the notification's own link is refused too.
        _app.Time.Advance(expiresAt - _app.Time.GetUtcNow() + TimeSpan.FromSeconds(1));
        var late = await backOffice.GetAsync(link.PathAndQuery);
        late.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await Officers.ProblemCodeAsync(late)).Should().Be("link-expired");

        // The back office asks for a fresh link, signed like its callbacks; a forged request or another department's case is refused.
        (await Officers.ProblemCodeAsync(await FileLinkAsync(backOffice, id, "health", PipelineApp.SecretOf("fire-rescue")))).Should().Be("signature-invalid");
        (await FileLinkAsync(backOffice, Guid.NewGuid().ToString("N"), "health", PipelineApp.SecretOf("health"))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        // A signed request for another case cannot be replayed to this case's route: the body names its case.
        (await FileLinkAsync(backOffice, id, "health", PipelineApp.SecretOf("health"), bodyCaseId: otherId)).StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        var renewed = await FileLinkAsync(backOffice, id, "health", PipelineApp.SecretOf("health"));
        renewed.StatusCode.Should().Be(HttpStatusCode.OK, await renewed.Content.ReadAsStringAsync());
        var fresh = new Uri((await renewed.Content.ReadFromJsonAsync<JsonObject>())!["url"]!.GetValue<string>());
        (await backOffice.GetAsync(fresh.PathAndQuery)).StatusCode.Should().Be(HttpStatusCode.OK);

        // Exactly the three accesses made with a valid link are recorded, as the back office of health.
        var accesses = (await Officers.TimelineAsync(_app, id)).Where(e => e["type"]!.GetValue<string>() == "FileAccessed").ToList();
        accesses.Should().HaveCount(3);
        accesses.Should().OnlyContain(e => e["actor"]!.GetValue<string>() == "backoffice:health" && e["department"]!.GetValue<string>() == "health"
            && Officers.Detail(e, "channel") == "signed-link");
        (await Officers.TimelineAsync(_app, otherId)).Should().NotContain(e => e["type"]!.GetValue<string>() == "FileAccessed");
    }

    private async Task<HttpResponseMessage> FileLinkAsync(HttpClient client, string caseId, string department, string secret, string? bodyCaseId = null)
    {
        var webhookId = "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = _app.Time.GetUtcNow().ToUnixTimeSeconds();
        var body = System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new { caseId = bodyCaseId ?? caseId, departmentId = department }));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/applications/{caseId}/departments/{department}/file-link")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } },
        };
        request.Headers.Add("webhook-id", webhookId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Sign(WebhookSignature.SecretBytes(secret), webhookId, timestamp, body));
        return await client.SendAsync(request);
    }

    private async Task<JsonObject> NotificationAsync(string caseId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var r in _receiver.Received.Where(r => r.Department == "health"))
            {
                var body = System.Text.Json.Nodes.JsonNode.Parse(r.Body)!.AsObject();
                if (body["caseId"]!.GetValue<string>() == caseId)
                {
                    return body;
                }
            }

            await Task.Delay(25);
        }

        throw new TimeoutException($"No task notification for health on case {caseId}.");
    }
}
