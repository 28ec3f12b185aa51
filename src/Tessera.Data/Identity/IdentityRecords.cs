namespace Tessera.Data.Identity;

public sealed record UserRecord
{
    public Guid Id { get; init; }
    public string Email { get; init; } = "";
    public string DisplayName { get; init; } = "";
    public string? PasswordHash { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

public sealed record OrganizationRecord
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>An organization as one of its members sees it.</summary>
public sealed record OrganizationMembership
{
    public Guid Id { get; init; }
    public string Name { get; init; } = "";
    public string Role { get; init; } = "";
}

public sealed record MemberRecord
{
    public Guid UserId { get; init; }
    public string Email { get; init; } = "";
    public string DisplayName { get; init; } = "";
    public string Role { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A token as stored: never the plaintext, and the hash stays inside the data layer.</summary>
public sealed record TokenRecord
{
    public Guid Id { get; init; }
    public Guid UserId { get; init; }
    public Guid OrgId { get; init; }
    public string Name { get; init; } = "";
    public string DisplayHint { get; init; } = "";
    public string Scopes { get; init; } = "";
    public bool LoopbackOnly { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset? LastUsedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>What the authentication handler needs about a presented token, loaded in one query.</summary>
internal sealed record TokenCredential
{
    public Guid Id { get; init; }
    public Guid UserId { get; init; }
    public Guid OrgId { get; init; }
    public string TokenHash { get; init; } = "";
    public string Scopes { get; init; } = "";
    public bool LoopbackOnly { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public DateTimeOffset? LastUsedAt { get; init; }
    public string? Role { get; init; }
}

/// <summary>A token just issued: the plaintext exists only in this object and the response that shows it once.</summary>
public sealed record IssuedToken(string Token, TokenRecord Record);

/// <summary>Who did a write, from where.</summary>
public sealed record AuditActor(Guid? UserId, Guid? OrgId, string? RemoteAddress);
