using System.Security.Cryptography;
using System.Text;
using Approvals.Licensing.Licences;

namespace Approvals.Licensing.Tests.Licences;

public sealed class LicenceSignatureTests : IDisposable
{
    private readonly LicenceSigner _signer = LicenceSigner.CreateDevelopment();
    private readonly LicenceVerifier _verifier;

    public LicenceSignatureTests()
    {
        _verifier = new LicenceVerifier(_signer.KeyId, _signer.PublicKeyPem);
    }

    public void Dispose()
    {
        _signer.Dispose();
        _verifier.Dispose();
    }

    [Fact]
    public void Sign_ThenVerify_ReturnsSameDocument()
    {
        var doc = LicenceSamples.Food();
        var result = _verifier.Verify(_signer.Sign(doc));
        result.Valid.Should().BeTrue(result.Error);
        result.Document.Should().BeEquivalentTo(doc);
        result.Document!.IssuingDepartments.Should().Equal(doc.IssuingDepartments);
    }

    [Fact]
    public void Sign_CompactJwsWithEs256AndKid()
    {
        var parts = _signer.Sign(LicenceSamples.Food()).Split('.');
        parts.Should().HaveCount(3);
        parts.Should().OnlyContain(p => p.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'));
        var header = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[0]));
        header.Should().Contain("\"alg\":\"ES256\"").And.Contain($"\"kid\":\"{_signer.KeyId}\"");
        System.Buffers.Text.Base64Url.DecodeFromChars(parts[2]).Should().HaveCount(64);
    }

    [Fact]
    public void Verify_PayloadReplacedWithEditedDocument_Invalid()
    {
        var parts = _signer.Sign(LicenceSamples.Food()).Split('.');
        var json = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]));
        var forged = json.Replace("2031-11-19", "2099-12-31", StringComparison.Ordinal);
        forged.Should().NotBe(json);
        parts[1] = System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(forged));
        var result = _verifier.Verify(string.Join('.', parts));
        result.Valid.Should().BeFalse();
        result.Document.Should().BeNull();
        result.Error.Should().Contain("signature does not match");
    }

    [Fact]
    public void Verify_AnySingleCharacterChanged_Invalid()
    {
        var jws = _signer.Sign(LicenceSamples.Food());
        // Every position of header, payload and signature (dots included), each with a different character.
        for (var i = 0; i < jws.Length; i++)
        {
            var replacement = jws[i] == 'A' ? 'B' : 'A';
            var tampered = string.Concat(jws.AsSpan(0, i), replacement.ToString(), jws.AsSpan(i + 1));
            _verifier.Verify(tampered).Valid.Should().BeFalse($"position {i} was changed");
        }
    }

    [Fact]
    public void Verify_HeaderAlgorithmNone_Invalid()
    {
        var parts = _signer.Sign(LicenceSamples.Food()).Split('.');
        parts[0] = System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{{\"alg\":\"none\",\"kid\":\"{_signer.KeyId}\"}}"));
        _verifier.Verify(string.Join('.', parts)).Error.Should().Contain("ES256");
        _verifier.Verify(parts[0] + "." + parts[1] + ".").Valid.Should().BeFalse();
    }

    [Fact]
    public void Verify_SignedWithAnotherKeyUnderSameKid_Invalid()
    {
        using var other = new LicenceSigner(ECDsa.Create(ECCurve.NamedCurves.nistP256), _signer.KeyId);
        _verifier.Verify(other.Sign(LicenceSamples.Food())).Error.Should().Contain("signature does not match");
    }

    [Fact]
    public void Verify_UnknownKid_Invalid()
    {
        using var other = LicenceSigner.CreateDevelopment();
        _verifier.Verify(other.Sign(LicenceSamples.Food())).Error.Should().Contain("unknown key id");
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("a.b.c.d")]
    [InlineData("!!.??.**")]
    public void Verify_Garbage_InvalidWithoutThrowing(string jws) =>
        _verifier.Verify(jws).Valid.Should().BeFalse();

    [Fact]
    public void FromPem_PrivateKey_SignsVerifiably()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var signer = LicenceSigner.FromPem(key.ExportPkcs8PrivateKeyPem(), "prod-2026");
        using var verifier = new LicenceVerifier(new Dictionary<string, string> { ["prod-2026"] = signer.PublicKeyPem, ["old"] = _signer.PublicKeyPem });
        verifier.Verify(signer.Sign(LicenceSamples.Food())).Valid.Should().BeTrue();
        verifier.Verify(_signer.Sign(LicenceSamples.Food())).Valid.Should().BeFalse("the old key is registered under another kid");
    }

    [Fact]
    public void Constructor_NonP256Key_Rejected()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        FluentActions.Invoking(() => new LicenceSigner(p384, "k")).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void CreateDevelopment_WritesNoFile()
    {
        var directories = new[] { Directory.GetCurrentDirectory(), Path.GetTempPath(), AppContext.BaseDirectory };
        var before = directories.ToDictionary(d => d, d => Directory.EnumerateFiles(d).ToHashSet());
        using (var signer = LicenceSigner.CreateDevelopment())
        {
            signer.Sign(LicenceSamples.Food());
            signer.KeyId.Should().StartWith("dev-");
        }

        foreach (var d in directories)
        {
            Directory.EnumerateFiles(d).Where(f => !before[d].Contains(f))
                .Should().NotContain(f => File.ReadAllText(f).Contains("PRIVATE KEY", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void MaskedIdNumber_KeepsOnlyEnds()
    {
        new LicenceHolder("张三", "110101199003071234").MaskedIdNumber.Should().Be("1101**********1234");
        new LicenceHolder("x", "1234").MaskedIdNumber.Should().Be("***4");
    }
}
