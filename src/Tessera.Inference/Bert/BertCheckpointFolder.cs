using System.Text.Json;
using Tessera.Core;
using Tessera.Core.Errors;
using Tessera.Core.Hashing;
using Tessera.Inference.Checkpoints;
using Tessera.Inference.Embeddings;
using Tessera.Inference.Kernels;
using Tessera.Inference.SafeTensors;

namespace Tessera.Inference.Bert;

/// <summary>
/// A BERT sentence-embedding checkpoint folder as sentence-transformers lays it out: <c>config.json</c>,
/// <c>model.safetensors</c>, <c>vocab.txt</c>, <c>tokenizer_config.json</c>, <c>sentence_bert_config.json</c>
/// (the window, <c>max_seq_length</c>) and <c>1_Pooling/config.json</c> (mean or [CLS] pooling).
/// </summary>
internal sealed class BertCheckpointFolder
{
    /// <summary>safetensors metadata key: the sha256 of the ONNX file the weights were imported from.</summary>
    public const string SourceSha256Key = "tessera_source_sha256";

    private BertCheckpointFolder(string directory, string name, BertEncoder encoder, byte[] vocabulary, int maxTokens, EmbeddingPooling pooling, string weightsSha256, string? sourceSha256)
    {
        Directory = directory;
        Name = name;
        Encoder = encoder;
        Vocabulary = vocabulary;
        MaxTokens = maxTokens;
        Pooling = pooling;
        WeightsSha256 = weightsSha256;
        SourceSha256 = sourceSha256;
    }

    public string Directory { get; }

    public string Name { get; }

    public BertEncoder Encoder { get; }

    public byte[] Vocabulary { get; }

    /// <summary>The window, [CLS] and [SEP] included.</summary>
    public int MaxTokens { get; }

    public EmbeddingPooling Pooling { get; }

    /// <summary>sha256 of <c>model.safetensors</c>.</summary>
    public string WeightsSha256 { get; }

    /// <summary>sha256 of the ONNX file the weights came from, when <c>tessera models import</c> made the folder.</summary>
    public string? SourceSha256 { get; }

    public static bool IsBert(string directory) =>
        File.Exists(Path.Combine(directory, HfCheckpointFolder.ConfigFileName)) && HfCheckpointFolder.Open(directory).ModelType == "bert";

    public static BertCheckpointFolder Load(string directory, SimdPath? path = null)
    {
        var folder = HfCheckpointFolder.Open(directory);
        var config = BertConfig.From(folder);
        var vocabularyPath = folder.OptionalFile("vocab.txt") ?? throw TesseraException.Validation($"BERT checkpoint {folder.Directory} has no vocab.txt.");
        BertWeights weights;
        string? source;
        using (var file = SafeTensorsFile.Open(folder.WeightsPath))
        {
            weights = BertWeights.Load(file, config);
            source = file.Metadata.TryGetValue(SourceSha256Key, out var sha) ? sha : null;
        }
        string hash;
        using (var stream = File.OpenRead(folder.WeightsPath)) hash = Sha256Hex.Of(stream);
        var maxTokens = Math.Min(config.MaxPositions, ReadInt(folder.OptionalFile("sentence_bert_config.json"), "max_seq_length")
            ?? ReadInt(folder.OptionalFile("tokenizer_config.json"), "model_max_length") ?? config.MaxPositions);
        var pooling = ReadBool(folder.OptionalFile(Path.Combine("1_Pooling", "config.json")), "pooling_mode_cls_token") == true
            ? EmbeddingPooling.ClsToken
            : EmbeddingPooling.MeanOverTokens;
        return new BertCheckpointFolder(folder.Directory, Path.GetFileName(folder.Directory), new BertEncoder(weights, path ?? SimdPaths.Best),
            File.ReadAllBytes(vocabularyPath), maxTokens, pooling, hash, source);
    }

    /// <summary>
    /// Writes an imported model as a folder, atomically: everything goes to a sibling temporary folder that is
    /// renamed into place last, so <paramref name="directory"/> either does not exist or is complete.
    /// </summary>
    public static void Write(string directory, BertOnnxImporter.Result imported, byte[] vocabulary, int maxTokens, EmbeddingPooling pooling, string source)
    {
        var target = Path.GetFullPath(directory);
        if (System.IO.Directory.Exists(target) || File.Exists(target))
            throw TesseraException.Validation($"{target} already exists; choose a new folder (or delete it to import again).");
        var parent = Path.GetDirectoryName(target)!;
        System.IO.Directory.CreateDirectory(parent);
        var temporary = Path.Combine(parent, $".{Path.GetFileName(target)}.importing-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(temporary);
        try
        {
            var c = imported.Config;
            WriteJson(Path.Combine(temporary, HfCheckpointFolder.ConfigFileName), c.ToJson());
            SafeTensorsWriter.Write(Path.Combine(temporary, HfCheckpointFolder.WeightsFileName), imported.Tensors,
                new Dictionary<string, string> { ["format"] = "pt", [SourceSha256Key] = imported.SourceSha256, ["tessera_source"] = source });
            AtomicFile.Write(Path.Combine(temporary, "vocab.txt"), stream => stream.Write(vocabulary));
            WriteJson(Path.Combine(temporary, "tokenizer_config.json"), new Dictionary<string, object>
            {
                ["tokenizer_class"] = "BertTokenizer",
                ["do_lower_case"] = true,
                ["model_max_length"] = maxTokens,
            });
            WriteJson(Path.Combine(temporary, "sentence_bert_config.json"), new Dictionary<string, object> { ["max_seq_length"] = maxTokens, ["do_lower_case"] = false });
            System.IO.Directory.CreateDirectory(Path.Combine(temporary, "1_Pooling"));
            WriteJson(Path.Combine(temporary, "1_Pooling", "config.json"), new Dictionary<string, object>
            {
                ["word_embedding_dimension"] = c.Hidden,
                ["pooling_mode_cls_token"] = pooling == EmbeddingPooling.ClsToken,
                ["pooling_mode_mean_tokens"] = pooling == EmbeddingPooling.MeanOverTokens,
                ["pooling_mode_max_tokens"] = false,
            });
            System.IO.Directory.Move(temporary, target);
        }
        catch
        {
            if (System.IO.Directory.Exists(temporary)) System.IO.Directory.Delete(temporary, recursive: true);
            throw;
        }
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static void WriteJson(string path, object value) =>
        AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, value, Indented));

    private static int? ReadInt(string? path, string property)
    {
        var element = ReadProperty(path, property);
        return element is { ValueKind: JsonValueKind.Number } e && e.TryGetInt32(out var value) ? value : null;
    }

    private static bool? ReadBool(string? path, string property) =>
        ReadProperty(path, property) is { ValueKind: JsonValueKind.True or JsonValueKind.False } e ? e.GetBoolean() : null;

    private static JsonElement? ReadProperty(string? path, string property)
    {
        if (path is null) return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(property, out var value) ? value.Clone() : null;
        }
        catch (JsonException e)
        {
            throw TesseraException.Validation($"{path} is not valid JSON: {e.Message}");
        }
    }
}
