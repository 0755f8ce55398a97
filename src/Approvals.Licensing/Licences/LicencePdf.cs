using System.Globalization;
using QRCoder;
using SkiaSharp;

namespace Approvals.Licensing.Licences;

/// <summary>
/// Renders an e-licence as a one-page A4 PDF (SkiaSharp's PDF backend): Chinese text in a CJK font
/// embedded as a subset, the holder's id number masked, and a QR code of the public verify URL drawn
/// as vector squares so it stays sharp at any zoom.
/// </summary>
public static class LicencePdf
{
    private const float PageWidth = 595;   // A4 in PDF points
    private const float PageHeight = 842;
    private const float Margin = 56;
    private const float QrSize = 132;

    /// <summary>Renders the licence.</summary>
    /// <param name="doc">The licence.</param>
    /// <param name="verifyUrl">The public verify URL the QR code points at.</param>
    /// <exception cref="InvalidOperationException">No CJK font is installed (install fonts-noto-cjk).</exception>
    public static byte[] Render(LicenceDocument doc, string verifyUrl)
    {
        ArgumentNullException.ThrowIfNull(doc);
        ArgumentException.ThrowIfNullOrWhiteSpace(verifyUrl);
        var typeface = CjkFont.Typeface;
        // A native stream: Skia writes the document in many small pieces, and a managed stream would take each one
        // through a callback into a fresh managed buffer.
        using var stream = new SKDynamicMemoryWStream();
        var metadata = new SKDocumentPdfMetadata
        {
            Title = $"{Title(doc)} {doc.LicenceNumber}",
            Author = doc.IssuingDepartments.Count > 0 ? doc.IssuingDepartments[0] : "",
            Subject = "电子证照",
            Creator = "Approvals",
            Producer = "Approvals (SkiaSharp)",
            // Fixed dates keep the rendering of one licence reproducible.
            Creation = doc.IssuedAt.UtcDateTime,
            Modified = doc.IssuedAt.UtcDateTime,
            RasterDpi = 300,
        };
        using (var document = SKDocument.CreatePdf(stream, metadata))
        {
            var canvas = document.BeginPage(PageWidth, PageHeight);
            Draw(canvas, typeface, doc, verifyUrl);
            document.EndPage();
            document.Close();
        }

        using var data = stream.DetachAsData();
        return data.ToArray();
    }

    /// <summary>The certificate title: 食品经营许可 → 食品经营许可证; …检查 → …检查合格证.</summary>
    internal static string Title(LicenceDocument doc)
    {
        var name = doc.LicenceTypeName.Trim();
        return name.EndsWith('证') ? name
            : name.EndsWith("检查", StringComparison.Ordinal) ? name + "合格证"
            : name + "证";
    }

