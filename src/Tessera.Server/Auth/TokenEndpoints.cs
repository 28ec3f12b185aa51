using Microsoft.AspNetCore.Http.HttpResults;
using Tessera.Core.Errors;
using Tessera.Core.Identity;
using Tessera.Data.Identity;
using static Tessera.Server.Auth.AuthEndpoints;

namespace Tessera.Server.Auth;

/// <summary>The caller's own API tokens: list, create (shown once) and revoke.</summary>
internal static class TokenEndpoints
{
    public sealed record CreateTokenRequest(string Name, IReadOnlyList<string>? Scopes, int? ExpiresInDays);

    public static RouteGroupBuilder MapTokenEndpoints(this RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/tokens").WithTags("tokens").RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        tokens.MapGet("/", ListAsync).WithName("ListTokens").WithSummary("List your tokens (never their secrets).");
        tokens.MapPost("/", CreateAsync).WithName("CreateToken").ProducesProblem(StatusCodes.Status400BadRequest).WithSummary("Create a token; the response shows it once.");
        tokens.MapDelete("/{id:guid}", RevokeAsync).WithName("RevokeToken").ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Revoke one of your tokens.");
        return api;
    }

    private static async Task<Ok<List<TokenResponse>>> ListAsync(Caller caller, TokenService tokens, CancellationToken cancellationToken)
    {
        var principal = caller.Require(Permissions.TokensManage);
        var list = await tokens.ListAsync(principal, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(list.Select(TokenResponse.From).ToList());
    }

    private static async Task<Created<IssuedTokenResponse>> CreateAsync(CreateTokenRequest request, Caller caller, TokenService tokens, CancellationToken cancellationToken)
    {
        var principal = caller.Require(Permissions.TokensManage);
        if (request.ExpiresInDays is < 1 or > 3650) throw TesseraException.Validation("expires_in_days must be from 1 to 3650.");
        var lifetime = TimeSpan.FromDays(request.ExpiresInDays ?? 90);
        var issued = await tokens.MintAsync(principal, request.Name, request.Scopes ?? [], lifetime, caller.Actor, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/api/v1/tokens/{issued.Record.Id}", new IssuedTokenResponse(issued.Token, TokenResponse.From(issued.Record)));
    }

    private static async Task<NoContent> RevokeAsync(Guid id, Caller caller, TokenService tokens, CancellationToken cancellationToken)
    {
        var principal = caller.Require(Permissions.TokensManage);
        await tokens.RevokeOwnAsync(principal, id, caller.Actor, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }
}
