using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Approvals.Licensing.Applicants;
using Approvals.Pipeline.Supervision;

namespace Approvals.Pipeline.Tests.Supervision;

public sealed class RegisterAndComplaintTests(SupervisionHost host) : IClassFixture<SupervisionHost>
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Theory]
    [InlineData("张三", "张*")]
    [InlineData("张", "张*")]
    [InlineData("欧阳娜娜", "欧***")]
    [InlineData("迪丽热巴·迪力木拉提", "迪*********")]
    [InlineData("  Li Wei ", "L*****")]
    [InlineData("110101199003071234", "******************")]
    [InlineData("", "*")]
    public void Name_Person_FirstCharacterKeptEveryOtherMasked(string name, string expected) =>
        Masking.Name(name, ApplicantKind.Individual).Should().Be(expected);

    [Theory]
    [InlineData("星巴克")]
    [InlineData("上海味道餐饮管理有限公司")]
    public void Name_Organisation_Whole(string name) =>
        Masking.Name(name, ApplicantKind.Organisation).Should().Be(name);

    [Fact]
    public async Task GetRegister_TwentyFiveDecisions_PagesNewestFirstWithMaskedNamesAnonymously()
    {
        // The register is shared by the class: this is the only test that publishes.
        var published = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            var caseId = SupervisionHost.NewCaseId();
            var entry = new RegisterEntry(caseId, $"310000-20261123-FS-{i:D6}-0", "food", "食品经营许可", "王小明" + i, i % 3 == 0 ? "Rejected" : "Approved",
                SupervisionHost.Start.AddMinutes(i), i % 3 == 0 ? null : "FS" + i);
            await host.Recorder.PublishDecisionAsync(entry, _ct);
            await host.Recorder.PublishDecisionAsync(entry, _ct);   // re-run of the activity
            published.Add(entry.CaseNumber);
        }

        using var anonymous = host.Client(role: null);
        var seen = new List<JsonElement>();
        string? token = null;
        var pages = 0;
        do
        {
            var response = await anonymous.GetAsync("/api/public/register?pageSize=10" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)), _ct);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            var raw = await response.Content.ReadAsStringAsync(_ct);
            raw.Should().NotContain("王小明").And.NotContain("小明");
            var page = JsonDocument.Parse(raw).RootElement.Clone();
            seen.AddRange(page.GetProperty("items").EnumerateArray());
            token = page.GetProperty("continuationToken").GetString();
            pages++;
        }
        while (token is not null);

        pages.Should().Be(3);
        seen.Select(e => e.GetProperty("caseNumber").GetString()).Should().Equal(Enumerable.Reverse(published));
        seen.Should().OnlyContain(e => System.Text.RegularExpressions.Regex.IsMatch(e.GetProperty("applicant").GetString()!, @"^王\*{3,4}$"));
        seen[0].GetProperty("licenceNumber").ValueKind.Should().Be(JsonValueKind.Null);
        seen[1].GetProperty("licenceNumber").GetString().Should().Be("FS23");
        seen.First().TryGetProperty("caseId", out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("pageSize=0", "invalid-page-size")]
    [InlineData("pageSize=101", "invalid-page-size")]
    [InlineData("continuationToken=***", "invalid-continuation-token")]
    public async Task GetRegister_BadPaging_400Problem(string query, string code)
    {
        using var anonymous = host.Client(role: null);
        var response = await anonymous.GetAsync("/api/public/register?" + query, _ct);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>(_ct)).GetProperty("code").GetString().Should().Be(code);
    }

    [Fact]
    public async Task GetComplaints_ThreeFiled_NewestFirstPagedAndFilteredByCase()
    {
        var caseId = SupervisionHost.NewCaseId();
        var filed = new List<Complaint>();
        for (var i = 0; i < 3; i++)
        {
            filed.Add(await host.Recorder.AddComplaintAsync(new NewComplaint(caseId, "N-1", "applicant-7", "第" + i + "次投诉 <script>x</script>", SupervisionHost.Start.AddHours(i)), _ct));
        }

        await host.Recorder.AddComplaintAsync(new NewComplaint(SupervisionHost.NewCaseId(), "N-2", "applicant-8", "other", SupervisionHost.Start), _ct);

        using var client = host.Client();
        var first = await client.GetFromJsonAsync<JsonElement>($"/api/supervision/complaints?caseId={caseId}&pageSize=2", _ct);
        var token = first.GetProperty("continuationToken").GetString();
        var second = await client.GetFromJsonAsync<JsonElement>($"/api/supervision/complaints?caseId={caseId}&pageSize=2&continuationToken={Uri.EscapeDataString(token!)}", _ct);

        var ids = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).Select(c => c.GetProperty("id").GetString()).ToList();
        ids.Should().Equal(filed.Select(c => c.Id).Reverse());
        second.GetProperty("continuationToken").ValueKind.Should().Be(JsonValueKind.Null);
        first.GetProperty("items")[0].GetProperty("text").GetString().Should().Be("第2次投诉 <script>x</script>");
        first.GetProperty("items")[0].TryGetProperty("applicantSubject", out _).Should().BeFalse();
    }

    [Fact]
    public async Task GetComplaints_Anonymous_401()
    {
        using var anonymous = host.Client(role: null);
        (await anonymous.GetAsync("/api/supervision/complaints", _ct)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
