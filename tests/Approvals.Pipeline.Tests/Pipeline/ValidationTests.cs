using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Approvals.Pipeline.Tests.Pipeline;

/// <summary>Validation at the edge: applicant ids, phones, e-mails and forms; status filters of list routes.</summary>
public sealed class ValidationTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    private static object Body(object applicant, object? form = null, string type = TestCatalogue.AutoType) =>
        new { licenceTypeId = type, applicant, form = form ?? new { scope = "热食类食品制售", address = "上海市黄浦区南京东路1号" } };

    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        return JsonNode.Parse(text)!.AsObject();
    }

    private static List<string> ErrorKeys(JsonObject problem) => problem["errors"]!.AsObject().Select(e => e.Key).ToList();

    [Fact]
    public async Task CreateDraft_EveryFieldWrong_400ListsEveryFieldAtOnce()
    {
        using var http = app.Applicant("applicant-all-wrong");
        var response = await http.PostAsJsonAsync("/api/applications", Body(
            new { name = "张三", idNumber = "110105194912310021", phone = "12345", email = "not-an-email" },
            new { scope = "", address = 42, floorArea = "很大", employees = 2.5, delivery = "yes", kind = "宫殿", colour = "red" }));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        problem["code"]!.GetValue<string>().Should().Be("validation");
        ErrorKeys(problem).Should().BeEquivalentTo(
            "applicant.idNumber", "applicant.phone", "applicant.email",
            "form.scope", "form.address", "form.floorArea", "form.employees", "form.delivery", "form.kind", "form.colour");
        (await http.GetFromJsonAsync<List<JsonObject>>("/api/applications"))!.Should().BeEmpty("a refused draft leaves nothing behind");
    }

    [Theory]
    [InlineData("110105194912310021", "check character")]     // GB 11643 example with its last character changed
    [InlineData("110101199002301236", "birth date")]          // 30 February, check character right
    [InlineData("310101209912311234", "birth date")]          // born in 2099, check character right
    [InlineData("001234199003071230", "province")]            // no province 00
    [InlineData("91310000MA1FL0000X", "check character")]     // credit code, check character should be N
    [InlineData("91310000MA1FL000OS", "not used")]            // O and S are not in the GB 32100 alphabet
    [InlineData("9131000OMA1FL0000N", "not used")]
    [InlineData("1101051949123100", "18 characters")]
    public async Task CreateDraft_InvalidIdNumber_400NamesTheRule(string idNumber, string rule)
    {
        using var http = app.Applicant("applicant-bad-id");
        var response = await http.PostAsJsonAsync("/api/applications", Body(new { name = "张三", idNumber, phone = "13800138000" }));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        ErrorKeys(problem).Should().Equal("applicant.idNumber");
        problem["errors"]!["applicant.idNumber"]![0]!.GetValue<string>().Should().Contain(rule);
    }

    [Theory]
    [InlineData(Driver.PersonId, "13800138000")]
    [InlineData("11010519491231002x", "+86 138 0013 8000")]   // lower-case check character, mobile with country code
    [InlineData(Driver.CompanyId, "021-62345678")]
    [InlineData("91440300708461136T", "0755-86013388-8000")]    // landline with extension
    [InlineData("52310000MA1G8LQ84T", "(010)62345678")]        // a social organisation (民政, kind 2)
    public async Task CreateDraft_ValidIdNumberAndPhone_201(string idNumber, string phone)
    {
        using var http = app.Applicant("applicant-good-id");
        var response = await http.PostAsJsonAsync("/api/applications", Body(new { name = "申请人", idNumber, phone, email = "li.wei+permits@example.com.cn" }));
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("1380013800")]      // 10 digits
    [InlineData("12800138000")]     // no 12x mobile numbers
    [InlineData("62345678")]        // landline without its area code
    [InlineData("021-02345678")]    // local numbers never start with 0
    [InlineData("phone")]
    public async Task CreateDraft_InvalidPhone_400(string phone)
    {
        using var http = app.Applicant("applicant-bad-phone");
        var response = await http.PostAsJsonAsync("/api/applications", Body(new { name = "张三", idNumber = Driver.PersonId, phone }));
        ErrorKeys(await ProblemAsync(response, HttpStatusCode.BadRequest)).Should().Equal("applicant.phone");
    }

    [Fact]
    public async Task CreateDraft_RequiredFormFieldsMissing_400EachNamed()
    {
        using var http = app.Applicant("applicant-no-form");
        var response = await http.PostAsJsonAsync("/api/applications", new
        {
            licenceTypeId = TestCatalogue.AutoType,
            applicant = new { name = "张三", idNumber = Driver.PersonId, phone = "13800138000" },
        });
        ErrorKeys(await ProblemAsync(response, HttpStatusCode.BadRequest)).Should().BeEquivalentTo("form.scope", "form.address");
    }

    [Fact]
    public async Task CreateDraft_FormWithinDeclaredBounds_201AndOutside_400()
    {
        using var http = app.Applicant("applicant-form-bounds");
        var person = new { name = "张三", idNumber = Driver.PersonId, phone = "13800138000" };
        var full = new { scope = "热食类食品制售", address = "上海市黄浦区南京东路1号", floorArea = 120.5, premisesKind = "临街店铺", employees = 12, delivery = true };
        var ok = await http.PostAsJsonAsync("/api/applications", Body(person, full));
        ok.StatusCode.Should().Be(HttpStatusCode.Created, await ok.Content.ReadAsStringAsync());

        var outside = new { scope = new string('食', 201), address = "上海市黄浦区南京东路1号", floorArea = 0, premisesKind = "临街店铺", employees = 0, delivery = false };
        var refused = await http.PostAsJsonAsync("/api/applications", Body(person, outside));
        ErrorKeys(await ProblemAsync(refused, HttpStatusCode.BadRequest)).Should().BeEquivalentTo("form.scope", "form.floorArea", "form.employees");
    }

    [Fact]
    public async Task GetLicenceType_DeclaresItsFormFields()
    {
        using var anonymous = app.CreateClient();
        var type = await anonymous.GetFromJsonAsync<JsonObject>($"/api/licence-types/{TestCatalogue.AutoType}");
        var fields = type!["formFields"]!.AsArray().Select(f => f!.AsObject()).ToDictionary(f => f["id"]!.GetValue<string>());
        fields.Keys.Should().BeEquivalentTo("scope", "address", "floorArea", "premisesKind", "employees", "delivery");
        fields["scope"]["required"]!.GetValue<bool>().Should().BeTrue();
        fields["scope"]["maxLength"]!.GetValue<int>().Should().Be(200);
        fields["floorArea"]["minimum"]!.GetValue<decimal>().Should().Be(1);
        fields["premisesKind"]["values"]!.AsArray().Select(v => v!.GetValue<string>()).Should().Contain("临街店铺");
    }

    [Fact]
    public async Task OpenApi_LicenceType_DescribesFormFields()
    {
        using var anonymous = app.CreateClient();
        var doc = (await anonymous.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var schemas = doc["components"]!["schemas"]!.AsObject();
        schemas["LicenceType"]!["properties"]!.AsObject().Select(p => p.Key).Should().Contain("formFields");
        schemas["FormField"]!["properties"]!.AsObject().Select(p => p.Key).Should().Contain(
            ["id", "name", "type", "required", "minLength", "maxLength", "minimum", "maximum", "values"]);
    }

    [Fact]
    public async Task ListApplications_StatusFilter_OnlyThatStatusAndUnknown400()
    {
        var driver = new Driver(app, "applicant-status-filter");
        var kept = await driver.CreateDraftAsync();
        var withdrawn = await driver.CreateDraftAsync();
        (await driver.Http.PostAsync($"/api/applications/{withdrawn}/withdraw", null)).StatusCode.Should().Be(HttpStatusCode.Accepted);

        async Task<IEnumerable<string>> Ids(string query) =>
            (await driver.Http.GetFromJsonAsync<List<JsonObject>>("/api/applications" + query))!.Select(c => c["id"]!.GetValue<string>());
        (await Ids("?status=Withdrawn")).Should().Equal(withdrawn);
        (await Ids("?status=draft")).Should().Equal(kept);
        (await Ids("?status=in-review")).Should().BeEmpty();
        (await Ids("")).Should().BeEquivalentTo([kept, withdrawn]);

        var problem = await ProblemAsync(await driver.Http.GetAsync("/api/applications?status=pending"), HttpStatusCode.BadRequest);
        problem["code"]!.GetValue<string>().Should().Be("invalid-status");
        ErrorKeys(problem).Should().Equal("status");
    }

    [Theory]
    [InlineData("/api/supervision/alerts?status=closed")]
    [InlineData("/api/supervision/complaints?status=open")]
    [InlineData("/api/public/register?status=pending")]
    public async Task SupervisionAndRegisterLists_UnknownStatus_400(string route)
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", PipelineApp.Token("supervisor-status", "supervisor"));
        var problem = await ProblemAsync(await client.GetAsync(route), HttpStatusCode.BadRequest);
        problem["code"]!.GetValue<string>().Should().Be("invalid-status");
    }

    [Theory]
    [InlineData("/api/supervision/alerts?status=open")]
    [InlineData("/api/public/register?status=approved")]
    public async Task SupervisionAndRegisterLists_KnownStatus_200(string route)
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", PipelineApp.Token("supervisor-status", "supervisor"));
        var response = await client.GetAsync(route);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task PublicRoutes_PersonMaskedWhateverLength_OrganisationShownWhole()
    {
        var driver = new Driver(app, "applicant-masking");
        var person = await IssueAsync(driver, "迪丽热巴·迪力木拉提", Driver.PersonId);
        var company = await IssueAsync(driver, "星巴克", Driver.CompanyId);

        using var anonymous = app.CreateClient();
        async Task<string> Holder(string licenceNumber) =>
            (await anonymous.GetFromJsonAsync<JsonObject>($"/api/public/licences/{licenceNumber}"))!["holder"]!["name"]!.GetValue<string>();
        (await Holder(person.Licence)).Should().Be("迪*********");
        (await Holder(company.Licence)).Should().Be("星巴克");

        // The register entry is written just after the case shows Issued: wait for it (with a timeout, no fixed sleep).
        var register = new List<JsonObject>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!new[] { person.CaseNumber, company.CaseNumber }.All(n => register.Any(e => e["caseNumber"]!.GetValue<string>() == n)))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "both decisions are published");
            await Task.Delay(50);
            register.Clear();
            string? token = null;
            do
            {
                var page = (await anonymous.GetFromJsonAsync<JsonObject>("/api/public/register?pageSize=100" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token))))!;
                register.AddRange(page["items"]!.AsArray().Select(i => i!.AsObject()));
                token = page["continuationToken"]?.GetValue<string>();
            }
            while (token is not null);
        }

        string Published(string caseNumber) => register.Single(e => e["caseNumber"]!.GetValue<string>() == caseNumber)["applicant"]!.GetValue<string>();
        Published(person.CaseNumber).Should().Be("迪*********");
        Published(company.CaseNumber).Should().Be("星巴克");
    }

    private static async Task<(string CaseNumber, string Licence)> IssueAsync(Driver driver, string name, string idNumber)
    {
        var id = await driver.SubmitCompleteCaseAsync(TestCatalogue.AutoType, name, idNumber);
        foreach (var department in TestCatalogue.Departments)
        {
            var taskId = await driver.WaitForTaskAsync(id, department);
            (await driver.DecideAsync(id, department, Driver.Approve(taskId))).StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        var issued = await driver.WaitForStatusAsync(id, "Issued");
        return (issued["number"]!.GetValue<string>(), issued["licence"]!["licenceNumber"]!.GetValue<string>());
    }
}
