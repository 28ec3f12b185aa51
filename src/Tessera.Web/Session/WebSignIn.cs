using Tessera.Core.Errors;
using Tessera.Data.Identity;

namespace Tessera.Web.Session;

/// <summary>
/// Turns what a person types on the sign-in page into a session token: email + password through the same login as
/// <c>POST /api/v1/auth/login</c>, or a pasted API token, from which a session token is minted that never exceeds it
/// (so signing out revokes the session and leaves the pasted token alone).
/// </summary>
public sealed class WebSignIn(AccountService accounts, TokenService tokens)
{
    public Task<IssuedToken> WithPasswordAsync(string? email, string? password, string? remoteAddress, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
            throw TesseraException.Validation("Enter your email and password, or paste an API token.");
        return accounts.LoginAsync(email, password, null, remoteAddress, cancellationToken);
    }

    public async Task<IssuedToken> WithTokenAsync(string token, bool fromLoopback, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        var (principal, failure) = await tokens.AuthenticateAsync(new TokenPresentation(token.Trim(), fromLoopback), cancellationToken).ConfigureAwait(false);
        if (principal is null) throw new TesseraException(failure!.Value.Code(), 401, failure.Value.Message());
        return await tokens.MintAsync(principal, SessionCookie.TokenName, [], AccountService.LoginTokenLifetime, actor, cancellationToken).ConfigureAwait(false);
    }
}
