using Tessera.Core.Errors;
using Tessera.Inference.Checkpoints;

namespace Tessera.Inference.Esm;

/// <summary>The ESM-2 geometry and switches read from <c>config.json</c>.</summary>
internal sealed record EsmConfig(
    int Layers,
    int Hidden,
    int Heads,
    int Intermediate,
    int VocabularySize,
    int MaxPositions,
    float LayerNormEpsilon,
    bool TokenDropout,
    int MaskTokenId,
    int PadTokenId)
{
    public int HeadDimension => Hidden / Heads;

    /// <summary>Residues that fit one forward pass: the position limit less BOS and EOS, as fair-esm counts it (1024 − 2).</summary>
    public int MaxResidues => Math.Min(MaxPositions, 1024) - 2;

    private static readonly string[] KnownArchitectures = ["EsmModel", "EsmForMaskedLM", "EsmForSequenceClassification", "EsmForTokenClassification"];

    public static EsmConfig From(HfCheckpointFolder folder)
    {
        var architectures = folder.Architectures;
        var unknown = architectures.FirstOrDefault(a => !KnownArchitectures.Contains(a));
        if (folder.ModelType != "esm" || unknown is not null)
        {
            var named = unknown ?? (architectures.Count > 0 ? architectures[0] : folder.ModelType);
            throw TesseraException.Validation(
                $"Unknown architecture '{named}' (model_type '{folder.ModelType}') in {folder.Directory}; supported: model_type 'esm' with {string.Join(", ", KnownArchitectures)}.");
        }
        var positionType = folder.String("position_embedding_type") ?? "absolute";
        if (positionType != "rotary")
            throw TesseraException.Validation($"ESM checkpoint {folder.Directory} uses '{positionType}' position embeddings; only ESM-2's 'rotary' is supported.");
        if (folder.Bool("emb_layer_norm_before", false))
            throw TesseraException.Validation($"ESM checkpoint {folder.Directory} sets emb_layer_norm_before (ESM-1b layout); only ESM-2 is supported.");
        var activation = folder.String("hidden_act") ?? "gelu";
        if (activation != "gelu")
            throw TesseraException.Validation($"ESM checkpoint {folder.Directory} uses hidden_act '{activation}'; only 'gelu' is supported.");
        var config = new EsmConfig(
            Layers: folder.RequiredInt("num_hidden_layers"),
            Hidden: folder.RequiredInt("hidden_size"),
            Heads: folder.RequiredInt("num_attention_heads"),
            Intermediate: folder.RequiredInt("intermediate_size"),
            VocabularySize: folder.RequiredInt("vocab_size"),
            MaxPositions: folder.RequiredInt("max_position_embeddings"),
            LayerNormEpsilon: (float)folder.Double("layer_norm_eps", 1e-5),
            TokenDropout: folder.Bool("token_dropout", true),
            MaskTokenId: folder.Config.TryGetProperty("mask_token_id", out var mask) && mask.TryGetInt32(out var maskId) ? maskId : Tokenizers.EsmAlphabet.MaskId,
            PadTokenId: folder.Config.TryGetProperty("pad_token_id", out var pad) && pad.TryGetInt32(out var padId) ? padId : Tokenizers.EsmAlphabet.PadId);
        config.Validate(folder.Directory);
        return config;
    }

    public void Validate(string source)
    {
        if (Layers < 1 || Hidden < 1 || Heads < 1 || Intermediate < 1 || MaxPositions < 3)
            throw TesseraException.Validation($"ESM config in {source} has a non-positive dimension.");
        if (Hidden % Heads != 0 || HeadDimension % 2 != 0)
            throw TesseraException.Validation($"ESM config in {source}: hidden_size {Hidden} must split into {Heads} heads of an even size.");
    }
}
