using System.Text.Json.Nodes;
using Tessera.Core.Hashing;

namespace Tessera.Jobs.Storage;

/// <summary>
/// The input's identity: <see cref="InputHash"/> hashes the canonical input alone; <see cref="Signature"/>
/// hashes it with the kind and the handler version, so a new handler version never reuses an old result.
/// </summary>
internal sealed record InputSignature(string CanonicalInput, string InputHash, string Signature)
{
    public static InputSignature Of(string kind, int version, JsonNode? input)
    {
        var canonical = CanonicalJson.Serialize(input);
        var signature = CanonicalJson.Sha256(new JsonObject
        {
            ["input"] = JsonNode.Parse(canonical),
            ["kind"] = kind,
            ["kind_version"] = version,
        });
        return new InputSignature(canonical, Sha256Hex.Of(canonical), signature);
    }
}
