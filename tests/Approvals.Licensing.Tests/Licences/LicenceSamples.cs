using Approvals.Licensing.Cases;
using Approvals.Licensing.Licences;

namespace Approvals.Licensing.Tests.Licences;

internal static class LicenceSamples
{
    public static LicenceDocument Food() => new(
        LicenceNumbers.Create("FB", new DateOnly(2026, 11, 20), 123),
        CaseNumber.Create("310101", new DateOnly(2026, 11, 5), "FB", 42).ToString(),
        "food-business",
        "食品经营许可",
        new LicenceHolder("上海市黄浦区老街坊小吃店", "91310101MA1FPX1234"),
        "热食类食品制售；冷食类食品制售；自制饮品制售（不含自酿酒）",
        new DateTimeOffset(2026, 11, 20, 10, 30, 0, TimeSpan.FromHours(8)),
        new DateOnly(2026, 11, 20),
        new DateOnly(2031, 11, 19),
        ["上海市黄浦区市场监督管理局", "上海市黄浦区卫生健康委员会", "上海市黄浦区消防救援支队"]);
}
