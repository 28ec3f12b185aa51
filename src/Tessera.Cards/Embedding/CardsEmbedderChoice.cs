using Tessera.Core.Errors;
using Tessera.Inference.Classical;
using Tessera.Inference.Embeddings;

namespace Tessera.Cards.Embedding;

/// <summary>
/// Which image embedder card images go through: the one asked for, or the pretrained ResNet18 — and, only when its
/// model files are not installed, the classical colour/gradient/perceptual-hash descriptor, with the reason given
/// back so every report can say so.
/// </summary>
internal sealed class CardsEmbedderChoice(EmbedderRegistry registry)
{
    public const string Default = PretrainedEmbedders.ResNet18;

    public async Task<(ITesseraImageEmbedder Embedder, string? Fallback)> GetAsync(string? requested, CancellationToken cancellationToken)
    {
        var name = string.IsNullOrWhiteSpace(requested) ? Default : requested.Trim();
        var named = registry.Named.FirstOrDefault(n => n.Name == name);
        if (named is null || named.Modality != EmbeddingModality.Image)
        {
            var available = registry.Named.Where(n => n.Modality == EmbeddingModality.Image).Select(n => n.Name);
            throw TesseraException.Validation($"Unknown image embedder '{name}' (--model). Available: {string.Join(", ", available)}.");
        }
        try
        {
            return (await registry.GetImageAsync(name, cancellationToken).ConfigureAwait(false), null);
        }
        catch (FileNotFoundException e) when (requested is null)
        {
            var fallback = $"The pretrained model {name} is not installed ({e.Message}); using the classical descriptor {ColourGradientHashImageEmbedder.ModelName}, which tells near-identical images apart far less well.";
            return (await registry.GetImageAsync(ColourGradientHashImageEmbedder.ModelName, cancellationToken).ConfigureAwait(false), fallback);
        }
        catch (FileNotFoundException e)
        {
            throw new TesseraException(CardsErrorCodes.ModelMissing, 409, $"The model {name} is not installed: {e.Message}");
        }
    }
}
