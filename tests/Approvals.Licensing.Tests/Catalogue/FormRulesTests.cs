using System.Text.Json;
using Approvals.Licensing.Catalogue;

namespace Approvals.Licensing.Tests.Catalogue;

public sealed class FormRulesTests
{
    private static readonly FormField[] Fields =
    [
        new("scope", "经营范围", FormFieldType.String, true, MinLength: 2, MaxLength: 10),
        new("floorArea", "面积", FormFieldType.Number, true, Minimum: 1, Maximum: 1000),
        new("staff", "人数", FormFieldType.Integer, false, Minimum: 1),
        new("chain", "连锁", FormFieldType.Boolean, false),
        new("category", "类别", FormFieldType.Enum, false, Values: ["餐饮", "零售"]),
    ];

    private static IReadOnlyDictionary<string, string[]> Validate(string json) =>
        FormRules.Validate(Fields, JsonDocument.Parse(json).RootElement.Clone());

    [Fact]
    public void Validate_EveryFieldWithinBounds_NoErrors() =>
        Validate("""{ "scope": "热食制售", "floorArea": 99.5, "staff": 3, "chain": false, "category": "餐饮" }""").Should().BeEmpty();

    [Fact]
    public void Validate_OnlyRequiredFields_NoErrors() =>
        Validate("""{ "scope": "热食制售", "floorArea": 1, "staff": null }""").Should().BeEmpty();

    [Fact]
    public void Validate_EveryFieldWrong_EveryErrorAtOnce()
    {
        var errors = Validate("""{ "scope": 7, "floorArea": "100", "staff": 2.5, "chain": "yes", "category": "工厂", "colour": "red" }""");
        errors.Keys.Should().BeEquivalentTo("form.scope", "form.floorArea", "form.staff", "form.chain", "form.category", "form.colour");
        errors["form.category"].Single().Should().Contain("餐饮").And.Contain("零售");
        errors["form.colour"].Single().Should().StartWith("Unknown field");
    }

    [Theory]
    [InlineData("""{ "floorArea": 1 }""", "form.scope")]
    [InlineData("""{ "scope": "  ", "floorArea": 1 }""", "form.scope")]
    [InlineData("""{ "scope": "食", "floorArea": 1 }""", "form.scope")]
    [InlineData("""{ "scope": "一二三四五六七八九十一", "floorArea": 1 }""", "form.scope")]
    [InlineData("""{ "scope": "热食\u0007", "floorArea": 1 }""", "form.scope")]
    [InlineData("""{ "scope": "热食", "floorArea": 0.99 }""", "form.floorArea")]
    [InlineData("""{ "scope": "热食", "floorArea": 1000.01 }""", "form.floorArea")]
    [InlineData("""{ "scope": "热食", "floorArea": null }""", "form.floorArea")]
    [InlineData("""{ "scope": "热食", "floorArea": 5, "staff": 0 }""", "form.staff")]
    [InlineData("""{ "scope": "热食", "floorArea": 5, "Scope": "x" }""", "form.Scope")]
    public void Validate_OneRuleBroken_ThatFieldOnly(string json, string field) =>
        Validate(json).Keys.Should().Equal(field);

    [Fact]
    public void Validate_LengthCountsCharactersNotUtf16Units() =>
        Validate("""{ "scope": "𠀋𠀋𠀋𠀋𠀋𠀋𠀋𠀋𠀋𠀋", "floorArea": 5 }""").Should().BeEmpty();

    [Fact]
    public void Validate_WholeNumberWrittenWithFraction_Integer() =>
        Validate("""{ "scope": "热食", "floorArea": 5, "staff": 3.0 }""").Should().BeEmpty();

    [Fact]
    public void Validate_NotAnObject_FormError() =>
        Validate("""[ 1, 2 ]""").Keys.Should().Equal("form");

    [Fact]
    public void Validate_NoForm_RequiredFieldsMissing() =>
        FormRules.Validate(Fields, null).Keys.Should().BeEquivalentTo("form.scope", "form.floorArea");
}
