using System.Text;
using SkiaSharp;
using Approvals.Licensing.Licences;

namespace Approvals.Licensing.Tests.Licences;

public sealed class LicencePdfTests
{
    private const string VerifyUrl = "https://approvals.example.gov.cn/public/licences/FB2026112000000123K/verify";

    [Fact]
    public void Render_Licence_IsPdfWithEmbeddedCjkFont()
    {
        var pdf = LicencePdf.Render(LicenceSamples.Food(), VerifyUrl);
        var text = Encoding.Latin1.GetString(pdf);
        text.Should().StartWith("%PDF-");
        text.TrimEnd().Should().EndWith("%%EOF");
        // Skia embeds TrueType outlines as FontFile2 and CFF-flavoured OpenType (Noto Sans CJK) as
        // Type 3 fonts: glyph programs inside the PDF plus a ToUnicode map. Either way nothing is referenced.
        (text.Contains("/FontFile", StringComparison.Ordinal) || (text.Contains("/Type3", StringComparison.Ordinal) && text.Contains("/CharProcs", StringComparison.Ordinal)))
            .Should().BeTrue("the CJK glyphs must be embedded in the PDF");
        text.Should().Contain("/ToUnicode", "the Chinese text stays searchable");
        text.Should().Contain("NotoSansCJKsc");
    }

    [Fact]
    public void Render_SameLicence_SameBytes() =>
        LicencePdf.Render(LicenceSamples.Food(), VerifyUrl).Should().Equal(LicencePdf.Render(LicenceSamples.Food(), VerifyUrl));

    [Theory]
    [InlineData("食品经营许可", "食品经营许可证")]
    [InlineData("公众聚集场所投入使用、营业前消防安全检查", "公众聚集场所投入使用、营业前消防安全检查合格证")]
    [InlineData("建筑工程施工许可", "建筑工程施工许可证")]
    public void Title_FromLicenceTypeName(string name, string title) =>
        LicencePdf.Title(LicenceSamples.Food() with { LicenceTypeName = name }).Should().Be(title);

    [Fact]
    public void DrawQr_VerifyUrl_DecodesBackToUrl()
    {
        const int Pixels = 1000;
        using var surface = SKSurface.Create(new SKImageInfo(Pixels, Pixels));
        surface.Canvas.Clear(SKColors.White);
        LicencePdf.DrawQr(surface.Canvas, VerifyUrl, 0, 0, Pixels);
        using var bitmap = SKBitmap.FromImage(surface.Snapshot());

        // The drawing includes a 4-module quiet zone: the finder's top-left corner is 4 modules in on the diagonal.
        var corner = Enumerable.Range(0, Pixels).First(d => IsDark(bitmap, d, d));
        var module = corner / 4.0;
        var total = (int)Math.Round(Pixels / module);
        var size = total - 8;
        var grid = new bool[size, size];
        for (var r = 0; r < size; r++)
        {
            for (var c = 0; c < size; c++)
            {
                grid[r, c] = IsDark(bitmap, (int)((c + 4.5) * module), (int)((r + 4.5) * module));
            }
        }

        QrReader.Decode(grid).Should().Be(VerifyUrl);
    }

    private static bool IsDark(SKBitmap bitmap, int x, int y) => bitmap.GetPixel(x, y).Red < 128;
}
