using System.Text.Json.Nodes;

namespace Tessera.Platform.Embedders;

/// <summary>
/// An OpenAI embeddings request: <c>model</c>, <c>input</c> (a string or a list of strings; token ids are refused),
/// <c>encoding_format</c> (<c>float</c>, the default, or <c>base64</c>: little-endian float32 bytes), <c>dimensions</c>
/// (accepted only when equal to the model's), <c>user</c> (ignored).
/// </summary>
public sealed record EmbeddingsRequest(string? Model, JsonNode? Input, string? EncodingFormat = null, int? Dimensions = null, string? User = null);

/// <summary>The OpenAI response shape, plus the model's sha256 for provenance.</summary>
public sealed record EmbeddingsResponse(string Object, IReadOnlyList<EmbeddingItem> Data, string Model, string ModelHash, EmbeddingsUsage Usage);

/// <param name="Object">Always <c>embedding</c>.</param>
/// <param name="Embedding">A list of numbers, or a base64 string under <c>encoding_format: base64</c>.</param>
/// <param name="Index">The input's position in the request.</param>
public sealed record EmbeddingItem(string Object, JsonNode Embedding, int Index);

/// <summary>Tokens as the model counts them ([CLS]/[SEP] included); words for classical text embedders; 0 for images.</summary>
public sealed record EmbeddingsUsage(int PromptTokens, int TotalTokens);

public sealed record ModelList(string Object, IReadOnlyList<ModelEntry> Data);

/// <summary>An installed embedder as OpenAI lists models, with its modality and origin (pretrained, classical, or remote: another server's).</summary>
public sealed record ModelEntry(string Id, string Object, long Created, string OwnedBy, string Modality, string Origin);
