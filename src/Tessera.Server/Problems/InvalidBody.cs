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
        if (EndsEarly(exception)) return null;
        return exception.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
    }

    /// <summary>A body cut short: the reader stops inside the last field it began, but the fault is the whole body.</summary>
    private static bool EndsEarly(JsonException exception) =>
        exception.Message.Contains("Expected depth to be zero", StringComparison.Ordinal) ||
        exception.Message.Contains("end of data", StringComparison.Ordinal);

    public static string Describe(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        // System.Text.Json appends " Path: … | LineNumber: … | BytePositionInLine: …"; the field is named up front instead.
        var message = exception.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        var reason = cut >= 0 ? message[..cut] : message;
        if (reason.StartsWith(NotConvertible, StringComparison.Ordinal))
            reason = $"expected {ExpectedToken(exception.InnerException) ?? Expected(reason[NotConvertible.Length..].TrimEnd('.'))}.";
        // "JSON deserialization for type 'Some.Type' was missing required properties including: 'run_b'." names a .NET type.
        var missing = reason.IndexOf(MissingRequired, StringComparison.Ordinal);
        if (missing >= 0) return $"The request body lacks required fields: {reason[(missing + MissingRequired.Length)..].TrimEnd('.')}.";
        return Field(exception) is { } field
            ? $"The field '{field}' is invalid: {reason}"
            : $"The request body is not valid JSON for this route: {reason}";
    }

    /// <summary>What a .NET type reads from, in JSON terms (the type names themselves mean nothing to a client).</summary>
    private static string Expected(string dotnetType) => WithoutNullable(dotnetType) switch
    {
        "System.Int32" or "System.Int64" => "an integer (a JSON number, not a string)",
        "System.Double" or "System.Single" => "a number (a JSON number, not a string)",
        "System.Guid" => "a UUID string",
        "System.Boolean" => "true or false",
        "System.String" => "a string",
        "System.DateTimeOffset" => "an RFC 3339 timestamp string",
        var type when type.Contains("List", StringComparison.Ordinal) || type.EndsWith("[]", StringComparison.Ordinal) => "an array",
        _ => "a JSON object of this route's request shape",
    };

    /// <summary>
    /// In a record's constructor argument the message names the record, not the property's type; the inner reader error
    /// ("Cannot get the value of a token type 'String' as a number.") still says what was wanted.
    /// </summary>
    private static string? ExpectedToken(Exception? inner) => inner?.Message switch
    {
        { } m when m.EndsWith(" as a number.", StringComparison.Ordinal) => "a number (a JSON number, not a string)",
        { } m when m.EndsWith(" as a boolean.", StringComparison.Ordinal) => "true or false",
        { } m when m.EndsWith(" as a string.", StringComparison.Ordinal) => "a string",
        _ => null,
    };

    /// <summary><c>System.Nullable`1[[System.Int32, System.Private.CoreLib, …]]</c> → <c>System.Int32</c>.</summary>
    private static string WithoutNullable(string dotnetType)
    {
        const string Nullable = "System.Nullable`1[";
        if (!dotnetType.StartsWith(Nullable, StringComparison.Ordinal)) return dotnetType;
        var inner = dotnetType[Nullable.Length..].TrimStart('[');
        var end = inner.IndexOfAny([',', ']']);
        return end >= 0 ? inner[..end] : inner;
    }

    public static IDictionary<string, object?>? Extensions(JsonException exception) =>
        Field(exception) is { } field ? new Dictionary<string, object?> { ["field"] = field } : null;
}
