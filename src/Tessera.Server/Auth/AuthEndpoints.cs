using Microsoft.AspNetCore.Http.HttpResults;
using Tessera.Data.Identity;

namespace Tessera.Server.Auth;

internal static class AuthEndpoints
{
    public sealed record LoginRequest(string Email, string Password, string? Org);

    public sealed record TokenResponse(Guid Id, string Name, string DisplayHint, IReadOnlyList<string> Scopes, bool LoopbackOnly,
        DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, DateTimeOffset CreatedAt)
    {
        public static TokenResponse From(TokenRecord t) =>
            new(t.Id, t.Name, t.DisplayHint, t.ScopeList, t.LoopbackOnly, t.ExpiresAt, t.LastUsedAt, t.RevokedAt, t.CreatedAt);
    }

    /// <summary>A newly issued token: the only response that ever carries the plaintext.</summary>
    public sealed record IssuedTokenResponse(string Token, TokenResponse Details);

    public sealed record MeResponse(Guid UserId, string Email, string DisplayName, Guid OrgId, IReadOnlyList<string> Permissions, Guid? TokenId);

    public static RouteGroupBuilder MapAuthEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/auth/login", LoginAsync).WithName("Login").WithTags("auth").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status429TooManyRequests).WithSummary("Exchange email and password for a one-day token.").AllowAnonymous();
        api.MapGet("/me", MeAsync).WithName("GetMe").WithTags("auth").ProducesProblem(StatusCodes.Status401Unauthorized).WithSummary("The caller: user, organization and permissions.").RequireAuthorization();
        return api;
    }

    private static async Task<Ok<IssuedTokenResponse>> LoginAsync(LoginRequest request, HttpContext context, AccountService accounts, CancellationToken cancellationToken)
    {
        var issued = await accounts.LoginAsync(request.Email, request.Password, request.Org, context.Connection.RemoteIpAddress?.ToString(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new IssuedTokenResponse(issued.Token, TokenResponse.From(issued.Record)));
    }

    private static async Task<Ok<MeResponse>> MeAsync(Caller caller, AccountService accounts, CancellationToken cancellationToken)
    {
        var principal = caller.Principal;
        var user = await accounts.GetAsync(principal, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new MeResponse(user.Id, user.Email, user.DisplayName, principal.OrgId,
            principal.Permissions.Order(StringComparer.Ordinal).ToList(), principal.TokenId));
    }
}
