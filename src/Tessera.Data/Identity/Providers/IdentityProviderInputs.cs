using System.Net;
using System.Text.Json;
using Tessera.Core.Errors;
using Tessera.Core.Identity;

namespace Tessera.Data.Identity.Providers;

/// <summary>Checks what an admin gives for a provider and turns it into the stored row (secret sealed) and back.</summary>
internal static class IdentityProviderInputs
{
    private const int MaxText = 200;
    private static readonly string[] DefaultScopes = ["openid", "email", "profile"];

    /// <summary>Roles claims may grant. Owners are named by hand: a claim at the provider cannot make one, nor demote one.</summary>
    public static readonly IReadOnlyList<string> MappableRoles = [Roles.Admin, Roles.Member, Roles.Viewer];

    public static IdentityProviderRow ToRow(IdentityProviderInput input, Guid orgId, SecretBox secrets, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        var clientId = Text(input.ClientId, "client_id");
        var claims = input.Claims ?? new ClaimMappings();
        var mappings = input.RoleMappings ?? new Dictionary<string, string>();
        foreach (var (value, role) in mappings)
        {
            Text(value, "a role mapping's claim value");
            if (!MappableRoles.Contains(role)) throw TesseraException.Validation($"Role mapping '{value}' names '{role}': claims may grant {string.Join(", ", MappableRoles)}.");
        }
        if (input.DefaultRole is { } fallback && !MappableRoles.Contains(fallback))
            throw TesseraException.Validation($"The default role may be {string.Join(", ", MappableRoles)}, or none.");
        return new IdentityProviderRow
        {
            Id = Guid.CreateVersion7(),
            OrgId = orgId,
            Name = Text(input.Name, "name"),
            Issuer = Issuer(input.Issuer),
            ClientId = clientId,
            ClientSecret = input.ClientSecret is { Length: > 0 } secret ? secrets.Seal(secret) : null,
            Audience = input.Audience is { Length: > 0 } audience ? Text(audience, "audience") : clientId,
            Scopes = Words(input.Scopes ?? DefaultScopes, "scope", s => s),
            AllowedEmailDomains = Words(input.AllowedEmailDomains ?? [], "email domain", Domain),
            ClaimSubject = SubjectClaim(claims.Subject),
            ClaimEmail = Text(claims.Email, "the email claim"),
            ClaimName = Text(claims.Name, "the name claim"),
            ClaimRoles = Text(claims.Roles, "the roles claim"),
            RoleMappings = JsonSerializer.Serialize(mappings),
            DefaultRole = input.DefaultRole,
            AllowJit = input.AllowJit,
            CreatedAt = now,
        };
    }

    public static IdentityProviderRecord ToRecord(IdentityProviderRow row) => new()
    {
        Id = row.Id,
        OrgId = row.OrgId,
        Name = row.Name,
        Issuer = row.Issuer,
        ClientId = row.ClientId,
        HasClientSecret = row.ClientSecret is not null,
        Audience = row.Audience,
        Scopes = Split(row.Scopes),
        AllowedEmailDomains = Split(row.AllowedEmailDomains),
        Claims = new ClaimMappings(row.ClaimSubject, row.ClaimEmail, row.ClaimName, row.ClaimRoles),
        RoleMappings = JsonSerializer.Deserialize<Dictionary<string, string>>(row.RoleMappings) ?? [],
        DefaultRole = row.DefaultRole,
        AllowJit = row.AllowJit,
        CreatedAt = row.CreatedAt,
    };

    /// <summary>
    /// An absolute https URL without query or fragment (plain http only on a loopback address, for a provider on the same
    /// machine: a name such as localhost could resolve elsewhere). Kept exactly as given: a token's <c>iss</c> must equal
    /// it character for character.
    /// </summary>
    private static string Issuer(string? issuer)
    {
        issuer = Text(issuer, "issuer");
        if (!Uri.TryCreate(issuer, UriKind.Absolute, out var uri) || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0
            || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address))))
        {
            throw TesseraException.Validation(
                $"The issuer '{issuer}' must be an https URL without query or fragment (http only on a loopback address such as 127.0.0.1).");
        }
        return issuer;
    }

    /// <summary>
    /// Identities are matched by (issuer, subject) across every provider of that issuer, so the subject must be the
    /// issuer's own stable <c>sub</c>: a claim a provider's admin chose (or a user can edit) would let a user of one
    /// provider be resolved to another provider's account.
    /// </summary>
    private static string SubjectClaim(string? claim) =>
        Text(claim, "the subject claim") is "sub" ? "sub" : throw TesseraException.Validation(
            "The subject claim must be 'sub': identities are matched by issuer and subject across every provider of an issuer.");

    private static string Domain(string domain)
    {
        domain = domain.Trim().ToLowerInvariant();
        return Uri.CheckHostName(domain) == UriHostNameType.Dns && domain.Contains('.', StringComparison.Ordinal)
            ? domain
            : throw TesseraException.Validation($"'{domain}' is not an email domain.");
    }

    private static string Words(IEnumerable<string> values, string what, Func<string, string> check) =>
        string.Join(' ', values.Select(v => check(Text(v, what))).Select(v => v.Contains(' ', StringComparison.Ordinal)
            ? throw TesseraException.Validation($"A {what} has no spaces: '{v}'.")
            : v).Distinct());

    private static string Text(string? value, string what)
    {
        value = (value ?? "").Trim();
        return value.Length is 0 or > MaxText ? throw TesseraException.Validation($"Give {what} (1 to {MaxText} characters).") : value;
    }

    private static List<string> Split(string words) => [.. words.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
}
