using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Tessera.Core.Errors;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Text;

namespace Tessera.Platform.Embedders;

/// <summary>
/// The embeddings API without HTTP: validates an OpenAI-style request, embeds with a registered embedder (never a
/// path: only names the registry lists are accepted), and shapes the response.
/// </summary>
public sealed class EmbeddingsService(EmbedderRegistry registry)
{
    /// <summary>Inputs per request, as OpenAI allows.</summary>
    public const int MaxInputs = 2048;

    public async Task<EmbeddingsResponse> EmbedTextsAsync(EmbeddingsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var texts = Inputs(request.Input);
        var base64 = Base64(request.EncodingFormat);
        var named = Find(request.Model);
        if (named.Modality == EmbeddingModality.Image)
            throw new TesseraException(EmbeddingErrorCodes.WrongModality, 400, $"The model '{named.Name}' embeds images: send them to /api/v1/embeddings/images.");
        var embedder = await registry.GetAsync(named.Name, cancellationToken).ConfigureAwait(false);
        CheckDimensions(request.Dimensions, embedder.Descriptor);
        var embeddings = await embedder.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false);
        var tokens = texts.Sum(t => embedder is BertTextEmbedder bert ? bert.CountTokens(t) : t.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length);
        return Response(embedder.Descriptor, embeddings, base64, tokens);
    }

    public async Task<EmbeddingsResponse> EmbedImagesAsync(string? model, IReadOnlyList<DataContent> images, string? encodingFormat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new TesseraException(EmbeddingErrorCodes.InvalidInput, 400, "Send at least one image in a 'file' field.");
        if (images.Count > MaxInputs) throw new TesseraException(EmbeddingErrorCodes.InvalidInput, 400, $"At most {MaxInputs} images per request.");
        var base64 = Base64(encodingFormat);
        var named = Find(model);
        if (named.Modality != EmbeddingModality.Image)
            throw new TesseraException(EmbeddingErrorCodes.WrongModality, 400, $"The model '{named.Name}' does not embed images: send text to /api/v1/embeddings.");
        var embedder = await registry.GetImageAsync(named.Name, cancellationToken).ConfigureAwait(false);
        var embeddings = await embedder.GenerateAsync(images, cancellationToken: cancellationToken).ConfigureAwait(false);
        return Response(embedder.Descriptor, embeddings, base64, 0);
    }

    public ModelList Models(long created) => new("list",
        [.. registry.Named.Select(n => new ModelEntry(n.Name, "model", created, "tessera", ModalityName(n.Modality), OriginName(n.Origin)))]);

    private static string OriginName(EmbedderOrigin origin) => origin switch
    {
        EmbedderOrigin.Classical => "classical",
        EmbedderOrigin.Remote => "remote",
        _ => "pretrained",
    };

    private NamedEmbedder Find(string? model)
    {
        if (string.IsNullOrWhiteSpace(model)) throw TesseraException.Validation("model is required.");
        return registry.Named.FirstOrDefault(n => n.Name == model)
            ?? throw new TesseraException(EmbeddingErrorCodes.ModelNotFound, 404, $"No embedder is named '{model}'. GET /v1/models lists them.");
    }

    private static List<string> Inputs(JsonNode? input)
    {
        if (input is JsonValue single && single.TryGetValue<string>(out var text)) return [text];
        if (input is not JsonArray list) throw new TesseraException(EmbeddingErrorCodes.InvalidInput, 400, "input must be a string or a list of strings.");
        var texts = new List<string>(list.Count);
        foreach (var item in list)
        {
            if (item is JsonArray || item?.GetValueKind() == JsonValueKind.Number)
                throw new TesseraException(EmbeddingErrorCodes.TokenInputUnsupported, 400, "input holds token ids; Tessera tokenizes itself: send the text as a string or a list of strings.");
            if (item is not JsonValue value || !value.TryGetValue<string>(out var entry))
                throw new TesseraException(EmbeddingErrorCodes.InvalidInput, 400, "input must be a string or a list of strings.");
            texts.Add(entry);
        }
        if (texts.Count == 0) throw new TesseraException(EmbeddingErrorCodes.InvalidInput, 400, "input is an empty list.");
        if (texts.Count > MaxInputs) throw new TesseraException(EmbeddingErrorCodes.InvalidInput, 400, $"At most {MaxInputs} inputs per request.");
        return texts;
    }

    private static bool Base64(string? format) => format switch
    {
        null or "float" => false,
        "base64" => true,
        _ => throw new TesseraException(EmbeddingErrorCodes.EncodingFormatUnsupported, 400, $"encoding_format '{format}' is not supported: use float or base64."),
    };

    private static void CheckDimensions(int? dimensions, EmbedderDescriptor descriptor)
    {
        if (dimensions is { } asked && asked != descriptor.Dimension)
            throw new TesseraException(EmbeddingErrorCodes.DimensionsUnsupported, 400, $"{descriptor.Name} gives {descriptor.Dimension} dimensions and cannot shorten them; omit dimensions or ask for {descriptor.Dimension}.");
    }

    private static EmbeddingsResponse Response(EmbedderDescriptor descriptor, GeneratedEmbeddings<Embedding<float>> embeddings, bool base64, int tokens)
    {
        var data = new List<EmbeddingItem>(embeddings.Count);
        for (var i = 0; i < embeddings.Count; i++)
        {
            var vector = embeddings[i].Vector.Span;
            // OpenAI's base64 is little-endian float32, which is this process's layout on x64 and arm64.
            JsonNode embedding = base64
                ? JsonValue.Create(Convert.ToBase64String(MemoryMarshal.AsBytes(vector)))
                : new JsonArray([.. vector.ToArray().Select(v => (JsonNode)JsonValue.Create(v))]);
            data.Add(new EmbeddingItem("embedding", embedding, i));
        }
        return new EmbeddingsResponse("list", data, descriptor.Name, descriptor.ModelHash, new EmbeddingsUsage(tokens, tokens));
    }

    private static string ModalityName(EmbeddingModality modality) => modality switch
    {
        EmbeddingModality.Image => "image",
        EmbeddingModality.ProteinSequence => "protein-sequence",
        _ => "text",
    };
}
