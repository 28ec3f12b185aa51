using Tessera.Core.Errors;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Text;

namespace Tessera.Inference.Bert;

/// <summary>What <see cref="BertModelImport"/> wrote.</summary>
public sealed record ImportedBertModel(string Directory, int Layers, int Hidden, int Heads, int Intermediate, int MaxTokens, EmbeddingPooling Pooling, string SourceSha256);

/// <summary>
/// <c>tessera models import</c>: converts a BERT sentence embedder shipped as ONNX into a Hugging Face safetensors
/// folder (<c>config.json</c>, <c>model.safetensors</c>, <c>vocab.txt</c>, tokenizer and pooling settings) that the
/// in-house engine loads. The weights are copied exactly (float32); the folder appears complete or not at all.
/// </summary>
public static class BertModelImport
{
    /// <summary>Whether <paramref name="path"/> is a checkpoint folder whose config.json says <c>model_type: bert</c> (an imported model).</summary>
    public static bool IsBertFolder(string path) =>
        !string.IsNullOrWhiteSpace(path) && Directory.Exists(path) && File.Exists(Path.Combine(path, "model.safetensors")) && BertCheckpointFolder.IsBert(path);

    /// <summary>A packaged model (e.g. <see cref="PretrainedEmbedders.MiniLmModel"/>), with its vocabulary, window and pooling.</summary>
    public static ImportedBertModel Import(BertTextModel model, string outDirectory)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Import(model.Onnx.ReadAllBytes(), model.Onnx.ToString(), model.Vocabulary.ReadAllBytes(), model.MaxTokens, model.Pooling, outDirectory);
    }

    /// <summary>An ONNX file on disk; its vocabulary is <paramref name="vocabularyPath"/>, or <c>vocab.txt</c> beside it.</summary>
    public static ImportedBertModel Import(string onnxPath, string? vocabularyPath, int maxTokens, EmbeddingPooling pooling, string outDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(onnxPath);
        var full = Path.GetFullPath(onnxPath);
        if (!File.Exists(full)) throw TesseraException.Validation($"ONNX file not found: {full}");
        var vocabulary = vocabularyPath ?? Path.Combine(Path.GetDirectoryName(full)!, "vocab.txt");
        if (!File.Exists(vocabulary))
            throw TesseraException.Validation($"No vocabulary: {vocabulary} does not exist (pass --vocab FILE).");
        if (pooling is not (EmbeddingPooling.MeanOverTokens or EmbeddingPooling.ClsToken))
            throw TesseraException.Validation($"Pooling must be mean or cls, not {pooling}.");
        return Import(File.ReadAllBytes(full), full, File.ReadAllBytes(vocabulary), maxTokens, pooling, outDirectory);
    }

    private static ImportedBertModel Import(byte[] onnx, string source, byte[] vocabulary, int maxTokens, EmbeddingPooling pooling, string outDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outDirectory);
        var imported = BertOnnxImporter.Convert(onnx, source);
        var c = imported.Config;
        if (maxTokens < 2 || maxTokens > c.MaxPositions)
            throw TesseraException.Validation($"The window of {maxTokens} tokens must be between 2 and the model's {c.MaxPositions} positions.");
        var lines = System.Text.Encoding.UTF8.GetString(vocabulary).Split('\n').Count(l => l.TrimEnd('\r').Length > 0);
        if (lines != c.VocabularySize)
            throw TesseraException.Validation($"The vocabulary has {lines} tokens but {source} embeds {c.VocabularySize}.");
        BertCheckpointFolder.Write(outDirectory, imported, vocabulary, maxTokens, pooling, source);
        return new ImportedBertModel(Path.GetFullPath(outDirectory), c.Layers, c.Hidden, c.Heads, c.Intermediate, maxTokens, pooling, imported.SourceSha256);
    }
}
