using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Tessera.Core.Security;
using Tessera.Testing;

namespace Tessera.Core.Tests;

public class UrlSignerTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly UrlSigner _signer;

    public UrlSignerTests() => _signer = new UrlSigner(RandomNumberGenerator.GetBytes(32), _time);

    [Fact]
    public void A_signed_url_verifies_until_it_expires()
    {
        var (path, expires, signature) = Split(_signer.Sign("GET", "/api/v1/blobs/abc", TimeSpan.FromMinutes(5)));
        Assert.Equal(SignatureCheck.Valid, _signer.Verify("GET", path, expires, signature));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(SignatureCheck.Valid, _signer.Verify("GET", path, expires, signature));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SignatureCheck.Expired, _signer.Verify("GET", path, expires, signature));
    }

    [Fact]
    public void Changing_the_path_method_expiry_or_signature_invalidates_it()
    {
        var (path, expires, signature) = Split(_signer.Sign("GET", "/api/v1/blobs/abc", TimeSpan.FromMinutes(5)));
        Assert.Equal(SignatureCheck.Invalid, _signer.Verify("GET", "/api/v1/blobs/abd", expires, signature));
        Assert.Equal(SignatureCheck.Invalid, _signer.Verify("DELETE", path, expires, signature));
        Assert.Equal(SignatureCheck.Invalid, _signer.Verify("GET", path, (long.Parse(expires, System.Globalization.CultureInfo.InvariantCulture) + 3600).ToString(System.Globalization.CultureInfo.InvariantCulture), signature));
        Assert.Equal(SignatureCheck.Invalid, _signer.Verify("GET", path, expires, signature[..^2] + (signature[^2] == 'A' ? "BA" : "AA")));
        Assert.Equal(SignatureCheck.Invalid, _signer.Verify("GET", path, "soon", signature));
    }

    [Fact]
    public void Another_key_never_verifies()
    {
        var other = new UrlSigner(RandomNumberGenerator.GetBytes(32), _time);
        var (path, expires, signature) = Split(other.Sign("GET", "/x", TimeSpan.FromMinutes(1)));
        Assert.Equal(SignatureCheck.Invalid, _signer.Verify("GET", path, expires, signature));
    }

    [Fact]
    public void Missing_parameters_are_reported_as_missing()
    {
        Assert.Equal(SignatureCheck.Missing, _signer.Verify("GET", "/x", null, "abc"));
        Assert.Equal(SignatureCheck.Missing, _signer.Verify("GET", "/x", "123", ""));
    }

    [Fact]
    public void Short_keys_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new UrlSigner(new byte[16], _time));
    }

    private static (string Path, string Expires, string Signature) Split(string url)
    {
        var q = url.IndexOf('?', StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(url[q..]);
        return (url[..q], query["expires"]!, query["signature"]!);
    }
}
