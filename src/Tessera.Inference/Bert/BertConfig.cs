using System.Globalization;
using Tessera.Core.Errors;
using Tessera.Inference.Checkpoints;

namespace Tessera.Inference.Bert;

/// <summary>The BERT geometry read from (and written to) a Hugging Face <c>config.json</c>.</summary>
internal sealed record BertConfig(
    int VocabularySize,
    int Hidden,
    int Layers,
    int Heads,
    int Intermediate,
    int MaxPositions,
    int TypeVocabularySize,
    float LayerNormEpsilon)
{
    public int HeadDimension => Hidden / Heads;

    public static BertConfig From(HfCheckpointFolder folder)
    {
        if (folder.ModelType != "bert")
            throw TesseraException.Validation($"{folder.Directory} holds model_type '{folder.ModelType}', not 'bert'.");
        var activation = folder.String("hidden_act") ?? "gelu";
        if (activation != "gelu")
            throw TesseraException.Validation($"BERT checkpoint {folder.Directory} uses hidden_act '{activation}'; only the exact 'gelu' is supported.");
        var positions = folder.String("position_embedding_type") ?? "absolute";
        if (positions != "absolute")
            throw TesseraException.Validation($"BERT checkpoint {folder.Directory} uses '{positions}' position embeddings; only 'absolute' is supported.");
        var config = new BertConfig(
            VocabularySize: folder.RequiredInt("vocab_size"),
            Hidden: folder.RequiredInt("hidden_size"),
            Layers: folder.RequiredInt("num_hidden_layers"),
            Heads: folder.RequiredInt("num_attention_heads"),
            Intermediate: folder.RequiredInt("intermediate_size"),
            MaxPositions: folder.RequiredInt("max_position_embeddings"),
            TypeVocabularySize: folder.RequiredInt("type_vocab_size"),
            LayerNormEpsilon: (float)folder.Double("layer_norm_eps", 1e-12));
        if (config.Layers < 1 || config.Hidden < 1 || config.Heads < 1 || config.Intermediate < 1 || config.MaxPositions < 2 || config.TypeVocabularySize < 1)
            throw TesseraException.Validation($"BERT config in {folder.Directory} has a non-positive dimension.");
        if (config.Hidden % config.Heads != 0)
            throw TesseraException.Validation($"BERT config in {folder.Directory}: hidden_size {config.Hidden} does not split into {config.Heads} heads.");
        return config;
    }

    /// <summary>The <c>config.json</c> of HF's <c>BertModel</c> with this geometry.</summary>
    public Dictionary<string, object> ToJson() => new()
    {
        ["architectures"] = new[] { "BertModel" },
        ["model_type"] = "bert",
        ["vocab_size"] = VocabularySize,
        ["hidden_size"] = Hidden,
        ["num_hidden_layers"] = Layers,
        ["num_attention_heads"] = Heads,
        ["intermediate_size"] = Intermediate,
        ["max_position_embeddings"] = MaxPositions,
        ["type_vocab_size"] = TypeVocabularySize,
        ["layer_norm_eps"] = double.Parse(LayerNormEpsilon.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
        ["hidden_act"] = "gelu",
        ["position_embedding_type"] = "absolute",
        ["pad_token_id"] = 0,
        ["torch_dtype"] = "float32",
    };
}
