using Approvals.Licensing.Catalogue;

namespace Approvals.Licensing.Tests.Catalogue;

public sealed class CatalogueTests
{
    private static readonly LicenceCatalogue Shipped = LicenceCatalogue.LoadEmbedded();

    [Fact]
    public void LoadEmbedded_ShipsThreeRealisticLicenceTypes()
    {
        Shipped.All.Select(t => t.Id).Should().BeEquivalentTo("construction-permit", "food-business", "public-venue-fire-safety");
        Shipped.Departments.Should().Contain(new Department("service-centre", "政务服务中心"));
        foreach (var type in Shipped.All)
        {
            type.PromisedLimitWorkingDays.Should().BeLessThanOrEqualTo(type.LegalLimitWorkingDays);
            type.Materials.Should().Contain(m => m.Required);
            type.Departments.Should().ContainSingle(d => d.Role == DepartmentRole.Lead);
            type.Departments.Should().OnlyContain(d => d.Name.Length > 0, "names come from the directory");
            type.Jurisdiction.Should().Be("CN");
        }
    }

    [Fact]
    public void LoadEmbedded_FoodBusinessParallelDepartments()
    {
        var food = Shipped.Find("food-business")!;
        food.Name.Should().Be("食品经营许可");
        food.Departments.Select(d => d.DepartmentId).Should().Equal("market-supervision", "health", "fire-rescue");
        food.Lead.Name.Should().Be("市场监督管理局");
        food.FindMaterial("business-licence")!.AllowedContentTypes.Should().Contain("image/jpeg");
    }

    [Fact]
    public void Find_ByVersion_ReturnsPinnedVersionAndLatestByDefault()
    {
        Shipped.Find("food-business")!.Version.Should().Be("2026.1");
        Shipped.Find("food-business", "2025.1")!.PromisedLimitWorkingDays.Should().Be(10);
        Shipped.Find("food-business", "1999.1").Should().BeNull();
        Shipped.Versions("food-business").Select(t => t.Version).Should().Equal("2025.1", "2026.1");
        Shipped.Find("no-such-type").Should().BeNull();
    }

    [Fact]
    public void Load_ValidMinimalFiles_Loads()
    {
        var catalogue = LicenceCatalogue.Load([CatalogueFiles.Directory(), CatalogueFiles.Type()]);
        catalogue.All.Should().ContainSingle().Which.Code.Should().Be("TT");
        var fields = catalogue.All[0].FormFields;
        fields.Select(f => (f.Id, f.Type, f.Required)).Should().Equal(
            ("scope", FormFieldType.String, true), ("floorArea", FormFieldType.Number, true), ("staff", FormFieldType.Integer, false),
            ("chain", FormFieldType.Boolean, false), ("category", FormFieldType.Enum, true));
        (fields[0].MinLength, fields[0].MaxLength, fields[1].Minimum, fields[1].Maximum).Should().Be((2, 100, 1m, 10000m));
        fields[4].Values.Should().Equal("餐饮", "零售");
    }

    [Fact]
    public void LoadEmbedded_EveryTypeDeclaresItsForm()
    {
        foreach (var type in Shipped.All)
        {
            type.FormFields.Should().Contain(f => f.Id == "address" && f.Required && f.Type == FormFieldType.String, type.Id);
            type.FormFields.Should().Contain(f => f.Id == "floorArea" && f.Required && f.Type == FormFieldType.Number, type.Id);
        }

        var food = Shipped.Find("food-business")!;
        food.FormFields.Single(f => f.Id == "scope").Required.Should().BeTrue("the business scope becomes the licence's scope");
        food.FormFields.Single(f => f.Id == "businessType").Values.Should().Contain("餐饮服务经营者");
    }

