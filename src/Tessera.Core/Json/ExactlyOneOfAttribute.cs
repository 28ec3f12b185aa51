namespace Tessera.Core.Json;

/// <summary>
/// On a request type: a request gives exactly one of these properties (C# names), the others absent or null. The
/// OpenAPI document says so as a <c>oneOf</c>; the service still checks it and answers a problem naming the fields.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class ExactlyOneOfAttribute(params string[] properties) : Attribute
{
    public IReadOnlyList<string> Properties { get; } = properties;
}
