using System.Text.Json;

namespace Tessera.Inference.Remote;

/// <summary>The parts of the OpenAI embeddings request and response a client needs.</summary>
internal static class OpenAiEmbeddingsWire
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public sealed record Request(string Model, IReadOnlyList<string> Input, string EncodingFormat = "float");

    public sealed record Response(IReadOnlyList<Item>? Data, string? Model);

    public sealed record Item(int Index, float[]? Embedding);
}
