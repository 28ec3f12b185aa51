using System.Text.Json.Nodes;

namespace Tessera.Chem.Tasks;

/// <summary>
/// A task definition offered for registration (the API's body and the CLI's file). <paramref name="Version"/> null: one
/// more than the newest version of the name; a version that exists is refused, since versions never change. <paramref name="Cache"/> is the optional result-cache policy (<see cref="TaskCachePolicy"/>).
/// </summary>
internal sealed record ChemTaskRegistration(
    string? Name, int? Version, string? Description, JsonNode? InputSchema, JsonNode? OutputSchema, JsonNode? Resources, JsonNode? Cache = null);
