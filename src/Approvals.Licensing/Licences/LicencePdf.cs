namespace Approvals.Licensing.Licences;

/// <summary>Renders an e-licence as a one-page A4 PDF with Chinese text and a QR code of the verify URL.</summary>
public static class LicencePdf
{
    /// <summary>Renders the licence.</summary>
    /// <exception cref="InvalidOperationException">No CJK font is installed (install fonts-noto-cjk).</exception>
    public static byte[] Render(LicenceDocument doc, string verifyUrl)
    {
        ArgumentNullException.ThrowIfNull(doc);
        ArgumentException.ThrowIfNullOrWhiteSpace(verifyUrl);
        throw new NotImplementedException();
    }
}
