using System.Text.Json;

namespace Tessera.Chem.Cli;

/// <summary>The JSON the verbs print: the API's field names (snake_case), one document per line.</summary>
internal static class ChemCliJson
{
    public static JsonSerializerOptions Options { get; } = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static void Print<T>(T value) => Console.WriteLine(JsonSerializer.Serialize(value, Options));
}
