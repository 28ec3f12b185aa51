using Microsoft.AspNetCore.Http.HttpResults;
using Tessera.Data.Identity;

namespace Tessera.Server.Auth;

/// <summary>Organizations you belong to, and their memberships (for owners and admins).</summary>
internal static class OrganizationEndpoints
{
    public sealed record CreateOrganizationRequest(string Name);

    public sealed record SetMemberRequest(string Email, string Role);

    public static RouteGroupBuilder MapOrganizationEndpoints(this RouteGroupBuilder api)
    {
        var orgs = api.MapGroup("/orgs").WithTags("organizations").RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized);
        orgs.MapGet("/", ListAsync).WithName("ListOrganizations").WithSummary("Organizations you are a member of, with your role.");
        orgs.MapPost("/", CreateAsync).WithName("CreateOrganization").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Create an organization; you become its owner.");
        orgs.MapGet("/{orgId:guid}/members", ListMembersAsync).WithName("ListMembers").ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).WithSummary("List members (needs members:manage).");
        orgs.MapPut("/{orgId:guid}/members", SetMemberAsync).WithName("SetMember").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Add a member or change a role (needs members:manage).");
        orgs.MapDelete("/{orgId:guid}/members/{userId:guid}", RemoveMemberAsync).WithName("RemoveMember").ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).WithSummary("Remove a member (needs members:manage).");
        return api;
    }

    private static async Task<Ok<IReadOnlyList<OrganizationMembership>>> ListAsync(Caller caller, OrganizationService orgs, CancellationToken cancellationToken) =>
        TypedResults.Ok(await orgs.ListMineAsync(caller.Principal, cancellationToken).ConfigureAwait(false));

    private static async Task<Created<OrganizationRecord>> CreateAsync(CreateOrganizationRequest request, Caller caller, OrganizationService orgs, CancellationToken cancellationToken)
    {
        var org = await orgs.CreateAsync(caller.Principal, request.Name, caller.Actor, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/api/v1/orgs/{org.Id}", org);
    }

    private static async Task<Ok<IReadOnlyList<MemberRecord>>> ListMembersAsync(Guid orgId, Caller caller, OrganizationService orgs, CancellationToken cancellationToken) =>
        TypedResults.Ok(await orgs.ListMembersAsync(caller.Principal, orgId, cancellationToken).ConfigureAwait(false));

    private static async Task<Ok<MemberRecord>> SetMemberAsync(Guid orgId, SetMemberRequest request, Caller caller, OrganizationService orgs, CancellationToken cancellationToken) =>
        TypedResults.Ok(await orgs.SetMemberAsync(caller.Principal, orgId, request.Email, request.Role, caller.Actor, cancellationToken).ConfigureAwait(false));

    private static async Task<NoContent> RemoveMemberAsync(Guid orgId, Guid userId, Caller caller, OrganizationService orgs, CancellationToken cancellationToken)
    {
        await orgs.RemoveMemberAsync(caller.Principal, orgId, userId, caller.Actor, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }
}
