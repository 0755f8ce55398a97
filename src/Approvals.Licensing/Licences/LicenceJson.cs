namespace Approvals.Licensing.Licences;

/// <summary>The JSON form of a licence document inside the JWS.</summary>
internal static class LicenceJson
{
    public static byte[] Serialize(LicenceDocument doc) => throw new NotImplementedException();
}
