using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Tessera.Core.Security;
using Tessera.Testing;

namespace Tessera.Core.Tests;

public class UrlSignerTests
{
    private const string Owner = "0195a4c2-7d1e-7000-8000-000000000001";
    private readonly ManualTimeProvider _time = new();
    private readonly UrlSigner _signer;

    public UrlSignerTests() => _signer = new UrlSigner(RandomNumberGenerator.GetBytes(32), _time);

    [Fact]
    public void A_signed_url_verifies_until_it_expires()
    {
        var (path, owner, expires, signature) = Split(_signer.Sign("GET", "/api/v1/blobs/abc", Owner, TimeSpan.FromMinutes(5)));
        Assert.Equal(SignatureCheck.Valid, _signer.Verify("GET", path, owner, expires, signature));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(SignatureCheck.Valid, _signer.Verify("GET", path, owner, expires, signature));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SignatureCheck.Expired, _signer.Verify("GET", path, owner, expires, signature));
    }

    [Fact]
    public void Changing_the_path_method_expiry_or_signature_invalidates_it()
    {
        var (path, owner, expires, signature) = Split(_signer.Sign("GET", "/api/v1/blobs/abc", Owner, TimeSpan.FromMinutes(5)));
        Assert.Equal(SignatureCheck.Invalid, _signer.Verify("GET", "/api/v1/blobs/abd", owner, expires, signature));
        Assert.Equal(SignatureCheck.Invalid, _signer.Verify("DELETE", path, owner, expires, signature));
        Assert.Equal(SignatureCheck.Invalid, _signer.Verify("GET", path, owner, (long.Parse(expires, System.Globalization.CultureInfo.InvariantCulture) + 3600).ToString(System.Globalization.CultureInfo.InvariantCulture), signature));
        Assert.Equal(SignatureCheck.Invalid, _signer.Verify("GET", path, owner, expires, signature[..^2] + (signature[^2] == 'A' ? "BA" : "AA")));
        Assert.Equal(SignatureCheck.Invalid, _signer.Verify("GET", path, owner, "soon", signature));
    }

    [Theory]
    [InlineData("0{0}")]
    [InlineData("00{0}")]
    [InlineData("+{0}")]
    [InlineData(" {0}")]
    [InlineData("{0} ")]
    public void An_expiry_written_another_way_is_refused_even_with_the_original_signature(string format)
    {
        var (path, owner, expires, signature) = Split(_signer.Sign("GET", "/api/v1/blobs/abc", Owner, TimeSpan.FromMinutes(5)));
        var respelled = string.Format(System.Globalization.CultureInfo.InvariantCulture, format, expires);
        Assert.Equal(SignatureCheck.Invalid, _signer.Verify("GET", path, owner, respelled, signature));
    }

    [Fact]
    public void A_url_signed_for_one_owner_does_not_verify_for_another()
    {
        var (path, owner, expires, signature) = Split(_signer.Sign("GET", "/api/v1/blobs/abc", Owner, TimeSpan.FromMinutes(5)));
        Assert.Equal(Owner, owner);
        Assert.Equal(SignatureCheck.Invalid, _signer.Verify("GET", path, "0195a4c2-7d1e-7000-8000-000000000002", expires, signature));
        // Moving a line break between path and owner does not make another valid pair.
        var (splitPath, splitOwner, splitExpires, splitSignature) = Split(_signer.Sign("GET", "/a\nb", "c", TimeSpan.FromMinutes(5)));
        Assert.Equal(SignatureCheck.Valid, _signer.Verify("GET", splitPath, splitOwner, splitExpires, splitSignature));
        Assert.Equal(SignatureCheck.Invalid, _signer.Verify("GET", "/a", "b\nc", splitExpires, splitSignature));
    }

    [Fact]
    public void Another_key_never_verifies()
    {
        var other = new UrlSigner(RandomNumberGenerator.GetBytes(32), _time);
        var (path, owner, expires, signature) = Split(other.Sign("GET", "/x", Owner, TimeSpan.FromMinutes(1)));
        Assert.Equal(SignatureCheck.Invalid, _signer.Verify("GET", path, owner, expires, signature));
    }

    [Fact]
    public void Missing_parameters_are_reported_as_missing()
    {
        Assert.Equal(SignatureCheck.Missing, _signer.Verify("GET", "/x", Owner, null, "abc"));
        Assert.Equal(SignatureCheck.Missing, _signer.Verify("GET", "/x", Owner, "123", ""));
        Assert.Equal(SignatureCheck.Missing, _signer.Verify("GET", "/x", null, "123", "abc"));
    }

    [Fact]
    public void Short_keys_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new UrlSigner(new byte[16], _time));
    }

    private static (string Path, string Owner, string Expires, string Signature) Split(string url)
    {
        var q = url.IndexOf('?', StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(url[q..]);
        return (url[..q], query["owner"]!, query["expires"]!, query["signature"]!);
    }
}
