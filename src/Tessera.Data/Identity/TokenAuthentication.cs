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
        _ => "TOKEN_LOOPBACK_ONLY",
    };

    public static string Message(this TokenFailure failure) => failure switch
    {
        TokenFailure.Missing => "Authentication required: send an 'Authorization: Bearer <token>' header.",
        TokenFailure.Malformed => "The Authorization header is malformed: expected 'Bearer tsr_…' with a Tessera API token.",
        TokenFailure.Unknown => "The token is not valid. Create a new one with 'tessera token create' or POST /api/v1/auth/login.",
        TokenFailure.Expired => "The token has expired. Create a new one.",
        TokenFailure.Revoked => "The token has been revoked. Create a new one.",
        TokenFailure.NotAMember => "The token's user is no longer a member of the token's organization.",
        _ => "This demo token only works from the same machine (loopback), without a proxy in between.",
    };
}

/// <summary>What a request presents: the token (or none) and whether it came straight from loopback.</summary>
public sealed record TokenPresentation(string? Token, bool FromLoopback);
