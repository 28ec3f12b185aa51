using System.Text.Json;

namespace Tessera.Server.Problems;

/// <summary>A JSON body that does not bind, said in words that name the field (<c>k</c>, <c>run_ids[0]</c>) rather than the handler's parameter.</summary>
internal static class InvalidBody
{
    private const string MissingRequired = "missing required properties including: ";
    private const string NotConvertible = "The JSON value could not be converted to ";

    /// <summary>The field at fault as the client wrote it, or null when the fault is the body as a whole.</summary>
    public static string? Field(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
    }

    public static string Describe(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        // System.Text.Json appends " Path: … | LineNumber: … | BytePositionInLine: …"; the field is named up front instead.
        var message = exception.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        var reason = cut >= 0 ? message[..cut] : message;
        if (reason.StartsWith(NotConvertible, StringComparison.Ordinal)) reason = $"expected {Expected(reason[NotConvertible.Length..].TrimEnd('.'))}.";
        // "JSON deserialization for type 'Some.Type' was missing required properties including: 'run_b'." names a .NET type.
        var missing = reason.IndexOf(MissingRequired, StringComparison.Ordinal);
        if (missing >= 0) return $"The request body lacks required fields: {reason[(missing + MissingRequired.Length)..].TrimEnd('.')}.";
        return Field(exception) is { } field
            ? $"The field '{field}' is invalid: {reason}"
            : $"The request body is not valid JSON for this route: {reason}";
    }

    /// <summary>What a .NET type reads from, in JSON terms (the type names themselves mean nothing to a client).</summary>
    private static string Expected(string dotnetType) => dotnetType switch
    {
        "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" or "System.Nullable`1[System.Int64]" => "an integer (a JSON number, not a string)",
        "System.Double" or "System.Single" or "System.Nullable`1[System.Double]" => "a number (a JSON number, not a string)",
        "System.Guid" or "System.Nullable`1[System.Guid]" => "a UUID string",
        "System.Boolean" or "System.Nullable`1[System.Boolean]" => "true or false",
        "System.String" => "a string",
        "System.DateTimeOffset" or "System.Nullable`1[System.DateTimeOffset]" => "an RFC 3339 timestamp string",
        _ when dotnetType.Contains("List", StringComparison.Ordinal) || dotnetType.EndsWith("[]", StringComparison.Ordinal) => "an array",
        _ => "a JSON object of this route's request shape",
    };

    public static IDictionary<string, object?>? Extensions(JsonException exception) =>
        Field(exception) is { } field ? new Dictionary<string, object?> { ["field"] = field } : null;
}