    [Theory]
    [InlineData("promised", "promised limit 12 exceeds the legal limit 10")]
    [InlineData("critical-path", "critical path 9 working days (service centre 2 + lead-dept 7) exceeds the promised limit 8")]
    [InlineData("unknown-department", "unknown department 'ghost-bureau'")]
    [InlineData("unknown-service-centre", "serviceCentre.departmentId: unknown department 'nowhere'")]
    [InlineData("centre-also-reviews", "serviceCentre.departmentId: 'co-dept' accepts applications of this type and cannot also review them")]
    [InlineData("duplicate-material", "duplicate material id 'form'")]
    [InlineData("duplicate-step", "department 'lead-dept' is listed twice")]
    [InlineData("bad-code", "code: 'T1' must be 2–4 uppercase letters")]
    [InlineData("bad-content-type", "'application/msword' is not one of")]
    [InlineData("bad-max-bytes", "maxBytes: 0 must be between")]
    [InlineData("no-lead", "exactly one department must be the lead")]
    [InlineData("acceptance-too-long", "must be 0–5 (行政许可法 Art. 32)")]
    [InlineData("unknown-jurisdiction", "'XX' has no working-day calendar")]
    [InlineData("bad-version", "version: 'v2' must be dotted numbers")]
    [InlineData("no-form-fields", "formFields: is required")]
    [InlineData("duplicate-field", "duplicate form field id 'scope'")]
    [InlineData("bad-field-id", "formFields[0].id: 'Business Scope' must be camelCase")]
    [InlineData("bad-field-type", "formFields[0].type: 'date' must be string, number, integer, boolean or enum")]
    [InlineData("unbounded-string", "formFields[0].maxLength:")]
    [InlineData("length-on-number", "minLength and maxLength apply to string fields only")]
    [InlineData("inverted-range", "formFields[1].minimum: 20000 exceeds the maximum 10000")]
    [InlineData("empty-enum", "an enum lists at least one value")]
    [InlineData("values-on-string", "values apply to enum fields only")]
    public void Load_BrokenRule_ReportsIt(string mutation, string expected)
    {
        var act = () => LicenceCatalogue.Load([CatalogueFiles.Directory(), CatalogueFiles.Type(mutation)]);
        act.Should().Throw<CatalogueValidationException>()
            .Which.Errors.Should().ContainSingle(e => e.Contains(expected, StringComparison.Ordinal) && e.Contains("test-type.json", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_DuplicateTypeVersionAndDepartment_Reported()
    {
        var act = () => LicenceCatalogue.Load(
        [
            CatalogueFiles.Directory(duplicate: true),
            CatalogueFiles.Type(),
            ("copy.json", CatalogueFiles.Type().Json),
        ]);
        var errors = act.Should().Throw<CatalogueValidationException>().Which.Errors;
        errors.Should().Contain(e => e.Contains("duplicate department id 'lead-dept'", StringComparison.Ordinal));
        errors.Should().Contain(e => e.Contains("test-type version 1.0: duplicate definition in test-type.json, copy.json", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_ManyErrorsInSeveralFiles_AllReportedAtOnce()
    {
        var act = () => LicenceCatalogue.Load(
        [
            CatalogueFiles.Directory(),
            CatalogueFiles.Type("promised", "unknown-department", "duplicate-material", "bad-code"),
            ("other.json", CatalogueFiles.Type("critical-path").Json.Replace("\"test-type\"", "\"other-type\"", StringComparison.Ordinal)),
            ("broken.json", "{ not json"),
            ("mystery.json", "{ \"kind\": \"recipe\" }"),
        ]);
        var ex = act.Should().Throw<CatalogueValidationException>().Which;
        ex.Errors.Should().HaveCount(7);
        ex.Errors.Should().Contain(e => e.StartsWith("broken.json: not valid JSON", StringComparison.Ordinal));
        ex.Errors.Should().Contain(e => e.StartsWith("mystery.json: 'kind'", StringComparison.Ordinal));
        ex.Errors.Should().Contain(e => e.StartsWith("other.json [other-type 1.0] departments: critical path", StringComparison.Ordinal));
        ex.Message.Should().Contain("7 error(s)");
    }

    [Fact]
    public void Load_SameCodeForTwoTypes_Reported()
    {
        var other = CatalogueFiles.Type().Json.Replace("\"test-type\"", "\"other-type\"", StringComparison.Ordinal);
        var act = () => LicenceCatalogue.Load([CatalogueFiles.Directory(), CatalogueFiles.Type(), ("other.json", other)]);
        act.Should().Throw<CatalogueValidationException>()
            .Which.Errors.Should().ContainSingle(e => e.Contains("code TT: used by several licence types", StringComparison.Ordinal));
    }
}
