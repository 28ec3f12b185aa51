using System.Text;
using Tessera.Core.Errors;
using Tessera.Guides.Callbacks;

namespace Tessera.Guides.Tests;

/// <summary>Standard Webhooks signatures: the specification's own example, rotation, and each refusal by its check.</summary>
public class CallbackSignatureTests
{
    // The example of the Standard Webhooks specification (standard-webhooks, spec/standard-webhooks.md).
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private const string SpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static readonly byte[] SpecBody = Encoding.UTF8.GetBytes("{\"test\": 2432232314}");
    private static readonly DateTimeOffset SpecTime = DateTimeOffset.FromUnixTimeSeconds(SpecTimestamp);
    private static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    [Fact]
    public void The_specification_example_signs_and_verifies()
    {
        var secrets = CallbackSignature.ParseSecrets(SpecSecret);
        Assert.Equal(SpecSignature, CallbackSignature.Sign(secrets[0], SpecId, SpecTimestamp, SpecBody));
        CallbackSignature.Verify(secrets, SpecId, SpecTimestamp.ToString(), SpecSignature, SpecBody, SpecTime, Tolerance);
    }

    [Fact]
    public void Any_configured_secret_and_any_listed_signature_pass_so_secrets_rotate()
    {
        var other = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("another secret of 32 bytes long!"));
        var secrets = CallbackSignature.ParseSecrets(other + " " + SpecSecret);
        CallbackSignature.Verify(secrets, SpecId, SpecTimestamp.ToString(), "v1,bm90IGl0 " + SpecSignature, SpecBody, SpecTime, Tolerance);
        var byNew = CallbackSignature.Sign(secrets[0], SpecId, SpecTimestamp, SpecBody);
        CallbackSignature.Verify(secrets, SpecId, SpecTimestamp.ToString(), byNew, SpecBody, SpecTime, Tolerance);
    }

    [Fact]
    public void Each_refusal_names_its_check()
    {
        var secrets = CallbackSignature.ParseSecrets(SpecSecret);
        Assert.Equal("no_secret", Check(() => CallbackSignature.Verify([], SpecId, SpecTimestamp.ToString(), SpecSignature, SpecBody, SpecTime, Tolerance)));
        Assert.Equal("missing_headers", Check(() => CallbackSignature.Verify(secrets, SpecId, null, SpecSignature, SpecBody, SpecTime, Tolerance)));
        Assert.Equal("bad_timestamp", Check(() => CallbackSignature.Verify(secrets, SpecId, "yesterday", SpecSignature, SpecBody, SpecTime, Tolerance)));
        Assert.Equal("stale_timestamp", Check(() => CallbackSignature.Verify(secrets, SpecId, SpecTimestamp.ToString(), SpecSignature, SpecBody, SpecTime.AddMinutes(6), Tolerance)));
        Assert.Equal("stale_timestamp", Check(() => CallbackSignature.Verify(secrets, SpecId, SpecTimestamp.ToString(), SpecSignature, SpecBody, SpecTime.AddMinutes(-6), Tolerance)));
        var tampered = Encoding.UTF8.GetBytes("{\"test\": 2432232315}");
        Assert.Equal("bad_signature", Check(() => CallbackSignature.Verify(secrets, SpecId, SpecTimestamp.ToString(), SpecSignature, tampered, SpecTime, Tolerance)));
        Assert.Equal("bad_signature", Check(() => CallbackSignature.Verify(secrets, "msg_other", SpecTimestamp.ToString(), SpecSignature, SpecBody, SpecTime, Tolerance)));
        Assert.Equal("bad_signature", Check(() => CallbackSignature.Verify(secrets, SpecId, SpecTimestamp.ToString(), "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", SpecBody, SpecTime, Tolerance)));
    }

    [Fact]
    public void A_malformed_secret_is_named_by_position_not_shown()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => CallbackSignature.ParseSecrets(SpecSecret + " whsec_not*base64"));
        Assert.Contains("secret 2", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not*base64", refused.Message, StringComparison.Ordinal);
    }

    private static string Check(Action verify)
    {
        var refused = Assert.Throws<TesseraException>(verify);
        Assert.Equal(401, refused.Status);
        Assert.Equal("CALLBACK_UNAUTHORIZED", refused.Code);
        return (string)refused.Extensions["check"]!;
    }
}
