namespace Tessera.Web.Session;

/// <summary>
/// Why a sign-in through an identity provider ended back on the sign-in page. The code travels in the address
/// (<c>/signin?error=CODE</c>) and the page shows the matching sentence, so no provider text is ever echoed.
/// </summary>
public static class ProviderSignInErrors
{
    public const string StateInvalid = "SIGNIN_STATE_INVALID";
    public const string ConsentDenied = "SIGNIN_DENIED";
    public const string ProviderError = "SIGNIN_PROVIDER_ERROR";
    public const string ProviderUnavailable = "SIGNIN_PROVIDER_UNAVAILABLE";
    public const string ProviderUnknown = "SIGNIN_PROVIDER_UNKNOWN";
    public const string TokenInvalid = "SIGNIN_TOKEN_INVALID";
    public const string NoAccount = "SIGNIN_NO_ACCOUNT";
    public const string NoRole = "SIGNIN_NO_ROLE";

    private static readonly Dictionary<string, string> Messages = new(StringComparer.Ordinal)
    {
        [StateInvalid] = "That sign-in could not be completed: it was not started from this browser, was already used, or took longer than 10 minutes. Start it again.",
        [ConsentDenied] = "The sign-in was cancelled at the identity provider.",
        [ProviderError] = "The identity provider refused the sign-in. Try again, or ask your organization's admin.",
        [ProviderUnavailable] = "The identity provider cannot be reached right now. Try again in a moment.",
        [ProviderUnknown] = "That identity provider is no longer configured.",
        [TokenInvalid] = "The identity provider's answer could not be verified, so you were not signed in.",
        [NoAccount] = "There is no Tessera account for you at this organization, and none is made at first sign-in: the provider does not create accounts, or your email is not verified by it, not in an allowed domain, or already taken. Ask your organization's admin.",
        [NoRole] = "Your identity provider grants you no role in this organization. Ask your organization's admin.",
    };

    /// <summary>The sentence for a code; null for a code this page does not know (a hand-edited address).</summary>
    public static string? MessageFor(string? code) => code is null ? null : Messages.GetValueOrDefault(code);
}
