using System.Security.Claims;
using Tessera.Core.Identity;

namespace Tessera.Data.Identity.Providers;

/// <summary>
/// An organization's OpenID Connect provider as admins see it: never the client secret, only whether one is stored.
/// A token is accepted from it when its <c>iss</c> is <see cref="Issuer"/> and its <c>aud</c> holds <see cref="Audience"/>.
/// </summary>
public sealed record IdentityProviderRecord
{
    public Guid Id { get; init; }
    public Guid OrgId { get; init; }
    public string Name { get; init; } = "";
    public string Issuer { get; init; } = "";
    public string ClientId { get; init; } = "";
    public bool HasClientSecret { get; init; }
    public string Audience { get; init; } = "";
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>Email domains a user created just in time may have; empty allows any.</summary>
    public IReadOnlyList<string> AllowedEmailDomains { get; init; } = [];
    public ClaimMappings Claims { get; init; } = new();

    /// <summary>Role claim value → Tessera role in <see cref="OrgId"/>; the highest role any value maps to wins.</summary>
    public IReadOnlyDictionary<string, string> RoleMappings { get; init; } = new Dictionary<string, string>();

    /// <summary>The role of a user whose claims map to none; null refuses them.</summary>
    public string? DefaultRole { get; init; }

    /// <summary>Whether a subject seen for the first time becomes a new user (just-in-time provisioning).</summary>
    public bool AllowJit { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The role the claim values grant, or null when they grant none.</summary>
    public string? RoleFor(IEnumerable<string> roleClaimValues)
    {
        var granted = roleClaimValues.Select(v => RoleMappings.GetValueOrDefault(v)).OfType<string>().ToList();
        return granted.Count == 0 ? DefaultRole : Roles.All.First(granted.Contains);
    }

    /// <summary>Whether a user with this email may be created just in time.</summary>
    public bool AllowsEmail(string? email) =>
        email is { Length: > 0 } && (AllowedEmailDomains.Count == 0 || AllowedEmailDomains.Contains(email[(email.LastIndexOf('@') + 1)..].ToLowerInvariant()));
}

/// <summary>Which claims carry the user's stable id, email, display name and role values.</summary>
public sealed record ClaimMappings(string Subject = "sub", string Email = "email", string Name = "name", string Roles = "groups");

/// <summary>What an admin gives to add a provider; unset values take the documented defaults.</summary>
public sealed record IdentityProviderInput
{
    public string Name { get; init; } = "";
    public string Issuer { get; init; } = "";
    public string ClientId { get; init; } = "";
    public string? ClientSecret { get; init; }
    public string? Audience { get; init; }
    public IReadOnlyList<string>? Scopes { get; init; }
    public IReadOnlyList<string>? AllowedEmailDomains { get; init; }
    public ClaimMappings? Claims { get; init; }
    public IReadOnlyDictionary<string, string>? RoleMappings { get; init; }
    public string? DefaultRole { get; init; }
    public bool AllowJit { get; init; }
}

/// <summary>
/// What a validated token says about its holder, read through the provider's claim mappings; <paramref name="EmailVerified"/>
/// is the token's standard <c>email_verified</c> claim (true, or the text "true", as some providers send it) when the
/// email is the standard <c>email</c> claim.
/// </summary>
public sealed record ExternalClaims(string Issuer, string Subject, string? Email, string? Name, IReadOnlyList<string> RoleValues, bool EmailVerified = false)
{
    /// <summary>
    /// A validated token's claims through <paramref name="provider"/>'s mappings, the same for API access tokens and
    /// sign-in ID tokens; null without a subject.
    /// </summary>
    public static ExternalClaims? Read(IdentityProviderRecord provider, string issuer, ClaimsIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(identity);
        // Always the issuer's own `sub`, whatever a provider stored before other subject claims were refused.
        var subject = identity.FindFirst("sub")?.Value;
        if (string.IsNullOrEmpty(subject)) return null;
        return new ExternalClaims(
            issuer, subject,
            identity.FindFirst(provider.Claims.Email)?.Value,
            identity.FindFirst(provider.Claims.Name)?.Value,
            identity.FindAll(provider.Claims.Roles).Select(c => c.Value).ToList(),
            // email_verified speaks of the standard email claim only, not of another claim mapped as the email.
            provider.Claims.Email == "email" && string.Equals(identity.FindFirst("email_verified")?.Value, "true", StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>A provider an organization's sign-in page offers: its id and name, nothing else.</summary>
public sealed record SignInChoice
{
    public Guid ProviderId { get; init; }
    public string Name { get; init; } = "";
}

/// <summary>A provider row as stored: lists and mappings as text, the secret sealed.</summary>
internal sealed record IdentityProviderRow
{
    public Guid Id { get; init; }
    public Guid OrgId { get; init; }
    public string Name { get; init; } = "";
    public string Issuer { get; init; } = "";
    public string ClientId { get; init; } = "";
    public string? ClientSecret { get; init; }
    public string Audience { get; init; } = "";
    public string Scopes { get; init; } = "";
    public string AllowedEmailDomains { get; init; } = "";
    public string ClaimSubject { get; init; } = "";
    public string ClaimEmail { get; init; } = "";
    public string ClaimName { get; init; } = "";
    public string ClaimRoles { get; init; } = "";
    public string RoleMappings { get; init; } = "{}";
    public string? DefaultRole { get; init; }
    public bool AllowJit { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>An external identity's user and that user's role in the provider's organization (null: not a member).</summary>
internal sealed record LinkedIdentity
{
    public Guid Id { get; init; }
    public Guid UserId { get; init; }
    public string? Role { get; init; }
    public DateTimeOffset LastSeenAt { get; init; }
}
