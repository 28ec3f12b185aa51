using System.Text.Json.Serialization;

namespace Tessera.Chem.Tasks;

/// <summary>
/// One failed check: where in the instance (a JSON Pointer, "" for the root), which keyword, and the message. The names
/// are fixed because the record travels in a problem's <c>errors</c> extension, outside the API's naming policy.
/// </summary>
internal sealed record SchemaError(
    [property: JsonPropertyName("instance_path")] string InstancePath,
    [property: JsonPropertyName("keyword")] string Keyword,
    [property: JsonPropertyName("message")] string Message);
