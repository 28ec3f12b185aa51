namespace Tessera.Data.Identity;

/// <summary>Why a presented token was refused; each has its own plain message and stable code.</summary>
public enum TokenFailure
{
    Missing,
    Malformed,
    Unknown,
    Expired,
    Revoked,
    NotAMember,
    LoopbackOnly,

    // A provider's JWT access token (see docs/identity-providers.md): which check failed.
    IssuerUnknown,
    IssuerUnavailable,
    AudienceInvalid,
    SignatureInvalid,
    NotYetValid,
    NoAccount,
    NoRole,
}

public static class TokenFailureText
{
    public static string Code(this TokenFailure failure) => failure switch
    {
        TokenFailure.Missing => "TOKEN_MISSING",
        TokenFailure.Malformed => "TOKEN_MALFORMED",
        TokenFailure.Unknown => "TOKEN_INVALID",
        TokenFailure.Expired => "TOKEN_EXPIRED",
        TokenFailure.Revoked => "TOKEN_REVOKED",
        TokenFailure.NotAMember => "TOKEN_MEMBERSHIP_ENDED",
        TokenFailure.IssuerUnknown => "TOKEN_ISSUER_UNKNOWN",
        TokenFailure.IssuerUnavailable => "TOKEN_ISSUER_UNAVAILABLE",
        TokenFailure.AudienceInvalid => "TOKEN_AUDIENCE_INVALID",
        TokenFailure.SignatureInvalid => "TOKEN_SIGNATURE_INVALID",
        TokenFailure.NotYetValid => "TOKEN_NOT_YET_VALID",
        TokenFailure.NoAccount => "TOKEN_NO_ACCOUNT",
        TokenFailure.NoRole => "TOKEN_NO_ROLE",
        _ => "TOKEN_LOOPBACK_ONLY",
    };

    public static string Message(this TokenFailure failure) => failure switch
    {
        TokenFailure.Missing => "Authentication required: send an 'Authorization: Bearer <token>' header.",
        TokenFailure.Malformed => "The Authorization header is malformed: expected 'Bearer tsr_…' with a Tessera API token, or an identity provider's JWT access token.",
        TokenFailure.Unknown => "The token is not valid. Create a new one with 'tessera token create' or POST /api/v1/auth/login.",
        TokenFailure.Expired => "The token has expired. Create a new one.",
        TokenFailure.Revoked => "The token has been revoked. Create a new one.",
        TokenFailure.NotAMember => "The token's user is no longer a member of the token's organization.",
        TokenFailure.IssuerUnknown => "The token's issuer is not an identity provider configured in Tessera.",
        TokenFailure.IssuerUnavailable => "The token's identity provider could not be reached for its signing keys; try again later.",
        TokenFailure.AudienceInvalid => "The token was not issued for Tessera's API: its audience is not the one configured for its identity provider, or it is a sign-in's ID token.",
        TokenFailure.SignatureInvalid => "The token's signature does not verify against its identity provider's published keys.",
        TokenFailure.NotYetValid => "The token is not valid yet.",
        TokenFailure.NoAccount => "The token's identity has no Tessera account, and its identity provider may not create one for it.",
        TokenFailure.NoRole => "The token's claims grant no role in the identity provider's organization.",
        _ => "This demo token only works from the same machine (loopback), without a proxy in between.",
    };
}

/// <summary>What a request presents: the token (or none) and whether it came straight from loopback.</summary>
public sealed record TokenPresentation(string? Token, bool FromLoopback);