    internal static void Draw(SKCanvas canvas, SKTypeface typeface, LicenceDocument doc, string verifyUrl)
    {
        using var ink = new SKPaint { Color = new SKColor(0x20, 0x20, 0x20), IsAntialias = true };
        using var red = new SKPaint { Color = new SKColor(0xB0, 0x1E, 0x23), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 2 };
        using var redFill = new SKPaint { Color = new SKColor(0xB0, 0x1E, 0x23), IsAntialias = true };
        canvas.DrawRect(28, 28, PageWidth - 56, PageHeight - 56, red);
        red.StrokeWidth = 0.8f;
        canvas.DrawRect(34, 34, PageWidth - 68, PageHeight - 68, red);

        using var small = new SKFont(typeface, 11);
        using var body = new SKFont(typeface, 13);
        // Labels stand out by colour, not by a synthetic bold: an emboldened face is a second embedded font, which
        // took a third of the rendering time.
        using var label = new SKFont(typeface, 13);
        canvas.DrawText("中华人民共和国", PageWidth / 2, 92, SKTextAlign.Center, body, redFill);
        var title = Title(doc);
        using var titleFont = new SKFont(typeface, FitSize(typeface, title, PageWidth - (2 * Margin), 30));
        canvas.DrawText(title, PageWidth / 2, 136, SKTextAlign.Center, titleFont, redFill);
        canvas.DrawText("（电子证照）", PageWidth / 2, 162, SKTextAlign.Center, body, redFill);

        var rows = new (string Label, string Value)[]
        {
            ("证照编号", doc.LicenceNumber),
            ("持证主体", doc.Holder.Name),
            ("证件号码", doc.Holder.MaskedIdNumber),
            ("许可事项", doc.LicenceTypeName),
            ("许可范围", doc.Scope),
            ("有效期限", $"{ChineseDate(doc.ValidFrom)} 至 {ChineseDate(doc.ValidUntil)}"),
            ("办件编号", doc.CaseNumber),
            ("发证机关", string.Join("、", doc.IssuingDepartments)),
        };
        var y = 214f;
        const float valueX = Margin + 90;
        foreach (var (name, value) in rows)
        {
            canvas.DrawText(name + "：", Margin, y, SKTextAlign.Left, label, redFill);
            foreach (var line in Wrap(value, body, PageWidth - Margin - valueX))
            {
                canvas.DrawText(line, valueX, y, SKTextAlign.Left, body, ink);
                y += 22;
            }

            y += 12;
        }

        var qrTop = PageHeight - Margin - QrSize - 40;
        DrawQr(canvas, verifyUrl, PageWidth - Margin - QrSize, qrTop, QrSize);
        canvas.DrawText("扫码核验", PageWidth - Margin - (QrSize / 2), qrTop + QrSize + 16, SKTextAlign.Center, small, ink);
        var issued = doc.IssuedAt.ToOffset(TimeSpan.FromHours(8));
        canvas.DrawText("发证日期：" + ChineseDate(DateOnly.FromDateTime(issued.DateTime)), Margin, qrTop + 40, SKTextAlign.Left, body, ink);
        canvas.DrawText("本证照经电子签名（ES256），可通过二维码或下列地址核验真伪：", Margin, qrTop + 70, SKTextAlign.Left, small, ink);
        var urlY = qrTop + 88;
        foreach (var line in Wrap(verifyUrl, small, PageWidth - (2 * Margin) - QrSize - 16))
        {
            canvas.DrawText(line, Margin, urlY, SKTextAlign.Left, small, ink);
            urlY += 15;
        }
    }

    /// <summary>Draws the QR code of <paramref name="text"/> as dark modules in a size × size square (quiet zone included).</summary>
    internal static void DrawQr(SKCanvas canvas, string text, float x, float y, float size)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var matrix = data.ModuleMatrix;
        var modules = matrix.Count;   // QRCoder includes the 4-module quiet zone
        var cell = size / modules;
        using var white = new SKPaint { Color = SKColors.White };
        using var black = new SKPaint { Color = SKColors.Black, IsAntialias = false };
        canvas.DrawRect(x, y, size, size, white);
        // One rectangle per horizontal run of dark modules: the same squares, in a fraction of the drawing operations.
        for (var row = 0; row < modules; row++)
        {
            var col = 0;
            while (col < modules)
            {
                if (!matrix[row][col])
                {
                    col++;
                    continue;
                }

                var start = col;
                while (col < modules && matrix[row][col])
                {
                    col++;
                }

                canvas.DrawRect(x + (start * cell), y + (row * cell), (col - start) * cell, cell, black);
            }
        }
    }

    private static float FitSize(SKTypeface typeface, string text, float width, float preferred)
    {
        using var font = new SKFont(typeface, preferred);
        var measured = font.MeasureText(text);
        return measured <= width ? preferred : Math.Max(14, preferred * width / measured);
    }

    private static List<string> Wrap(string text, SKFont font, float width)
    {
        // Chinese has no spaces to break at: break between text elements (keeps surrogate pairs whole).
        var lines = new List<string>();
        var line = new System.Text.StringBuilder();
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            if (element == "\n" || (line.Length > 0 && font.MeasureText(line + element) > width))
            {
                lines.Add(line.ToString());
                line.Clear();
                if (element == "\n")
                {
                    continue;
                }
            }

            line.Append(element);
        }

        if (line.Length > 0 || lines.Count == 0)
        {
            lines.Add(line.ToString());
        }

        return lines;
    }

    private static string ChineseDate(DateOnly d) =>
        string.Create(CultureInfo.InvariantCulture, $"{d.Year}年{d.Month}月{d.Day}日");
}
